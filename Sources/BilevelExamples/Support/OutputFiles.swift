import Foundation

/// Writes an example's machine-readable output (JSON for the plotting scripts in tools/).
public enum OutputFiles {
  /// Encodes `value` as pretty-printed JSON at `path`, creating the directory.
  public static func writeJSON<Value: Encodable>(_ value: Value, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(value).write(to: url)
  }
}

/// Wall-clock seconds of a closure (monotonic clock).
public func measureSeconds<T>(_ body: () throws -> T) rethrows -> (result: T, seconds: Double) {
  let start = DispatchTime.now().uptimeNanoseconds
  let result = try body()
  return (result, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
}
