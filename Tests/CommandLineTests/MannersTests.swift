import Foundation
import Testing

/// What a user of other command-line tools expects: a version, help without arguments, completion
/// scripts, no guessing of output formats, results alone on stdout.
@Suite("The command line behaves like its neighbours")
struct MannersTests {
  @Test("--version prints the version on stdout, exit 0")
  func version() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let outcome = try runner.run(["--version"])
    #expect(outcome.status == 0)
    #expect(outcome.standardOutput.hasPrefix("mdsens ") && outcome.standardOutput.split(separator: "\n").count == 1)
  }

  @Test("bare mdsens prints the help, exit 0")
  func bare() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let outcome = try runner.run([])
    #expect(outcome.status == 0)
    #expect(outcome.standardOutput.contains("USAGE: mdsens <command>") && outcome.standardOutput.contains("completions"))
  }

  @Test("--out with an unknown extension is refused unless --format names the format")
  func unknownExtension() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    try runner.expectRefusal(["minimize", "--max-steps", "1", "--out", runner.path("x.txt")],
                             mentioning: "unknown extension")
    let outcome = try runner.run(["minimize", "--max-steps", "1", "--out", runner.path("x.txt"), "--format", "xyz"])
    #expect(outcome.status == 3)  // not converged in one step, but written as asked
    #expect(try String(contentsOfFile: runner.path("x.txt"), encoding: .utf8).hasPrefix("128\nLattice="))
  }

  @Test("completion scripts list every command's options; the bash one is valid bash", arguments: ["bash", "zsh"])
  func completions(shell: String) throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let outcome = try runner.run(["completions", shell])
    #expect(outcome.status == 0)
    for option in ["--embed-3d", "--units", "--author", "--param", "--observable", "--progress"] {
      #expect(outcome.standardOutput.contains(option), "\(option) missing from the \(shell) script")
    }
    if shell == "bash" {
      let script = try runner.write("completion.bash", outcome.standardOutput)
      let check = Process()
      check.executableURL = URL(fileURLWithPath: "/bin/bash")
      check.arguments = ["-n", script]
      try check.run()
      check.waitUntilExit()
      #expect(check.terminationStatus == 0)
    }
  }

  @Test("completions for an unknown shell are refused")
  func unknownShell() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    try runner.expectRefusal(["completions", "fish"], mentioning: "bash or zsh")
  }

  @Test("progress only on a terminal or with --progress, with rate and steps left; stdout holds the result")
  func progress() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    // 4,000 discs: a debug build needs well over a second for 60 steps, so a progress line is due.
    let system = try runner.write("discs.json", """
      {"dimension": 2, "species": [{"name": "a", "count": 2000, "diameter": 1.0},
       {"name": "b", "count": 2000, "diameter": 1.4}], "potential": {"kind": "soft-sphere"}, "packing_fraction": 0.9}
      """)
    let quiet = try runner.run(["minimize", system, "--max-steps", "60", "--out", runner.path("a.h5")])
    #expect(quiet.standardError.isEmpty)
    let shown = try runner.run(["minimize", system, "--max-steps", "60", "--out", runner.path("b.h5"), "--progress"])
    let line = shown.standardError.split(separator: "\n").first { $0.hasPrefix("step ") }
    #expect(line?.contains("steps/s") == true && line?.contains("steps left") == true
      && line?.contains("decades above the tolerance") == true)
    #expect(!shown.standardOutput.contains("steps/s"))
  }
}
