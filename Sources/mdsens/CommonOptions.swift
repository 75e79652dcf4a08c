import Foundation
import ImplicitDifferentiation
import Simulation
import Trajectories

/// Options several commands share, parsed one way.
extension Arguments {
  /// `--seed S`, or nil.
  func seed() throws -> UInt64? {
    try values["seed"].map { text in
      guard let seed = UInt64(text) else { throw UsageError("--seed must be a whole number ≥ 0, got '\(text)'") }
      return seed
    }
  }

  /// `--out`, or `Trajectories/<defaultName>.<ext>`, checked before any work is done: it must be a
  /// regular file or absent (a device or FIFO would be replaced by the rename that completes a
  /// write), and it must not be one of the inputs (the system file, its positions file,
  /// `--positions`, or `extraInputs`), under any spelling of the path.
  func outputPath(defaultName: String, format: TrajectoryFormat, system: ParticleSystem,
                  extraInputs: [String] = []) throws -> String {
    let output = try values["out"] ?? MinimizeCommand.defaultOutput(name: defaultName, format: format)
    var inputs = positional + extraInputs
    if let positions = values["positions"] { inputs.append(positions) }
    if let file = system.description.initial?.positions {
      inputs.append(system.baseDirectory.map { URL(fileURLWithPath: file, relativeTo: $0).path } ?? file)
    }
    do {
      try TrajectoryOutput.checkDestination(output)
      try TrajectoryOutput.refuseOverwriting(inputs: inputs, destination: output)
    } catch let error as TrajectoryError {
      throw UsageError("--out \(output) \(error.reason)")
    }
    return output
  }

  /// `--format h5md|xyz`, else the extension of `--out`, else H5MD.
  func outputFormat() throws -> TrajectoryFormat {
    if let text = values["format"] {
      guard let chosen = TrajectoryFormat(rawValue: text) else {
        throw UsageError("--format must be h5md or xyz, got '\(text)'")
      }
      return chosen
    }
    return values["out"].map(TrajectoryFormat.init(path:)) ?? .h5md
  }

  /// `--solver`, `--tol` and `--jacobi` of the linear solve H J = B (or the adjoint H w = g).
  func solverChoice() throws -> SolverChoice {
    var solver = SolverChoice()
    if let text = values["solver"] {
      guard let chosen = SolverChoice.Method(rawValue: text) else {
        let names = SolverChoice.Method.allCases.map(\.rawValue).joined(separator: ", ")
        throw UsageError("--solver must be one of \(names), got '\(text)'")
      }
      solver.method = chosen
    }
    if let tolerance = try number("tol", minimum: 0) {
      // A relative residual of 1 is met by x = 0: a tolerance ≥ 1 accepts any answer.
      guard tolerance > 0, tolerance < 1 else {
        throw UsageError("--tol is a relative residual and must lie strictly between 0 and 1, got \(tolerance)")
      }
      solver.tolerance = tolerance
    }
    solver.jacobi = has("jacobi")
    return solver
  }
}
