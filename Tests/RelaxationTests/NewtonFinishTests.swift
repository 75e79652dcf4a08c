import Foundation
import Minimization
import Models
import Relaxation
import Sensitivity
import Simulation
import Testing

/// FIRE alone to 1e-12 and FIRE to the switch then Newton to 1e-12, from the same start.
private func bothWays(_ model: ParticleModel, _ defaults: MinimizerChoice, start: [Double],
                      kind: MinimizerChoice.Kind = .fire2)
  throws -> (alone: MinimizationOutcome, finished: FinishedMinimization)
{
  var choice = defaults
  choice.kind = kind
  choice.forceTolerance = 1e-12
  choice.maximumSteps = 200_000
  let alone = try model.minimize(from: start, using: choice)
  let finished = try model.minimize(from: start, using: choice, finish: .newton)
  return (alone, finished)
}

/// A periodic bidisperse packing (half diameter 1.0, half 1.4) of `count` particles.
private func bidisperse(count: Int, dimension: Int, packingFraction: Double,
                        potential: PotentialChoice) -> ParticleModel {
  let diameters = (0..<count).map { $0 < count / 2 ? 1.0 : 1.4 }
  let volume = diameters.reduce(0) { $0 + ParticleModel.volume(ofDiameter: $1, dimension: dimension) }
  let side = Foundation.pow(volume / packingFraction, 1 / Double(dimension))
  return ParticleModel(dimension: dimension, boxEdges: Array(repeating: side, count: dimension), potential: potential,
                       diameters: .particles(diameters), threads: 1)
}

/// The checks every system gets: the same minimum (contact network, energy to 1e-12 relative),
/// converged by Newton itself, and no Newton step that raised the energy beyond its rounding.
private func expectSameMinimum(_ model: ParticleModel, _ alone: MinimizationOutcome,
                               _ finished: FinishedMinimization, label: String) {
  #expect(alone.converged, "\(label): FIRE alone did not converge")
  #expect(finished.outcome.converged, "\(label): the Newton finish did not converge")
  let newton = finished.newton
  #expect(newton?.converged == true, "\(label): Newton fell back to FIRE (\(newton?.stop.rawValue ?? "none"))")
  let relative = abs(finished.outcome.energy - alone.energy) / abs(alone.energy)
  #expect(relative <= 1e-12, "\(label): energies \(finished.outcome.energy) and \(alone.energy)")
  // The same backbone: the contact networks agree once the rattlers (which sit anywhere in their
  // cages, touching or not) are set aside, as in the sensitivities.
  let networks = [finished.outcome.positions, alone.positions].map { model.contactNetwork(at: $0) }
  let rattlers = Set(networks.flatMap { RattlerDetection.rattlers(in: $0, dimension: model.dimension) })
  let backbones = networks.map { network in
    Set(network.pairs.filter { !rattlers.contains($0.first) && !rattlers.contains($0.second) })
  }
  #expect(backbones[0] == backbones[1],
          "\(label): backbone contacts differ by \(backbones[0].symmetricDifference(backbones[1]).count)")
  #expect(backbones[0].count > model.particleCount, "\(label): no backbone")
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
    let (alone, finished) = try bothWays(system.model, system.minimizer, start: start)
    expectSameMinimum(system.model, alone, finished, label: "paper seed \(seed)")
  }

  @Test("in 3D (harmonic spheres, φ = 0.70) it reaches FIRE's minimum", arguments: [UInt64(1), 2])
  func threeDimensions(seed: UInt64) throws {
    let model = bidisperse(count: 96, dimension: 3, packingFraction: 0.70, potential: .softSphere(epsilon: 1, alpha: 2))
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: seed)
    let defaults = MinimizerChoice(.fire2, potential: model.potential, largestDiameter: model.largestDiameter)
    let (alone, finished) = try bothWays(model, defaults, start: start)
    expectSameMinimum(model, alone, finished, label: "3D seed \(seed)")
  }

  @Test("on a Lennard-Jones glass (2D, cut at 2.5σ) it reaches FIRE's minimum", arguments: [UInt64(3), 4])
  func lennardJones(seed: UInt64) throws {
    let model = bidisperse(count: 64, dimension: 2, packingFraction: 0.80,
                           potential: .lennardJones(epsilon: 1, cutoff: 2.5))
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: seed)
    // FIRE 2.0 as LAMMPS has it bounds a step by the velocities before the kick, which the
    // overlaps of a random Lennard-Jones start (forces ~10¹³) blow up; the 2006 FIRE with its
    // limited move takes such starts.
    let defaults = MinimizerChoice(.fire, potential: model.potential, largestDiameter: model.largestDiameter)
    let (alone, finished) = try bothWays(model, defaults, start: start, kind: .fire)
    expectSameMinimum(model, alone, finished, label: "Lennard-Jones seed \(seed)")
  }

  @Test("after L-BFGS it reaches L-BFGS's own minimum: paper system and 3D", arguments: [UInt64(0), 1])
  func afterLimitedMemoryBFGS(seed: UInt64) throws {
    let system = try BuiltInSystems.paper()
    let (_, start) = try system.startingPositions(seed: seed)
    let (alone, finished) = try bothWays(system.model, system.minimizer, start: start, kind: .lbfgs)
    expectSameMinimum(system.model, alone, finished, label: "paper seed \(seed), L-BFGS")

    let model = bidisperse(count: 96, dimension: 3, packingFraction: 0.70, potential: .softSphere(epsilon: 1, alpha: 2))
    let start3D = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: seed + 1)
    let defaults = MinimizerChoice(.lbfgs, potential: model.potential, largestDiameter: model.largestDiameter)
    let (alone3D, finished3D) = try bothWays(model, defaults, start: start3D, kind: .lbfgs)
    expectSameMinimum(model, alone3D, finished3D, label: "3D seed \(seed + 1), L-BFGS")
  }

  @Test("L-BFGS alone on a Lennard-Jones glass (2D, cut at 2.5σ) converges from a random start",
        arguments: [UInt64(3), 4])
  func limitedMemoryBFGSOnLennardJones(seed: UInt64) throws {
    let model = bidisperse(count: 64, dimension: 2, packingFraction: 0.80,
                           potential: .lennardJones(epsilon: 1, cutoff: 2.5))
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: seed)
    var choice = MinimizerChoice(.lbfgs, potential: model.potential, largestDiameter: model.largestDiameter)
    choice.forceTolerance = 1e-10
    let outcome = try model.minimize(from: start, using: choice)
    #expect(outcome.converged, "seed \(seed): \(outcome.stopReason.rawValue) after \(outcome.steps) steps")
    #expect(outcome.energy < 0, "a Lennard-Jones glass is bound")
  }
}
