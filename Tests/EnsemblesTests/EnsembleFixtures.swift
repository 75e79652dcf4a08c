import Ensembles
import Foundation
import Simulation

/// A small system (16 harmonic discs) whose members minimise in milliseconds in a debug build.
let smallSystem = """
  { "name": "small-2d-16", "dimension": 2, "boundary": "periodic",
    "species": [ {"name": "small", "count": 8, "diameter": 1.0, "variable": true},
                 {"name": "large", "count": 8, "diameter": 1.4} ],
    "potential": {"kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0},
    "packing_fraction": 0.9, "initial": {"seed": 0},
    "minimizer": {"kind": "fire", "force_tolerance": 1e-10, "max_steps": 20000} }
  """

/// A scratch folder holding `small.json` and the sweep files of a test.
struct Scratch {
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdsens-ensemble-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Data(smallSystem.utf8).write(to: directory.appendingPathComponent("small.json"))
  }

  /// The sweep in `text`, read as the file `name` in this folder would be.
  func sweep(_ text: String, name: String = "sweep") throws -> Sweep {
    let path = directory.appendingPathComponent("\(name).json").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return try Sweep(path: path)
  }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

/// A member task done by the library alone: minimise the member's system from its seeded start
/// and write the minimum as extended XYZ; the result holds the energy, max |F|, steps and pressure.
/// (The command-line tool's own task runner is tested through the built executable.)
struct MinimizeMember: MemberExecutor {
  func validate(_ task: [TaskStep]) throws {
    guard task.allSatisfy({ $0.command == "minimize" }) else { throw SweepError("only minimize here") }
  }

  func run(_ step: TaskStep, system: ParticleSystem, positions: String?, outputStem: String) -> StepResult {
    do {
      let found = try system.minimum(seed: nil, using: system.minimizer, purpose: "test member")
      let outcome = found.outcome
      let output = outputStem + "-minimize.xyz"
      let frame = found.system.frame(step: outcome.steps, positions: outcome.positions, energy: outcome.energy,
                                     maximumForce: outcome.maximumForce)
      try writeTrajectory([frame], header: found.system.trajectoryHeader(), to: output, format: .xyz)
      let pressure = found.system.model.pressure(at: outcome.positions)
      return StepResult(step: step, status: 0, result: .object([
        ("energy", .exact(outcome.energy)), ("max_force", .exact(outcome.maximumForce)),
        ("steps", .integer(outcome.steps)), ("pressure", .exact(pressure)), ("converged", .bool(outcome.converged)),
      ]), output: output, failure: nil)
    } catch {
      return StepResult(step: step, status: 1, result: JSONValue.emptyObject, output: nil, failure: "\(error)")
    }
  }
}

/// The numbers of every row, timings left out (they differ from run to run).
func numbers(_ summary: EnsembleSummary) -> [[String: JSONValue]] {
  summary.rows.map { row in row.values.filter { !$0.key.hasSuffix("seconds") } }
}
