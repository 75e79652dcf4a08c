/// The fields of one JSON object of a system file, read by name and type.
///
/// Every accessor names the field by its full path (`species[1].count`) and the expected type when
/// the value does not fit, and remembers the name it was asked for; ``finish()`` then refuses any
/// field that no accessor asked for, suggesting the closest known name. A misspelt
/// `force_tolerence` therefore stops the run instead of silently leaving the default in force.
struct JSONFields {
  /// Where this object sits in the file ("" for the top level, "minimizer", "species[0]").
  let path: String
  private let members: [JSONValue.Member]
  private var known: [String] = []

  init(_ value: JSONValue, path: String) throws(SystemError) {
    guard case .object(let members) = value else {
      throw SystemError("\(path.isEmpty ? "the file" : "field '\(path)'") must be an object { … }, got \(value.kindName)")
    }
    self.path = path
    self.members = members
  }

  /// The full name of a field of this object, as messages give it.
  func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// The raw value of `key`, or nil when absent (null counts as absent).
  mutating func value(_ key: String) -> JSONValue? {
    known.append(key)
    guard let member = members.first(where: { $0.key == key }), member.value != .null else { return nil }
    return member.value
  }

  mutating func string(_ key: String) throws(SystemError) -> String? {
    guard let value = value(key) else { return nil }
    guard case .string(let text) = value else { throw mismatch(key, "a string", value) }
    return text
  }

  mutating func bool(_ key: String) throws(SystemError) -> Bool? {
    guard let value = value(key) else { return nil }
    guard case .bool(let flag) = value else { throw mismatch(key, "true or false", value) }
    return flag
  }

  /// A finite number (JSON cannot write NaN or infinities; the parser refuses overflow).
  mutating func number(_ key: String) throws(SystemError) -> Double? {
    guard let value = value(key) else { return nil }
    return try Self.number(value, name: name(key))
  }

  /// A whole number in `range`: `64` and `64.0` are accepted, `64.5` and `1e20` are not.
  mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(SystemError) -> Int? {
    guard let value = value(key) else { return nil }
    return try Self.integer(value, name: name(key), in: range)
  }

  /// A whole number from 0 to 2⁶⁴ − 1, read from its digits so that large seeds stay exact.
  mutating func unsigned(_ key: String) throws(SystemError) -> UInt64? {
    guard let value = value(key) else { return nil }
    guard case .number(let literal, _) = value, let exact = UInt64(literal) else {
      throw SystemError("field '\(name(key))' must be a whole number from 0 to \(UInt64.max), got \(value.excerpt)")
    }
    return exact
  }

  mutating func object(_ key: String) throws(SystemError) -> JSONFields? {
    guard let value = value(key) else { return nil }
    return try JSONFields(value, path: name(key))
  }

  mutating func list(_ key: String) throws(SystemError) -> [JSONValue]? {
    guard let value = value(key) else { return nil }
    guard case .array(let elements) = value else { throw mismatch(key, "a list [ … ]", value) }
    return elements
  }

  /// Refuses every field that was not asked for: a misspelling must not pass as an absent field.
  func finish() throws(SystemError) {
    for member in members where !known.contains(member.key) {
      let place = path.isEmpty ? "at the top level" : "in \(path)"
      var message = "unknown field '\(member.key)' \(place) (line \(member.line))"
      if let suggestion = Self.closest(to: member.key, among: known) {
        message += " (did you mean '\(suggestion)'?)"
      } else {
        message += "; known fields: \(known.joined(separator: ", "))"
      }
      throw SystemError(message)
    }
  }

  // MARK: Values outside an object (list elements)

  static func number(_ value: JSONValue, name: String) throws(SystemError) -> Double {
    guard case .number(_, let number) = value else {
      throw SystemError("field '\(name)' must be a number, got \(value.kindName) \(value.excerpt)")
    }
    return number
  }

  static func integer(_ value: JSONValue, name: String, in range: ClosedRange<Int>) throws(SystemError) -> Int {
    guard case .number(let literal, let number) = value else {
      throw SystemError("field '\(name)' must be a whole number, got \(value.kindName) \(value.excerpt)")
    }
    guard number.rounded(.towardZero) == number else {
      throw SystemError("field '\(name)' must be a whole number, got \(value.excerpt)")
    }
    // Digits alone are read exactly (a double cannot hold every Int); 1e3 or 64.0 through the double.
    guard let exact = Int(literal) ?? Int(exactly: number), range.contains(exact) else {
      throw SystemError("field '\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(value.excerpt)")
    }
    return exact
  }

  private func mismatch(_ key: String, _ expected: String, _ value: JSONValue) -> SystemError {
    SystemError("field '\(name(key))' must be \(expected), got \(value.kindName) \(value.excerpt)")
  }

  /// The known name within edit distance 2 (or a third of the name) of `key`, if one is.
  static func closest(to key: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
    guard let (best, distance) = scored, distance <= max(2, key.count / 3) else { return nil }
    return best
  }

  /// Levenshtein distance (insertions, deletions, substitutions) between two names.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
