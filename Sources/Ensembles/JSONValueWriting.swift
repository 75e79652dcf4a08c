import Simulation

extension JSONValue {
  /// A number exactly as Swift prints it: the shortest text that reads back as the same double,
  /// so that a record written and read again holds the same bits.
  public static func exact(_ value: Double) -> JSONValue {
    value.isFinite ? .number(literal: "\(value)", value: value) : .null
  }

  /// `{}`.
  public static let emptyObject = JSONValue.object([Member]())

  /// A whole number.
  public static func integer(_ value: Int) -> JSONValue { .number(literal: "\(value)", value: Double(value)) }

  /// An object from members in the given order.
  public static func object(_ pairs: [(String, JSONValue)]) -> JSONValue {
    .object(pairs.map { JSONValue.Member(key: $0.0, value: $0.1, line: 0) })
  }

  /// The value of `key` in an object, or nil (also when this is not an object).
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  /// The object's members as (key, value) pairs in order; empty for other values.
  public var pairs: [(key: String, value: JSONValue)] {
    guard case .object(let members) = self else { return [] }
    return members.map { ($0.key, $0.value) }
  }

  /// The number, or nil.
  public var numberValue: Double? {
    if case .number(_, let value) = self { return value }
    return nil
  }

  /// The string, or nil.
  public var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  /// The object with `key` set to `value` (replaced in place, else appended).
  func setting(_ key: String, to value: JSONValue) -> JSONValue {
    guard case .object(var members) = self else { return .object([Member(key: key, value: value, line: 0)]) }
    if let index = members.firstIndex(where: { $0.key == key }) {
      members[index] = Member(key: key, value: value, line: members[index].line)
    } else {
      members.append(Member(key: key, value: value, line: 0))
    }
    return .object(members)
  }

  /// The object without `key`.
  func removing(_ key: String) -> JSONValue {
    guard case .object(let members) = self else { return self }
    return .object(members.filter { $0.key != key })
  }

  /// RFC 8259 text: compact, or with `indent` spaces per level; numbers as their literal text.
  public func text(indent: Int = 0) -> String {
    var output = ""
    write(to: &output, indent: indent, level: 0)
    return output
  }

  private func write(to output: inout String, indent: Int, level: Int) {
    let newline = indent > 0 ? "\n" + String(repeating: " ", count: indent * (level + 1)) : ""
    let closing = indent > 0 ? "\n" + String(repeating: " ", count: indent * level) : ""
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .number(let literal, _): output += literal
    case .string(let text): JSONValue.writeString(text, to: &output)
    case .array(let elements):
      guard !elements.isEmpty else { output += "[]"; return }
      // Lists of numbers stay on one line: they are rows of a table, not structure.
      let flat = elements.allSatisfy { if case .number = $0 { return true } else { return false } }
      output += "["
      for (index, element) in elements.enumerated() {
        if index > 0 { output += flat && indent > 0 ? ", " : "," }
        if !flat { output += newline }
        element.write(to: &output, indent: indent, level: level + 1)
      }
      output += flat ? "]" : closing + "]"
    case .object(let members):
      guard !members.isEmpty else { output += "{}"; return }
      output += "{"
      for (index, member) in members.enumerated() {
        if index > 0 { output += "," }
        output += newline
        JSONValue.writeString(member.key, to: &output)
        output += indent > 0 ? ": " : ":"
        member.value.write(to: &output, indent: indent, level: level + 1)
      }
      output += closing + "}"
    }
  }

  private static func writeString(_ text: String, to output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case let control where control.value < 0x20:
        let hex = String(control.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}
