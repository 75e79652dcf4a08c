import Foundation
import Simulation

/// A sweep file: a base system, the fields varied over the members, the task each member runs and
/// the output folder.
///
/// ```json
/// { "system": "paper-2d-128.json",
///   "vary": { "packing_fraction": [0.86, 0.9, 0.98], "seed": { "from": 0, "count": 40 } },
///   "combine": "product",
///   "task": "elasticity",
///   "output": "elasticity-sweep" }
/// ```
///
/// `system` is relative to the sweep file (absent: the built-in paper system). Each field of `vary`
/// (see ``SweepField``) takes a list of values, `{"from": a, "count": n}` (a, a+1, …; `"step"` to
/// change the increment) or `{"from": a, "to": b, "count": n}` (n values from a to b, evenly spaced,
/// or geometrically with `"spacing": "log"`). `combine` is `product` (every combination, the last
/// field varying fastest; the default) or `list` (the i-th member takes every field's i-th value;
/// the lists must be equally long). `task` is a command line or a list of them (see ``TaskStep``).
/// `output` is relative to the sweep file (default: the sweep file's name with `-ensemble`).
public struct Sweep: Sendable {
  /// How the varied fields' values combine into members.
  public enum Combination: String, Sendable {
    case product
    case list
  }

  /// The base system file as JSON.
  public let system: JSONValue
  /// The base system in messages: "system file X" or "the built-in paper system".
  public let systemOrigin: String
  /// Where relative paths in the system file point.
  public let systemDirectory: URL?
  /// The varied fields, in the sweep file's order, with their values.
  public let fields: [SweepField]
  public let values: [[JSONValue]]
  public let combination: Combination
  public let task: [TaskStep]
  /// The output folder.
  public let output: String

  /// Sweeps with more members than this are refused as a likely mistake in a product.
  public static let maximumMembers = 10_000_000

  /// Reads and checks the sweep file at `path`.
  public init(path: String) throws(SweepError) {
    let url = URL(fileURLWithPath: path)
    let bytes: [UInt8]
    do {
      bytes = [UInt8](try Data(contentsOf: url))
    } catch {
      throw SweepError("cannot read sweep file \(path): \(error.localizedDescription)")
    }
    let name = url.deletingPathExtension().lastPathComponent
    try self.init(bytes: bytes, origin: "sweep file \(path)", directory: url.deletingLastPathComponent(),
                  defaultOutput: "\(name)-ensemble")
  }

  /// Checks a sweep given as JSON text; relative paths are taken from `directory`.
  public init(bytes: [UInt8], origin: String, directory: URL, defaultOutput: String = "ensemble") throws(SweepError) {
    let json: JSONValue
    do {
      json = try JSONValue.parse(bytes)
    } catch {
      throw SweepError("\(origin) is not valid JSON: \(error)")
    }
    do {
      (system, systemOrigin, systemDirectory, fields, values, combination, task, output) =
        try Sweep.read(json, directory: directory, defaultOutput: defaultOutput)
    } catch {
      throw SweepError("\(origin): \(error.message)")
    }
  }

  /// The number of members.
  public var memberCount: Int {
    switch combination {
    case .product: values.reduce(1) { $0 * $1.count }
    case .list: values.first?.count ?? 1
    }
  }

  /// The values of every field for member `index`.
  public func parameters(of index: Int) -> [(field: SweepField, value: JSONValue)] {
    switch combination {
    case .list:
      return fields.indices.map { (fields[$0], values[$0][index]) }
    case .product:
      // Row-major: the last field varies fastest.
      var remainder = index
      var chosen = [JSONValue?](repeating: nil, count: fields.count)
      for position in fields.indices.reversed() {
        chosen[position] = values[position][remainder % values[position].count]
        remainder /= values[position].count
      }
      return fields.indices.map { (fields[$0], chosen[$0]!) }
    }
  }

  private static let keys: Set<String> = ["system", "vary", "combine", "task", "output", "description"]

  private static func read(_ json: JSONValue, directory: URL, defaultOutput: String) throws(SweepError)
    -> (JSONValue, String, URL?, [SweepField], [[JSONValue]], Combination, [TaskStep], String)
  {
    guard case .object(let members) = json else { throw SweepError("must be a JSON object, got \(json.kindName)") }
    for member in members where !keys.contains(member.key) {
      throw SweepError("unknown field '\(member.key)' (line \(member.line)); a sweep has \(keys.sorted().joined(separator: ", "))")
    }

    // The base system.
    var system: JSONValue
    var origin = "the built-in paper system"
    var systemDirectory: URL? = nil
    switch json["system"] {
    case nil:
      system = try parseJSON(Array(BuiltInSystems.paperJSON.utf8), origin: origin)
    case .string(let file)?:
      let url = URL(fileURLWithPath: file, relativeTo: directory)
      let bytes: [UInt8]
      do {
        bytes = [UInt8](try Data(contentsOf: url))
      } catch {
        throw SweepError("field 'system': cannot read system file \(url.path): \(error.localizedDescription)")
      }
      origin = "system file \(url.path)"
      system = try parseJSON(bytes, origin: origin)
      systemDirectory = url.deletingLastPathComponent()
    case let other?:
      throw SweepError("field 'system' must be the path of a system file, got \(other.kindName) \(other.excerpt)")
    }
    // The base must be a valid system itself: its mistakes are the sweep's, not every member's.
    do {
      _ = try ParticleSystem.parse(json: system.text(), origin: origin, baseDirectory: systemDirectory)
    } catch {
      throw SweepError("field 'system': \(error)")
    }

    // The varied fields.
    var fields: [SweepField] = []
    var values: [[JSONValue]] = []
    switch json["vary"] {
    case nil:
      break
    case .object(let entries)?:
      for entry in entries {
        let field: SweepField
        do {
          field = try SweepField(name: entry.key, base: system)
        } catch {
          throw SweepError("field 'vary.\(entry.key)': \(error.message)")
        }
        guard !fields.contains(field) else { throw SweepError("field 'vary.\(entry.key)' is given twice") }
        fields.append(field)
        values.append(try fieldValues(entry.value, field: field, path: "vary.\(entry.key)"))
      }
    case let other?:
      throw SweepError("field 'vary' must be an object of field names and their values, got \(other.kindName)")
    }

    var combination = Combination.product
    if let text = json["combine"] {
      guard let name = text.stringValue, let chosen = Combination(rawValue: name) else {
        throw SweepError("field 'combine' must be \"product\" or \"list\", got \(text.excerpt)")
      }
      combination = chosen
    }
    if combination == .list, let first = values.first, let mismatch = values.firstIndex(where: { $0.count != first.count }) {
      throw SweepError("with \"combine\": \"list\" every field needs as many values: '\(fields[0].name)' has \(first.count), '\(fields[mismatch].name)' has \(values[mismatch].count)")
    }
    // Two members with the same values would compute the same thing twice.
    switch combination {
    case .product:
      if let repeated = values.firstIndex(where: { Set($0.map(\.numberValue)).count < $0.count }) {
        throw SweepError("field 'vary.\(fields[repeated].name)' lists a value twice; each member must differ")
      }
    case .list:
      let members = (0..<(values.first?.count ?? 0)).map { index in values.map { $0[index].numberValue! } }
      if Set(members).count < members.count {
        throw SweepError("two members of the list have the same values of every field; each member must differ")
      }
    }
    if combination == .product {
      var count = 1
      for list in values {
        let (product, overflow) = count.multipliedReportingOverflow(by: list.count)
        guard !overflow, product <= maximumMembers else {
          throw SweepError("the product of the varied fields has more than \(maximumMembers) members")
        }
        count = product
      }
    }

    // The task.
    var task: [TaskStep] = []
    switch json["task"] {
    case nil:
      throw SweepError("missing field 'task': the command each member runs, e.g. \"minimize\" or \"elasticity\"")
    case .string(let line)?:
      task = [try TaskStep(commandLine: line)]
    case .array(let lines)?:
      guard !lines.isEmpty else { throw SweepError("field 'task' is an empty list; name at least one command") }
      for (index, line) in lines.enumerated() {
        guard let text = line.stringValue else {
          throw SweepError("field 'task[\(index)]' must be a command line such as \"analyze --dos\", got \(line.kindName)")
        }
        task.append(try TaskStep(commandLine: text))
      }
    case let other?:
      throw SweepError("field 'task' must be a command line or a list of them, got \(other.kindName)")
    }

    var output = defaultOutput
    if let text = json["output"] {
      guard let path = text.stringValue, !path.isEmpty else {
        throw SweepError("field 'output' must be the path of a folder, got \(text.excerpt)")
      }
      output = path
    }
    let outputPath = URL(fileURLWithPath: output, relativeTo: directory).standardizedFileURL.path
    return (system, origin, systemDirectory, fields, values, combination, task, outputPath)
  }

  private static func parseJSON(_ bytes: [UInt8], origin: String) throws(SweepError) -> JSONValue {
    do {
      return try JSONValue.parse(bytes)
    } catch {
      throw SweepError("\(origin) is not valid JSON: \(error)")
    }
  }

  /// The values of one field: a list, {from, count[, step]} or {from, to, count[, spacing]}.
  private static func fieldValues(_ json: JSONValue, field: SweepField, path: String) throws(SweepError) -> [JSONValue] {
    var list: [JSONValue]
    switch json {
    case .array(let elements):
      list = elements
    case .object(let members):
      for member in members where !["from", "to", "count", "step", "spacing"].contains(member.key) {
        throw SweepError("field '\(path).\(member.key)' is unknown; a range has from, count and either step or to (and spacing)")
      }
      guard let from = json["from"]?.numberValue else { throw SweepError("field '\(path).from' is missing or not a number") }
      guard let countValue = json["count"]?.numberValue, countValue >= 1, countValue <= Double(maximumMembers),
            countValue == countValue.rounded() else {
        throw SweepError("field '\(path).count' must be a whole number ≥ 1")
      }
      let count = Int(countValue)
      if let to = json["to"] {
        guard json["step"] == nil else { throw SweepError("field '\(path)': give either 'to' or 'step', not both") }
        guard let end = to.numberValue else { throw SweepError("field '\(path).to' must be a number") }
        let spacing = json["spacing"]?.stringValue ?? "linear"
        guard spacing == "linear" || spacing == "log" else {
          throw SweepError("field '\(path).spacing' must be \"linear\" or \"log\", got \(json["spacing"]!.excerpt)")
        }
        guard spacing == "linear" || (from > 0 && end > 0) else {
          throw SweepError("field '\(path)': log spacing needs from and to > 0")
        }
        list = (0..<count).map { index in
          let fraction = count == 1 ? 0 : Double(index) / Double(count - 1)
          let value = spacing == "log" ? from * Foundation.pow(end / from, fraction) : from + (end - from) * fraction
          return JSONValue.exact(index == count - 1 ? end : value)
        }
      } else {
        guard json["spacing"] == nil else { throw SweepError("field '\(path).spacing' goes with 'to'") }
        let step = json["step"]?.numberValue ?? 1
        guard json["step"] == nil || json["step"]?.numberValue != nil else {
          throw SweepError("field '\(path).step' must be a number")
        }
        let whole = from == from.rounded() && step == step.rounded() && abs(from) < 1e15 && abs(step) < 1e15
        list = (0..<count).map { index in
          whole ? JSONValue.integer(Int(from) + index * Int(step)) : JSONValue.exact(from + Double(index) * step)
        }
      }
    default:
      throw SweepError("field '\(path)' must be a list of values or a range {\"from\": …, \"count\": …}, got \(json.kindName)")
    }
    guard !list.isEmpty else { throw SweepError("field '\(path)' has no values") }
    for (index, value) in list.enumerated() {
      guard let number = value.numberValue else {
        throw SweepError("field '\(path)[\(index)]' must be a number, got \(value.kindName) \(value.excerpt)")
      }
      if field.isWhole {
        guard number >= 0, number == number.rounded(), number < 1.8e19 else {
          throw SweepError("field '\(path)[\(index)]' must be a whole number ≥ 0 (\(field.name)), got \(value.excerpt)")
        }
        // Whole values are written as integers in member system files (the reader wants 7, not 7.0).
        if case .number(let literal, _) = value, literal.contains(where: { ".eE".contains($0) }) {
          list[index] = .number(literal: String(UInt64(number)), value: number)
        }
      }
    }
    return list
  }
}
