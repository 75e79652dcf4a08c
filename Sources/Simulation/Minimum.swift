import Foundation
import Models

extension ParticleSystem {
  /// The starting positions the system file asks for: its positions file, or the seeded uniform
  /// random configuration (seed from `seed`, else the file's, else 0).
  public func startingPositions(seed: UInt64? = nil) throws -> (system: ParticleSystem, positions: [Double]) {
    if seed == nil, let file = description.initial?.positions {
      let path = baseDirectory.map { URL(fileURLWithPath: file, relativeTo: $0).path } ?? file
      let loaded = try PositionsFile(path: path, system: self)
      return (loaded.system, loaded.positions)
    }
    let chosen = seed ?? description.initial?.seed ?? 0
    return (self, RandomConfiguration.uniform(count: particleCount, edges: boxEdges, seed: chosen))
  }

  /// Minimises from `start` with `choice` (the system's minimiser unless given).
  public func minimize(from start: [Double], using choice: MinimizerChoice? = nil, recordEvery interval: Int = 0,
                       progress: (@Sendable (Int, Double, Double) -> Void)? = nil) throws -> MinimizationOutcome {
    do {
      return try model.minimize(from: start, using: choice ?? minimizer, recordEvery: interval, progress: progress)
    } catch {
      throw SystemError(error.message)
    }
  }

  /// The minimum that a derivative is taken at: minimised from the system's start (seeded by `seed`)
  /// and required to reach the force tolerance, since a derivative of anything else is not the
  /// motion of a minimum. `purpose` names what is not computed otherwise ("no sensitivity computed");
  /// `progress` is called with (step, energy, max |F|) about once a second.
  public func minimum(seed: UInt64?, using choice: MinimizerChoice, purpose: String,
                      progress: (@Sendable (Int, Double, Double) -> Void)? = nil)
    throws -> (system: ParticleSystem, start: [Double], outcome: MinimizationOutcome)
  {
    let (system, start) = try startingPositions(seed: seed)
    let outcome = try system.minimize(from: start, using: choice, progress: progress)
    guard outcome.converged else {
      throw SystemError(
        "the minimisation stopped without reaching max |F| ≤ \(choice.forceTolerance) (\(outcome.stopReason.rawValue), max |F| = \(outcome.maximumForce) after \(outcome.steps) steps); \(purpose)")
    }
    return (system, start, outcome)
  }
}
