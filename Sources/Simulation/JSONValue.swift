/// A JSON document as read by ``JSONValue/parse(_:)``: RFC 8259 and nothing more.
///
/// Foundation's `JSONDecoder` accepts what a system file must not: a key given twice (the last one
/// wins), trailing commas, and it cannot say which field of a nested object has the wrong type. A
/// system file describes an experiment, so anything it would silently reinterpret is refused here,
/// with the line and column of the offending character.
public enum JSONValue: Sendable, Equatable {
  /// Members in file order; keys are unique (the parser refuses duplicates).
  case object([Member])
  case array([JSONValue])
  /// A number with its literal text, so that `64` and `64.0` stay distinguishable for integer fields.
  case number(literal: String, value: Double)
  case string(String)
  case bool(Bool)
  case null

  public struct Member: Sendable, Equatable {
    public let key: String
    public let value: JSONValue
    /// 1-based line of the key, for messages.
    public let line: Int

    /// A member; `line` is 0 for one that was never read from a file.
    public init(key: String, value: JSONValue, line: Int) {
      self.key = key
      self.value = value
      self.line = line
    }
  }

  /// The kind of value, as a message names it ("a number", "an object", ...).
  public var kindName: String {
    switch self {
    case .object: return "an object"
    case .array: return "a list"
    case .number: return "a number"
    case .string: return "a string"
    case .bool: return "true or false"
    case .null: return "null"
    }
  }

  /// The value shortened to one line for a message (at most ~40 characters).
  public var excerpt: String {
    let text: String
    switch self {
    case .object: text = "{…}"
    case .array: text = "[…]"
    case .number(let literal, _): text = literal
    case .string(let string): text = "\"\(string)\""
    case .bool(let value): text = "\(value)"
    case .null: text = "null"
    }
    return text.count > 40 ? String(text.prefix(40)) + "…" : text
  }
}

/// Why a text is not a strict JSON document: the message gives the line and column.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
  public let description: String
}

extension JSONValue {
  /// Nesting deeper than this is refused rather than risking the stack on hostile input.
  public static let maximumDepth = 64

  /// Parses UTF-8 text strictly: one value, no duplicate keys, no trailing commas, no comments,
  /// no NaN or Infinity, numbers that fit a Double, no control characters inside strings.
  public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
    var parser = StrictJSONParser(bytes: bytes)
    return try parser.document()
  }
}

/// Recursive descent over the bytes; `position` is the next unread byte.
private struct StrictJSONParser {
  let bytes: [UInt8]
  var position = 0
  var depth = 0

  init(bytes: [UInt8]) {
    // A UTF-8 byte-order mark is tolerated (editors on Windows write one).
    self.bytes = bytes
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  mutating func document() throws(JSONSyntaxError) -> JSONValue {
    skipWhitespace()
    guard position < bytes.count else { throw failure("the file is empty") }
    let root = try value()
    skipWhitespace()
    guard position == bytes.count else { throw failure("unexpected text after the end of the document") }
    return root
  }

  // MARK: Values

  mutating func value() throws(JSONSyntaxError) -> JSONValue {
    guard let byte = peek() else { throw failure("the document ends where a value was expected") }
    switch byte {
    case UInt8(ascii: "{"): return try object()
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try keyword("true"); return .bool(true)
    case UInt8(ascii: "f"): try keyword("false"); return .bool(false)
    case UInt8(ascii: "n"): try keyword("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    default:
      throw failure("expected a value (a number, string, list, object, true, false or null), found \(describe(byte))")
    }
  }

  mutating func object() throws(JSONSyntaxError) -> JSONValue {
    try enterNested()
    position += 1
    var members: [JSONValue.Member] = []
    var keys = Set<String>()
    skipWhitespace()
    if peek() == UInt8(ascii: "}") {
      position += 1
      depth -= 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard peek() == UInt8(ascii: "\"") else {
        if peek() == UInt8(ascii: "}") { throw failure("a trailing comma before '}' is not allowed") }
        throw failure("expected a field name in double quotes, found \(describe(peek()))")
      }
      let line = currentLine()
      let key = try string()
      guard keys.insert(key).inserted else { throw failure("field '\(key)' is given twice", line: line) }
      skipWhitespace()
      guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after field '\(key)'") }
      position += 1
      skipWhitespace()
      members.append(JSONValue.Member(key: key, value: try value(), line: line))
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "}"):
        position += 1
        depth -= 1
        return .object(members)
      default: throw failure("expected ',' or '}' after field '\(key)', found \(describe(peek()))")
      }
    }
  }

  mutating func array() throws(JSONSyntaxError) -> JSONValue {
    try enterNested()
    position += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if peek() == UInt8(ascii: "]") {
      position += 1
      depth -= 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      if peek() == UInt8(ascii: "]") { throw failure("a trailing comma before ']' is not allowed") }
      elements.append(try value())
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "]"):
        position += 1
        depth -= 1
        return .array(elements)
      default: throw failure("expected ',' or ']' in a list, found \(describe(peek()))")
      }
    }
  }

  mutating func enterNested() throws(JSONSyntaxError) {
    depth += 1
    guard depth <= JSONValue.maximumDepth else {
      throw failure("lists and objects are nested more than \(JSONValue.maximumDepth) deep")
    }
  }

  mutating func keyword(_ word: StaticString) throws(JSONSyntaxError) {
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    guard bytes.count - position >= expected.count,
          zip(bytes[position...], expected).allSatisfy({ $0 == $1 }) else {
      throw failure("expected a value, found '\(lineExcerpt())'")
    }
    position += expected.count
  }

  /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, and finite as a Double.
  mutating func number() throws(JSONSyntaxError) -> JSONValue {
    let start = position
    func digits(_ parser: inout StrictJSONParser) -> Int {
      let first = parser.position
      while let byte = parser.peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { parser.position += 1 }
      return parser.position - first
    }
    if peek() == UInt8(ascii: "-") { position += 1 }
    let integerStart = position
    let integerDigits = digits(&self)
    guard integerDigits > 0 else { throw failure("a number needs digits after '-'") }
    guard !(integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0")) else {
      throw failure("a number must not start with 0 (write \(literal(from: start)) without leading zeros)")
    }
    if peek() == UInt8(ascii: ".") {
      position += 1
      guard digits(&self) > 0 else { throw failure("a number needs digits after '.'") }
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      position += 1
      if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
      guard digits(&self) > 0 else { throw failure("a number needs digits in its exponent") }
    }
    let text = literal(from: start)
    guard let value = Double(text), value.isFinite else {
      throw failure("the number \(text.prefix(40)) is out of the range of a double")
    }
    return .number(literal: text, value: value)
  }

  mutating func string() throws(JSONSyntaxError) -> String {
    position += 1
    var scalars = String.UnicodeScalarView()
    var run: [UInt8] = []
    func flush(_ parser: StrictJSONParser, _ run: inout [UInt8],
               into scalars: inout String.UnicodeScalarView) throws(JSONSyntaxError) {
      guard let text = String(validating: run, as: UTF8.self) else {
        throw parser.failure("a string is not valid UTF-8")
      }
      scalars.append(contentsOf: text.unicodeScalars)
      run.removeAll(keepingCapacity: true)
    }
    while true {
      guard let byte = peek() else { throw failure("a string is not closed before the end of the file") }
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        try flush(self, &run, into: &scalars)
        return String(scalars)
      case UInt8(ascii: "\\"):
        try flush(self, &run, into: &scalars)
        scalars.append(try escape())
      case 0..<0x20:
        throw failure("a control character (byte \(byte)) inside a string must be escaped")
      default:
        run.append(byte)
      }
    }
  }

  mutating func escape() throws(JSONSyntaxError) -> Unicode.Scalar {
    guard let byte = peek() else { throw failure("the file ends inside an escape sequence") }
    position += 1
    switch byte {
    case UInt8(ascii: "\""): return "\""
    case UInt8(ascii: "\\"): return "\\"
    case UInt8(ascii: "/"): return "/"
    case UInt8(ascii: "b"): return "\u{08}"
    case UInt8(ascii: "f"): return "\u{0C}"
    case UInt8(ascii: "n"): return "\n"
    case UInt8(ascii: "r"): return "\r"
    case UInt8(ascii: "t"): return "\t"
    case UInt8(ascii: "u"):
      let high = try hexQuad()
      if (0xD800..<0xDC00).contains(high) {
        guard peek() == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
          throw failure("a \\u escape of a high surrogate must be followed by its low surrogate")
        }
        position += 2
        let low = try hexQuad()
        guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid low surrogate in a \\u escape") }
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
      }
      guard let scalar = Unicode.Scalar(high) else { throw failure("a lone low surrogate in a \\u escape") }
      return scalar
    default:
      throw failure("unknown escape sequence '\\\(describe(byte))' in a string")
    }
  }

  mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
    guard bytes.count - position >= 4 else { throw failure("a \\u escape needs four hexadecimal digits") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw failure("a \\u escape needs four hexadecimal digits")
      }
      value = value * 16 + digit
      position += 1
    }
    return value
  }

  // MARK: Reading and reporting

  func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

  mutating func skipWhitespace() {
    while let byte = peek(),
          byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\r") {
      position += 1
    }
  }

  func literal(from start: Int) -> String { String(decoding: bytes[start..<position], as: UTF8.self) }

  func describe(_ byte: UInt8?) -> String {
    guard let byte else { return "the end of the file" }
    if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte \(byte)"
  }

  func currentLine() -> Int { bytes[..<min(position, bytes.count)].lazy.filter { $0 == 0x0A }.count + 1 }

  /// Up to 40 characters of the input from the current position, on one line.
  func lineExcerpt() -> String {
    let end = bytes[position...].prefix(40).firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) ?? min(bytes.count, position + 40)
    return String(decoding: bytes[position..<end], as: UTF8.self)
  }

  func failure(_ message: String, line: Int? = nil) -> JSONSyntaxError {
    let clamped = min(position, bytes.count)
    let lineStart = bytes[..<clamped].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    let column = String(decoding: bytes[lineStart..<clamped], as: UTF8.self).count + 1
    if let line { return JSONSyntaxError(description: "line \(line): \(message)") }
    return JSONSyntaxError(description: "line \(currentLine()), column \(column): \(message)")
  }
}
