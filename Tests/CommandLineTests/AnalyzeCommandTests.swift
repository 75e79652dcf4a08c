import Foundation
import Testing

/// A 16-disc system file the analysis tests minimise first.
private let smallSystem = """
  {
    "name": "small",
    "dimension": 2,
    "boundary": "periodic",
    "species": [
      {"name": "small", "count": 8, "diameter": 1.0},
      {"name": "large", "count": 8, "diameter": 1.4}
    ],
    "potential": {"kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0},
    "packing_fraction": 0.9,
    "initial": {"seed": 3},
    "minimizer": {"kind": "fire", "force_tolerance": 1e-12, "max_steps": 100000}
  }
  """

/// The paper system's 128 particles spread over the box without relaxing them: not a minimum.
private func scatteredPaperPositions() -> String {
  let side = 8.352016507218536
  var lines = ["128", "Lattice=\"\(side) 0 0 0 \(side) 0 0 0 1.0\" Properties=species:S:1:pos:R:3 pbc=\"T T F\""]
  for particle in 0..<128 {
    let x = (Double(particle) * 0.6180339887498949).truncatingRemainder(dividingBy: 1) * side
    let y = (Double(particle) * 0.7548776662466927 + 0.5).truncatingRemainder(dividingBy: 1) * side
    lines.append("\(particle < 64 ? "small" : "large") \(x) \(y) 0")
  }
  return lines.joined(separator: "\n") + "\n"
}

@Suite("mdsens analyze")
struct AnalyzeCommandTests {
  @Test("bad options are refused with one line, exit status 1 and no file", arguments: [
    ([String](), "--positions is required"),
    (["--positions", "start.xyz", "--modes", "0"], "--modes must be a positive number"),
    (["--positions", "start.xyz", "--vectors", "1"], "--vectors must be at least 2"),
    (["--positions", "start.xyz", "--moments", "4"], "--moments must be at least 8"),
    (["--positions", "start.xyz", "--k-max", "5"], "--k-max goes with --structure-factor"),
    (["--positions", "start.xyz", "--gr", "100"], "exceeds half the smallest box edge"),
    (["--positions", "start.xyz", "--modes", "1000"], "exceeds the 256 degrees of freedom"),
    (["--positions", "missing.xyz"], "missing.xyz"),
    (["--positions", "start.xyz", "--dos"], "not a minimum"),
    (["--positions", "start.xyz", "--modes", "2"], "not a minimum"),
  ])
  func refusals(arguments: [String], message: String) throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let start = try runner.write("start.xyz", scatteredPaperPositions())
    let resolved = arguments.map { $0.hasSuffix(".xyz") ? runner.path($0) : $0 }
    try runner.expectRefusal(["analyze"] + resolved + ["--out", runner.path("out.h5")], mentioning: message,
                             inputs: [start])
  }

  @Test("a minimum is analysed: Z above isostatic, modes written as fields, curves in the JSON")
  func analysesAMinimum() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let system = try runner.write("small.json", smallSystem)
    let minimized = try runner.run(["minimize", system, "--out", runner.path("minimum.xyz")])
    #expect(minimized.status == 0, "\(minimized.standardError)")
    let outcome = try runner.run(["analyze", system, "--positions", runner.path("minimum.xyz"), "--dos",
                                  "--moments", "32", "--modes", "2", "--structure-factor", "--gr", "2",
                                  "--out", runner.path("analysis.xyz"), "--json"])
    #expect(outcome.status == 0, "\(outcome.standardError)")
    let object = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
    let contacts = object?["contacts"] as? [String: Any]
    let z = contacts?["z_backbone"] as? Double ?? 0
    #expect(z > 4 - 2.0 / 16)
    let modes = object?["modes"] as? [[String: Any]] ?? []
    #expect(modes.count == 2)
    #expect(((modes.first?["eigenvalue"] as? Double) ?? 0) > 0)
    #expect((object?["dos"] as? [String: Any])?["density"] != nil)
    #expect((object?["structure_factor"] as? [String: Any])?["partial"] != nil)
    let written = try String(contentsOfFile: runner.path("analysis.xyz"), encoding: .utf8)
    #expect(written.contains("mode_1") && written.contains("mode_2"))
  }
}
