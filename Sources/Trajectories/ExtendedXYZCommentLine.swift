import Foundation

/// The second line of an extended XYZ frame: whitespace-separated `key=value` pairs, where values
/// may be double-quoted (with backslash escapes) or braced (`{1 2 3}`, ASE's array syntax), and a
/// bare `key` means `key=T`.
struct ExtendedXYZCommentLine {
  /// The pairs in the order written.
  var entries: [(key: String, value: String)] = []

  init(entries: [(key: String, value: String)]) {
    self.entries = entries
  }

  /// Parses a comment line; throws a message (without line number) when a quote or brace is unterminated.
  init(parsing line: Substring) throws(ExtendedXYZSyntaxError) {
    var characters = line[...]
    func skipWhitespace() { while let first = characters.first, first.isWhitespace { characters.removeFirst() } }
    func readToken(stoppingAtEquals: Bool) throws(ExtendedXYZSyntaxError) -> String {
      guard let first = characters.first else { return "" }
      if first == "\"" || first == "{" {
        let closing: Character = first == "\"" ? "\"" : "}"
        characters.removeFirst()
        var token = ""
        while let next = characters.first {
          characters.removeFirst()
          if next == closing { return token }
          if next == "\\", closing == "\"", let escaped = characters.first {
            characters.removeFirst()
            token.append(escaped)
          } else {
            token.append(next)
          }
        }
        throw ExtendedXYZSyntaxError("unterminated \(first) in the comment line")
      }
      var token = ""
      while let next = characters.first, !next.isWhitespace, !(stoppingAtEquals && next == "=") {
        token.append(next)
        characters.removeFirst()
      }
      return token
    }

    skipWhitespace()
    while !characters.isEmpty {
      let key = try readToken(stoppingAtEquals: true)
      guard !key.isEmpty else { throw ExtendedXYZSyntaxError("a value without a key in the comment line") }
      skipWhitespace()
      if characters.first == "=" {
        characters.removeFirst()
        skipWhitespace()
        entries.append((key, try readToken(stoppingAtEquals: false)))
      } else {
        entries.append((key, "T"))
      }
      skipWhitespace()
    }
  }

  /// The value of `key`, matched case-insensitively as ASE and OVITO do for the standard keys.
  func value(forKey key: String) -> String? {
    entries.last { $0.key.lowercased() == key.lowercased() }?.value
  }

  /// The line, quoting values that contain whitespace, quotes or `=`.
  var formatted: String {
    entries.map { "\($0.key)=\(Self.quotedIfNeeded($0.value))" }.joined(separator: " ")
  }

  static func quotedIfNeeded(_ value: String) -> String {
    if !value.isEmpty, !value.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "=" || $0 == "{" || $0 == "\\" }) {
      return value
    }
    let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    return "\"\(escaped)\""
  }
}

/// A format problem found while parsing one line; the reader adds the path and line number.
struct ExtendedXYZSyntaxError: Error {
  let message: String
  init(_ message: String) { self.message = message }
}
