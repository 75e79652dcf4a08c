import Foundation

/// A labelled data set read from one of the CSV fixtures that `tools/export_datasets.py` writes
/// (one sample per line, features first, target last).
public struct LabelledDataset: Sendable {
  /// n × p features.
  public var features: Matrix
  /// The n targets (a regression target or a class index stored as a Double).
  public var targets: [Double]

  public init(features: Matrix, targets: [Double]) {
    precondition(features.rowCount == targets.count, "features and targets differ in length")
    self.features = features
    self.targets = targets
  }

  public var sampleCount: Int { targets.count }
  public var featureCount: Int { features.columnCount }

  /// Reads `Data/<name>.csv` from the module's resources.
  public static func fixture(_ name: String) throws -> LabelledDataset {
    guard let url = Bundle.module.url(forResource: name, withExtension: "csv")
      ?? Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Data")
    else { throw ExampleError.missingFixture(name) }
    let text = try String(contentsOf: url, encoding: .utf8)
    var rows = [[Double]]()
    for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
      let values = line.split(separator: ",").map { Double($0)! }
      rows.append(values)
    }
    let targets = rows.map { $0.last! }
    return LabelledDataset(features: Matrix(rows: rows.map { Array($0.dropLast()) }), targets: targets)
  }

  /// The samples listed, in order.
  public func subset(_ indices: [Int]) -> LabelledDataset {
    LabelledDataset(features: features.selectingRows(indices), targets: indices.map { targets[$0] })
  }
}

/// Why an example could not run.
public enum ExampleError: Error, CustomStringConvertible {
  case missingFixture(String)
  case invalidOption(String)

  public var description: String {
    switch self {
    case .missingFixture(let name):
      return "fixture \(name).csv not found: run tools/export_datasets.py"
    case .invalidOption(let message): return message
    }
  }
}
