import Ensembles
import Foundation
import Simulation
import Testing

@Suite("Running ensembles")
struct EnsembleRunTests {
  static let sweepText = """
    { "system": "small.json", "vary": { "packing_fraction": [0.86, 0.92], "seed": {"from": 0, "count": 4} },
      "task": "minimize" }
    """

  @Test("one thread and three threads give the same numbers for every member, bit for bit")
  func serialAndThreads() throws {
    let serialScratch = try Scratch(), threadScratch = try Scratch()
    let serial = Ensemble(sweep: try serialScratch.sweep(Self.sweepText))
    let threaded = Ensemble(sweep: try threadScratch.sweep(Self.sweepText))
    let one = try #require(try serial.run(on: LocalThreads(jobs: 1), executor: MinimizeMember()))
    let three = try #require(try threaded.run(on: LocalThreads(jobs: 3), executor: MinimizeMember()))
    #expect(one.allSucceeded && three.allSucceeded)
    #expect(one.summary.rows.count == 8 && one.ran == 8 && one.skipped == 0)
    #expect(numbers(one.summary) == numbers(three.summary))
    #expect(one.summary.groups.map(\.mean) == three.summary.groups.map(\.mean))
    // And the same as the library's own minimisation of that member.
    let member = try serial.sweep.member(5).system()
    let direct = try member.minimum(seed: nil, using: member.minimizer, purpose: "reference").outcome
    #expect(one.summary.rows[5].values["minimize.energy"] == .exact(direct.energy))
    #expect(one.summary.rows[5].values["minimize.steps"] == .integer(direct.steps))
  }

  @Test("a run killed part way (records deleted or cut short, an output cut short) resumes to the same summary")
  func restart() throws {
    let scratch = try Scratch()
    let ensemble = Ensemble(sweep: try scratch.sweep(Self.sweepText))
    let first = try #require(try ensemble.run(on: LocalThreads(jobs: 2), executor: MinimizeMember()))
    let summaryPath = scratch.path("sweep-ensemble/summary.json")
    let firstSummary = try String(contentsOfFile: summaryPath, encoding: .utf8)

    // What a kill leaves: a record never written, one cut mid-write (not atomic by some other
    // tool), an output file cut short, a stray temporary, and no summary.
    try FileManager.default.removeItem(atPath: ensemble.recordPath(of: 1))
    let cut = try Data(contentsOf: URL(fileURLWithPath: ensemble.recordPath(of: 4)))
    try cut.prefix(cut.count / 2).write(to: URL(fileURLWithPath: ensemble.recordPath(of: 4)))
    let output = ensemble.outputStem(of: 6) + "-minimize.xyz"
    let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
    try bytes.prefix(100).write(to: URL(fileURLWithPath: output))
    try Data("partial".utf8).write(to: URL(fileURLWithPath: ensemble.membersFolder + "/.member-0007.json.tmp"))
    try FileManager.default.removeItem(atPath: summaryPath)
    #expect(ensemble.pending() == [1, 4, 6])

    let second = try #require(try ensemble.run(on: LocalThreads(jobs: 2), executor: MinimizeMember()))
    #expect(second.ran == 3 && second.skipped == 5)
    #expect(numbers(second.summary) == numbers(first.summary))
    #expect(second.summary.groups.map(\.standardError) == first.summary.groups.map(\.standardError))
    // Only timings and the worker's bookkeeping may differ in the rebuilt summary.
    let strip = { (text: String) in
      text.split(separator: "\n").filter { !$0.contains("seconds") && !$0.contains("\"rank\"") }
    }
    #expect(strip(try String(contentsOfFile: summaryPath, encoding: .utf8)) == strip(firstSummary))
    // A third run finds every member done.
    let third = try #require(try ensemble.run(on: LocalThreads(jobs: 2), executor: MinimizeMember()))
    #expect(third.ran == 0 && third.skipped == 8)
  }

  @Test("records of an edited sweep are not reused")
  func editedSweep() throws {
    let scratch = try Scratch()
    let before = Ensemble(sweep: try scratch.sweep(#"{ "system": "small.json", "vary": {"seed": [0, 1]}, "task": "minimize", "output": "out" }"#))
    _ = try before.run(on: LocalThreads(jobs: 1), executor: MinimizeMember())
    let after = Ensemble(sweep: try scratch.sweep(#"{ "system": "small.json", "vary": {"seed": [0, 1], "epsilon": [2]}, "task": "minimize", "output": "out" }"#))
    #expect(after.pending() == [0, 1])
  }

  @Test("a member that fails is recorded with its reason and the others finish")
  func failingMember() throws {
    let scratch = try Scratch()
    // φ = 1.5 is refused by the system-file reader; 3 FIRE steps do not reach the tolerance.
    let ensemble = Ensemble(sweep: try scratch.sweep("""
      { "system": "small.json", "combine": "list",
        "vary": { "packing_fraction": [0.9, 1.5, 0.9], "max_steps": [20000, 20000, 3] }, "task": "minimize" }
      """))
    let outcome = try #require(try ensemble.run(on: LocalThreads(jobs: 2), executor: MinimizeMember()))
    #expect(!outcome.allSucceeded)
    let rows = outcome.summary.rows
    #expect(rows.map(\.status) == ["succeeded", "failed", "failed"])
    #expect(rows[1].reason?.contains("member 1 (packing_fraction = 1.5, max_steps = 20000)") == true, "\(rows[1].reason ?? "")")
    #expect(rows[1].reason?.contains("packing") == true)
    #expect(rows[2].reason?.contains("minimize") == true && rows[2].reason?.contains("3") == true, "\(rows[2].reason ?? "")")
    #expect(outcome.summary.failed == 2 && outcome.summary.succeeded == 1)
    // The failures are records too: a rerun skips them.
    let record = try #require(ensemble.record(of: 1))
    #expect(record.status == .failed)
    #expect(ensemble.pending().isEmpty)
  }
}
