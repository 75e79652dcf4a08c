import Minimization
import Models
import Relaxation
import Sensitivity
import Simulation
import Testing

/// FIRE alone to 1e-12 and FIRE to the switch then Newton to 1e-12, from the same start.
private func bothWays(_ system: ParticleSystem, start: [Double], kind: MinimizerChoice.Kind = .fire2)
  throws -> (alone: MinimizationOutcome, finished: FinishedMinimization)
{
  var choice = system.minimizer
  choice.kind = kind
  choice.forceTolerance = 1e-12
  choice.maximumSteps = 200_000
  let alone = try system.model.minimize(from: start, using: choice)
  let finished = try system.model.minimize(from: start, using: choice, finish: .newton)
  return (alone, finished)
}

/// The checks every system gets: the same minimum (contact network, energy to 1e-12 relative),
/// converged by Newton itself, and no Newton step that raised the energy beyond its rounding.
private func expectSameMinimum(_ system: ParticleSystem, _ alone: MinimizationOutcome,
                               _ finished: FinishedMinimization, label: String) {
  #expect(alone.converged, "\(label): FIRE alone did not converge")
  #expect(finished.outcome.converged, "\(label): the Newton finish did not converge")
  let newton = finished.newton
  #expect(newton?.converged == true, "\(label): Newton fell back to FIRE (\(newton?.stop.rawValue ?? "none"))")
  let relative = abs(finished.outcome.energy - alone.energy) / abs(alone.energy)
  #expect(relative <= 1e-12, "\(label): energies \(finished.outcome.energy) and \(alone.energy)")
  #expect(system.model.contactNetwork(at: finished.outcome.positions)
            == system.model.contactNetwork(at: alone.positions), "\(label): contact networks differ")
  if let energies = newton?.energies {
    for (before, after) in zip(energies, energies.dropFirst()) {
      #expect(after <= before + 4 * Double.ulpOfOne * abs(before), "\(label): energy rose from \(before) to \(after)")
    }
  }
}

@Suite("Newton–Krylov finish")
struct NewtonFinishTests {
  @Test("on the paper's system, from several seeds, it reaches FIRE's minimum", arguments: [0, 1, 2, 3])
  func paperSystem(seed: Int) throws {
    let system = try BuiltInSystems.paper()
    let (_, start) = try system.startingPositions(seed: UInt64(seed))
    let (alone, finished) = try bothWays(system, start: start)
    expectSameMinimum(system, alone, finished, label: "paper seed \(seed)")
  }
}
