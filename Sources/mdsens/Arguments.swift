import Simulation

/// A command line split into positional arguments, options with values and flags, checked against
/// what the command accepts, so that a misspelt option is an error rather than ignored.
struct Arguments {
  var positional: [String] = []
  var values: [String: String] = [:]
  var flags: Set<String> = []
  /// A system already read (an ensemble member's), used instead of the positional system file.
  var system: ParticleSystem?
  /// Whether progress may appear on a terminal without `--progress`; false for the members of an
  /// ensemble, whose progress is the sweep's.
  var interactive = true

  /// - Parameters:
  ///   - valued: option names (without "--") that take a value, as `--name value` or `--name=value`.
  ///   - flags: option names that take none.
  init(_ arguments: [String], valued: Set<String>, flags allowedFlags: Set<String>, command: String) throws {
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      guard argument.hasPrefix("-"), argument != "-" else {
        positional.append(argument)
        continue
      }
      if argument == "-h" {
        flags.insert("help")
        continue
      }
      guard argument.hasPrefix("--") else {
        throw UsageError("unknown option '\(argument)'; see 'mdsens \(command) --help'")
      }
      var name = String(argument.dropFirst(2))
      var value: String?
      if let equals = name.firstIndex(of: "=") {
        value = String(name[name.index(after: equals)...])
        name = String(name[..<equals])
      }
      if allowedFlags.contains(name) {
        guard value == nil else { throw UsageError("option --\(name) takes no value") }
        guard flags.insert(name).inserted else { throw UsageError("option --\(name) is given twice") }
      } else if valued.contains(name) {
        if value == nil {
          guard index < arguments.count else { throw UsageError("option --\(name) needs a value") }
          value = arguments[index]
          index += 1
        }
        // The last of two values must not win silently: one of them is a mistake.
        guard values.updateValue(value!, forKey: name) == nil else {
          throw UsageError("option --\(name) is given twice; give it once")
        }
      } else {
        throw UsageError("unknown option '--\(name)'; see 'mdsens \(command) --help'")
      }
    }
  }

  func has(_ flag: String) -> Bool { flags.contains(flag) }

  /// The system: the one given in code, else the system file named on the command line, else the
  /// built-in paper system.
  func loadSystem() throws -> ParticleSystem {
    try system ?? positional.first.map { try ParticleSystem.load(path: $0) } ?? BuiltInSystems.paper()
  }

  /// A finite number, or nil when the option is absent.
  func number(_ name: String, minimum: Double = -.infinity) throws -> Double? {
    guard let text = values[name] else { return nil }
    guard let value = Double(text), value.isFinite, value >= minimum else {
      throw UsageError("--\(name) must be a finite number\(minimum > -.infinity ? " ≥ \(minimum)" : ""), got '\(text)'")
    }
    return value
  }

  /// A whole number, or nil when the option is absent.
  func integer(_ name: String, minimum: Int = 0) throws -> Int? {
    guard let text = values[name] else { return nil }
    guard let value = Int(text), value >= minimum else {
      throw UsageError("--\(name) must be a whole number ≥ \(minimum), got '\(text)'")
    }
    return value
  }
}

/// A command line the tool cannot act on.
struct UsageError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
