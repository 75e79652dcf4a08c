import Ensembles
import Foundation
import Simulation
import Testing

@Suite("Ensemble summaries")
struct EnsembleSummaryTests {
  /// Records made by hand: member i of a sweep over φ × seed, with value x = i² + φ.
  static func records(_ sweep: Sweep, failing: Set<Int> = []) -> [MemberRecord?] {
    (0..<sweep.memberCount).map { index in
      let member = sweep.member(index)
      let fraction = member.parameters[0].value.numberValue!
      let value = Double(index * index) + fraction
      return MemberRecord(index: index, fingerprint: member.fingerprint, parameters: member.parameterObject,
                          status: failing.contains(index) ? .failed : .succeeded,
                          reason: failing.contains(index) ? "test" : nil,
                          steps: [RecordedStep(
                            commandLine: "minimize --ftol 1e-9", status: 0,
                            result: .object([("energy", .exact(value)), ("converged", .bool(index % 2 == 0)),
                                             ("solver", .object([("iterations", .integer(index))])),
                                             ("name", .string("x")), ("list", .array([.integer(1)]))]),
                            output: nil, outputBytes: nil)],
                          seconds: 1, queueSeconds: 0, host: "h", rank: 0)
    }
  }

  @Test("mean and standard error per parameter value, over the members that succeeded")
  func statistics() throws {
    let scratch = try Scratch()
    let sweep = try scratch.sweep("""
      { "system": "small.json", "vary": { "packing_fraction": [0.8, 0.9], "seed": {"from": 0, "count": 5} },
        "task": "minimize" }
      """)
    let summary = EnsembleSummary(sweep: sweep, records: Self.records(sweep, failing: [3]))
    #expect(summary.fields == ["packing_fraction", "seed"])
    #expect(summary.columns == ["minimize.energy", "minimize.converged", "minimize.solver.iterations"])
    #expect(summary.groups.count == 2)
    for (group, fraction) in zip(summary.groups, [0.8, 0.9]) {
      #expect(group.parameters.pairs.map(\.key) == ["packing_fraction"])
      #expect(group.parameters["packing_fraction"]?.numberValue == fraction)
      let indices = group.members.filter { $0 != 3 }
      let x = indices.map { Double($0 * $0) + fraction }
      let n = Double(x.count)
      // The reference: SE² = (Σx² − n x̄²) / (n (n − 1)), a formula other than the summary's.
      let mean = x.reduce(0, +) / n
      let se = ((x.map { $0 * $0 }.reduce(0, +) - n * mean * mean) / (n * (n - 1))).squareRoot()
      #expect(abs(group.mean["minimize.energy"]! - mean) < 1e-12 * abs(mean))
      #expect(abs(group.standardError["minimize.energy"]! - se) < 1e-9 * se)
      #expect(group.count["minimize.energy"] == x.count)
      // true/false count as 1/0: the mean is the fraction of members where it holds.
      let converged = Double(indices.filter { $0 % 2 == 0 }.count) / n
      #expect(group.mean["minimize.converged"] == converged)
    }
    #expect(summary.groups[0].succeeded == 4 && summary.groups[1].succeeded == 5)
  }

  @Test("a group of one member has a mean but no standard error; missing members are listed")
  func single() throws {
    let scratch = try Scratch()
    let sweep = try scratch.sweep(#"{ "system": "small.json", "vary": { "packing_fraction": [0.8, 0.9] }, "task": "minimize" }"#)
    var records = Self.records(sweep)
    records[1] = nil
    let summary = EnsembleSummary(sweep: sweep, records: records)
    #expect(summary.groups[0].mean["minimize.energy"] == 0.8)
    #expect(summary.groups[0].standardError["minimize.energy"] == nil)
    #expect(summary.rows[1].status == "missing" && summary.missing == 1)
    #expect(summary.groups[1].mean.isEmpty)
  }

  @Test("the JSON and CSV forms read back with the same numbers")
  func files() throws {
    let scratch = try Scratch()
    let sweep = try scratch.sweep(#"{ "system": "small.json", "vary": { "packing_fraction": [0.8], "seed": [1, 2] }, "task": "minimize" }"#)
    let summary = EnsembleSummary(sweep: sweep, records: Self.records(sweep))
    let json = try JSONValue.parse(Array(summary.json.text(indent: 1).utf8))
    guard case .array(let rows)? = json["rows"] else { Issue.record("no rows"); return }
    #expect(rows[1]["values"]?["minimize.energy"]?.numberValue == 1.8)
    #expect(json["statistics"].map { if case .array(let groups) = $0 { groups.count } else { 0 } } == 1)
    let lines = summary.csv.split(separator: "\n")
    #expect(lines[0] == "index,packing_fraction,seed,status,reason,seconds,queue_seconds,host,rank,minimize.energy,minimize.converged,minimize.solver.iterations")
    #expect(lines[2].hasPrefix("1,0.8,2,succeeded,,1.0,0.0,h,0,1.8,0,1"))
  }
}
