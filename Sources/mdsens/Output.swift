import Foundation

/// Where the tool writes: results on stdout, progress and errors on stderr.
enum Output {
  static func result(_ text: String) {
    print(text)
  }

  static func progress(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  /// A warning, on stderr so that stdout holds only the result.
  static func warning(_ text: String) {
    FileHandle.standardError.write(Data(("mdsens: warning: " + text + "\n").utf8))
  }

  /// One JSON object on one line, keys sorted, for machines.
  static func json(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    print(String(decoding: data, as: UTF8.self))
  }

  /// A number with enough digits to identify the double.
  static func exact(_ value: Double) -> String { "\(value)" }

  /// A number for people.
  static func short(_ value: Double) -> String { String(format: "%.6g", value) }
}
