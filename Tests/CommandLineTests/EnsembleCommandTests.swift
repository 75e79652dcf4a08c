import Foundation
import Testing

/// `mdsens ensemble` as a user runs it: on threads, under `mpirun`, killed and restarted, with a
/// member that fails, and with sweep files it must refuse.
@Suite("mdsens ensemble")
struct EnsembleCommandTests {
  static let system = """
    { "name": "small-2d-16", "dimension": 2, "boundary": "periodic",
      "species": [ {"name": "small", "count": 8, "diameter": 1.0, "variable": true},
                   {"name": "large", "count": 8, "diameter": 1.4} ],
      "potential": {"kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0},
      "packing_fraction": 0.9, "initial": {"seed": 0},
      "minimizer": {"kind": "fire", "force_tolerance": 1e-11, "max_steps": 20000} }
    """
  /// Two packing fractions × three seeds, each minimised and then its elastic constants computed.
  static let sweep = """
    { "system": "small.json", "vary": { "packing_fraction": [0.88, 0.94], "seed": {"from": 0, "count": 3} },
      "task": ["minimize", "elasticity"], "output": "out" }
    """

  /// The MPICH launcher matching the library mdsens links (Debian's mpich package), if installed.
  static let mpirun: String? = ["/usr/bin/mpirun.mpich", "/usr/bin/mpiexec.mpich"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// A scratch directory with the system and sweep files.
  static func prepared(_ sweep: String = sweep) throws -> CommandLineRunner {
    let runner = try CommandLineRunner()
    try runner.write("small.json", system)
    try runner.write("sweep.json", sweep)
    return runner
  }

  /// Every member's step results from its record, without timings and file paths (which differ
  /// between runs and folders).
  static func results(_ runner: CommandLineRunner, members: Int = 6) throws -> [String] {
    try (0..<members).map { index in
      let data = try Data(contentsOf: URL(fileURLWithPath: runner.path("out/members/member-000\(index).json")))
      let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      let steps = try #require(record["steps"] as? [[String: Any]])
      return try steps.map { step in
        var result = try #require(step["result"] as? [String: Any])
        for key in result.keys where key.hasSuffix("seconds") || key == "output" { result[key] = nil }
        return (step["command"] as? String ?? "") + " " + String(decoding: try JSONSerialization.data(
          withJSONObject: result, options: [.sortedKeys]), as: UTF8.self)
      }.joined(separator: "\n") + " status=\(record["status"] ?? "")"
    }
  }

  @Test("one thread and two threads give every member the same numbers, bit for bit")
  func threads() throws {
    let serial = try Self.prepared(), threaded = try Self.prepared()
    defer { serial.removeAll(); threaded.removeAll() }
    let one = try serial.run(["ensemble", "sweep.json", "--jobs", "1"])
    let two = try threaded.run(["ensemble", "sweep.json", "--jobs", "2", "--progress"])
    #expect(one.status == 0, "\(one.standardError)")
    #expect(two.status == 0, "\(two.standardError)")
    #expect(one.standardOutput.contains("6 members (6 run now, 0 with valid records skipped) on 1 thread"))
    #expect(two.standardOutput.contains("on 2 threads"))
    #expect(two.standardError.contains("members 6/6"))
    #expect(try Self.results(serial) == Self.results(threaded))
    // The numbers are those of the plain command on that member's system.
    try serial.write("member.json", Self.system.replacingOccurrences(of: "\"packing_fraction\": 0.9", with: "\"packing_fraction\": 0.94")
      .replacingOccurrences(of: "\"seed\": 0", with: "\"seed\": 2"))
    let alone = try serial.run(["minimize", "member.json", "--json", "--out", "alone.h5"])
    let energy = try #require(try JSONSerialization.jsonObject(with: Data(alone.standardOutput.utf8)) as? [String: Any])["energy"] as? Double
    let summary = try #require(try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: serial.path("out/summary.json")))) as? [String: Any])
    let rows = try #require(summary["rows"] as? [[String: Any]])
    #expect((rows[5]["values"] as? [String: Any])?["minimize.energy"] as? Double == energy)
  }

  @Test("mpirun -n 2 gives the same numbers as the serial run, bit for bit", .enabled(if: mpirun != nil))
  func twoRanks() throws {
    let serial = try Self.prepared(), parallel = try Self.prepared()
    defer { serial.removeAll(); parallel.removeAll() }
    #expect(try serial.run(["ensemble", "sweep.json", "--jobs", "1"]).status == 0)
    let process = Process()
    // A queue that never lets the ranks go would hang the suite: give up after two minutes.
    process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    process.arguments = ["120", Self.mpirun!, "-n", "2", CommandLineRunner.executable.path, "ensemble", "sweep.json"]
    process.currentDirectoryURL = parallel.directory
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(printed.contains("on 2 MPI ranks × 1 thread"), "\(printed)")
    #expect(try Self.results(serial) == Self.results(parallel))
  }

  @Test("a run killed part way resumes with the same command and finishes with the same summary")
  func restart() throws {
    let runner = try Self.prepared()
    defer { runner.removeAll() }
    #expect(try runner.run(["ensemble", "sweep.json"]).status == 0)
    let before = try Self.results(runner)
    // What a kill leaves: one record missing, another cut short, an output cut short, no summary.
    try FileManager.default.removeItem(atPath: runner.path("out/members/member-0001.json"))
    let record = try Data(contentsOf: URL(fileURLWithPath: runner.path("out/members/member-0004.json")))
    try record.prefix(200).write(to: URL(fileURLWithPath: runner.path("out/members/member-0004.json")))
    try Data("cut".utf8).write(to: URL(fileURLWithPath: runner.path("out/members/member-0002-minimize.h5")))
    try FileManager.default.removeItem(atPath: runner.path("out/summary.json"))
    let again = try runner.run(["ensemble", "sweep.json"])
    #expect(again.status == 0)
    #expect(again.standardOutput.contains("6 members (3 run now, 3 with valid records skipped)"), "\(again.standardOutput)")
    #expect(try Self.results(runner) == before)
    #expect(FileManager.default.fileExists(atPath: runner.path("out/summary.json")))
  }

  @Test("a member that fails is recorded with its reason; the others finish; the exit status is 3")
  func failingMember() throws {
    let runner = try Self.prepared("""
      { "system": "small.json", "vary": { "packing_fraction": [0.9, 1.5] }, "task": "elasticity", "output": "out" }
      """)
    defer { runner.removeAll() }
    let outcome = try runner.run(["ensemble", "sweep.json", "--json"])
    #expect(outcome.status == 3)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    #expect(object["succeeded"] as? Int == 1 && object["failed"] as? Int == 1)
    let failure = try #require((object["failures"] as? [[String: Any]])?.first)
    #expect(failure["index"] as? Int == 1)
    #expect((failure["reason"] as? String)?.contains("packing") == true, "\(failure)")
  }

  @Test("bad sweep files and options are refused before anything is written", arguments: [
    (#"{ "system": "small.json", "task": "minimize --out x.h5" }"#, "--out is not allowed here"),
    (#"{ "system": "small.json", "task": "relax" }"#, "'relax' is not a command a member can run"),
    (#"{ "system": "small.json", "task": "analyze --dos" }"#, "analyze needs a minimum"),
    (#"{ "system": "small.json", "task": ["elasticity", "analyze"] }"#, "writes no file to take positions from"),
    (#"{ "system": "small.json", "task": "minimize --ftoll 1" }"#, "unknown option '--ftoll'"),
    (#"{ "system": "small.json", "task": "minimize", "vary": { "radius": [1] } }"#, "'radius' is not a field"),
    (#"{ "system": "small.json", "task": "minimize", "output": "small.json" }"#, "small.json is a file, not a folder"),
  ])
  func refused(sweep: String, message: String) throws {
    let runner = try Self.prepared(sweep)
    defer { runner.removeAll() }
    try runner.expectRefusal(["ensemble", "sweep.json"], mentioning: message, inputs: ["small.json", "sweep.json"])
  }

  @Test("--jobs must be a positive whole number; one sweep file")
  func options() throws {
    let runner = try Self.prepared()
    defer { runner.removeAll() }
    try runner.expectRefusal(["ensemble", "sweep.json", "--jobs", "0"], mentioning: "--jobs must be a whole number ≥ 1",
                             inputs: ["small.json", "sweep.json"])
    try runner.expectRefusal(["ensemble"], mentioning: "ensemble takes one sweep file", inputs: ["small.json", "sweep.json"])
  }
}
