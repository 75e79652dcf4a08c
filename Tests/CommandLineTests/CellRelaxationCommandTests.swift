import Foundation
import Testing

/// `mdsens minimize --pressure P [--relax-shear]` and the FIRE 2.0 options as a user runs them:
/// the relaxed cell is what the output file holds, and impossible requests end with one line.
@Suite("minimize --pressure and FIRE 2.0 options on the command line")
struct CellRelaxationCommandTests {
  static let system = """
    {
      "name": "box-2d-32", "dimension": 2,
      "species": [ { "name": "small", "count": 16, "diameter": 1.0 }, { "name": "large", "count": 16, "diameter": 1.4 } ],
      "potential": { "kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0 },
      "packing_fraction": 0.85, "initial": { "seed": 4 }, "minimizer": { "force_tolerance": 1e-11 }
    }
    """

  static func json(_ outcome: CommandLineRunner.Outcome) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
  }

  @Test("the relaxed cell is written: read back in a fixed box it is a minimum at the target pressure",
        arguments: [("--pressure", "xyz"), ("--relax-shear", "h5")])
  func relaxedCellRoundTrip(mode: String, format: String) throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let file = try runner.write("box.json", Self.system)
    let output = runner.path("relaxed.\(format)")
    let arguments = ["minimize", file, "--pressure", "0.02", "--out", output, "--json"]
      + (mode == "--relax-shear" ? ["--relax-shear", "--minimizer", "fire2"] : [])
    let relaxed = try runner.run(arguments)
    #expect(relaxed.status == 0, "\(relaxed.standardError)")
    let summary = try Self.json(relaxed)
    #expect(summary["converged"] as? Bool == true)
    #expect(abs((summary["pressure"] as? Double ?? 0) - 0.02) <= 1e-9)
    if mode == "--relax-shear" {
      let stress = try #require(summary["stress"] as? [[Double]])
      #expect(abs(stress[0][1]) <= 1e-9)
    }
    let again = try runner.run(["minimize", file, "--positions", output, "--out", runner.path("again.\(format)"), "--json"])
    let fixed = try Self.json(again)
    #expect(fixed["steps"] as? Int == 0, "\(again.standardError)")
    #expect(abs((fixed["pressure"] as? Double ?? 0) - 0.02) <= 1e-9)
  }

  @Test("FIRE 2.0's keywords on the command line: --etol stops early (exit 3), --min-modify changes the run")
  func fire2Options() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let file = try runner.write("box.json", Self.system)
    let plain = try Self.json(try runner.run(["minimize", file, "--minimizer", "fire2", "--out", runner.path("a.h5"), "--json"]))
    let stopped = try runner.run(["minimize", file, "--minimizer", "fire2", "--etol", "1e-4", "--out", runner.path("b.h5"), "--json"])
    #expect(stopped.status == 3)
    #expect(try Self.json(stopped)["stop_reason"] as? String == "energy tolerance reached")
    let modified = try Self.json(try runner.run(["minimize", file, "--minimizer", "fire2", "--min-modify",
                                                 "delaystep=5,integrator=verlet,halfstepback=no", "--out",
                                                 runner.path("c.h5"), "--json"]))
    #expect(modified["converged"] as? Bool == true)
    #expect(modified["steps"] as? Int != plain["steps"] as? Int)
  }

  @Test("impossible requests are refused with one line naming the option", arguments: [
    (["--pressure", "-0.5"], "soft spheres only repel"),
    (["--pressure", "nan"], "--pressure must be a finite number"),
    (["--relax-shear"], "--relax-shear needs a target pressure"),
    (["--pressure", "0.1", "--finish", "newton"], "--finish newton and --precision double-double are not supported"),
    (["--min-modify", "delaystep=5"], "use --minimizer fire2"),
    (["--minimizer", "fire2", "--min-modify", "delay=5"], "--min-modify takes KEYWORD=VALUE pairs"),
    (["--minimizer", "fire2", "--min-modify", "abcfire=maybe"], "is not yes or no"),
    (["--minimizer", "fire2", "--etol", "2"], "etol must be a number in [0, 1)"),
  ])
  func refusals(extra: [String], message: String) throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let file = try runner.write("box.json", Self.system)
    try runner.expectRefusal(["minimize", file, "--out", runner.path("out.h5")] + extra, mentioning: message, inputs: [file])
  }
}
