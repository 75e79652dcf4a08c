import Foundation
import Simulation

/// One row per member and, per value of the varied fields other than the seed, the mean and the
/// standard error of every number the members' commands reported.
///
/// A row's values are the numbers (and true/false, counted as 1/0) of each step's `--json` result,
/// named `COMMAND.KEY` (`elasticity.shear_modulus`, `minimize.steps`, nested objects with further
/// dots: `sensitivity.solver.iterations`); lists are left to the records. Over the n members of a
/// group that succeeded, the mean is x̄ = Σ xᵢ / n (summed in member order, so it does not depend on
/// which worker ran what) and the standard error s/√n with s² = Σ (xᵢ − x̄)² / (n − 1); null when
/// n < 2.
public struct EnsembleSummary: Sendable {
  public struct Row: Sendable {
    public var index: Int
    public var parameters: JSONValue
    /// "succeeded", "failed", or "missing" (no valid record).
    public var status: String
    public var reason: String?
    public var values: [String: JSONValue]
    public var seconds: Double?
    public var queueSeconds: Double?
    public var host: String?
    public var rank: Int?
  }

  public struct Group: Sendable {
    /// The values of the varied fields other than the seed.
    public var parameters: JSONValue
    public var members: [Int]
    public var succeeded: Int
    /// Per column: the mean, the standard error and the number of members that gave it.
    public var mean: [String: Double]
    public var standardError: [String: Double]
    public var count: [String: Int]
  }

  /// The varied fields' names.
  public let fields: [String]
  /// The columns of numbers, in order of first appearance.
  public let columns: [String]
  public let rows: [Row]
  public let groups: [Group]

  public var succeeded: Int { rows.filter { $0.status == "succeeded" }.count }
  public var failed: Int { rows.filter { $0.status == "failed" }.count }
  public var missing: Int { rows.filter { $0.status == "missing" }.count }

  /// The summary of `records` (one per member of `sweep`, nil where a member has no valid record).
  public init(sweep: Sweep, records: [MemberRecord?]) {
    fields = sweep.fields.map(\.name)
    var columns: [String] = []
    var known = Set<String>()
    var rows: [Row] = []
    for (index, record) in records.enumerated() {
      guard let record else {
        rows.append(Row(index: index, parameters: sweep.member(index).parameterObject, status: "missing",
                        values: [:]))
        continue
      }
      var values: [String: JSONValue] = [:]
      var seen: [String: Int] = [:]
      for step in record.steps {
        let command = String(step.commandLine.split(separator: " ").first ?? "")
        seen[command, default: 0] += 1
        let prefix = seen[command]! > 1 ? "\(command)-\(seen[command]!)" : command
        Self.flatten(step.result, prefix: prefix, into: &values, columns: &columns, known: &known)
      }
      rows.append(Row(index: index, parameters: record.parameters, status: record.status.rawValue, reason: record.reason,
                      values: values, seconds: record.seconds, queueSeconds: record.queueSeconds, host: record.host,
                      rank: record.rank))
    }
    self.columns = columns
    self.rows = rows

    // Groups: members with the same values of every varied field but the seed.
    var order: [String] = []
    var grouped: [String: (parameters: JSONValue, members: [Int])] = [:]
    for row in rows {
      let parameters = JSONValue.object(row.parameters.pairs.filter { $0.key != SweepField.seed.name }
        .map { ($0.key, $0.value) })
      let key = parameters.text()
      if grouped[key] == nil {
        order.append(key)
        grouped[key] = (parameters, [])
      }
      grouped[key]!.members.append(row.index)
    }
    groups = order.map { key in
      let (parameters, members) = grouped[key]!
      let successful = members.map { rows[$0] }.filter { $0.status == "succeeded" }
      var group = Group(parameters: parameters, members: members, succeeded: successful.count, mean: [:],
                        standardError: [:], count: [:])
      for column in columns {
        let samples = successful.compactMap { $0.values[column].flatMap(Self.number) }
        guard !samples.isEmpty else { continue }
        let n = Double(samples.count)
        let mean = samples.reduce(0, +) / n
        group.mean[column] = mean
        group.count[column] = samples.count
        if samples.count > 1 {
          let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
          group.standardError[column] = (variance / n).squareRoot()
        }
      }
      return group
    }
  }

  /// A number of a result: numbers as they are, true/false as 1/0.
  static func number(_ value: JSONValue) -> Double? {
    switch value {
    case .number(_, let number): number
    case .bool(let flag): flag ? 1 : 0
    default: nil
    }
  }

  private static func flatten(_ value: JSONValue, prefix: String, into values: inout [String: JSONValue],
                              columns: inout [String], known: inout Set<String>) {
    for (key, entry) in value.pairs {
      let name = "\(prefix).\(key)"
      switch entry {
      case .number, .bool:
        values[name] = entry
        if known.insert(name).inserted { columns.append(name) }
      case .object:
        flatten(entry, prefix: name, into: &values, columns: &columns, known: &known)
      default:
        continue
      }
    }
  }

  /// The summary as JSON: counts, the rows and the per-group statistics.
  public var json: JSONValue {
    func numbers(_ table: [String: Double]) -> JSONValue {
      .object(columns.compactMap { column in table[column].map { (column, JSONValue.exact($0)) } })
    }
    return .object([
      ("format", .string("mdsens-ensemble-summary")), ("version", .integer(1)),
      ("members", .integer(rows.count)), ("succeeded", .integer(succeeded)), ("failed", .integer(failed)),
      ("missing", .integer(missing)), ("fields", .array(fields.map(JSONValue.string))),
      ("columns", .array(columns.map(JSONValue.string))),
      ("rows", .array(rows.map { row in
        .object([
          ("index", .integer(row.index)), ("parameters", row.parameters), ("status", .string(row.status)),
          ("reason", row.reason.map(JSONValue.string) ?? .null),
          ("values", .object(columns.compactMap { column in row.values[column].map { (column, $0) } })),
          ("seconds", row.seconds.map(JSONValue.exact) ?? .null),
          ("queue_seconds", row.queueSeconds.map(JSONValue.exact) ?? .null),
          ("host", row.host.map(JSONValue.string) ?? .null), ("rank", row.rank.map(JSONValue.integer) ?? .null),
        ])
      })),
      ("statistics", .array(groups.map { group in
        .object([
          ("parameters", group.parameters), ("members", .integer(group.members.count)),
          ("succeeded", .integer(group.succeeded)), ("mean", numbers(group.mean)),
          ("standard_error", numbers(group.standardError)),
          ("count", .object(columns.compactMap { column in group.count[column].map { (column, JSONValue.integer($0)) } })),
        ])
      })),
    ])
  }

  /// The rows as CSV: index, the varied fields, status, reason, timing, host, rank, then the columns.
  public var csv: String {
    func cell(_ value: JSONValue?) -> String {
      switch value {
      case .number(let literal, _)?: return literal
      case .bool(let flag)?: return flag ? "1" : "0"
      case .string(let text)?: return quoted(text)
      default: return ""
      }
    }
    func quoted(_ text: String) -> String {
      text.contains(where: { ",\"\n".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    var lines = [(["index"] + fields + ["status", "reason", "seconds", "queue_seconds", "host", "rank"] + columns)
      .map(quoted).joined(separator: ",")]
    for row in rows {
      var cells = [String(row.index)]
      cells += fields.map { cell(row.parameters[$0]) }
      cells += [row.status, row.reason.map(quoted) ?? "", row.seconds.map { "\($0)" } ?? "",
                row.queueSeconds.map { "\($0)" } ?? "", row.host.map(quoted) ?? "", row.rank.map(String.init) ?? ""]
      cells += columns.map { cell(row.values[$0]) }
      lines.append(cells.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
