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
    expectNoEnergyRise(energies, coordinates: model.degreesOfFreedom, label: label)
  }
}

/// No Newton step raised the energy beyond the rounding noise of its sum, 4√n·ε|E| for n
/// coordinates (the resolution below which the line search judges steps by ‖F‖).
private func expectNoEnergyRise(_ energies: [Double], coordinates: Int, label: String) {
  let noise = 4 * Double(coordinates).squareRoot() * Double.ulpOfOne
  for (before, after) in zip(energies, energies.dropFirst()) {
    #expect(after <= before + noise * abs(before), "\(label): energy rose from \(before) to \(after)")
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

  /// L-BFGS to `switchForce`, then Newton to `tolerance`, on `count` bidisperse discs at φ = 0.90.
  private func newtonBelowResolution(count: Int, seed: UInt64, switchForce: Double, tolerance: Double) throws {
    let model = bidisperse(count: count, dimension: 2, packingFraction: 0.90,
                           potential: .softSphere(epsilon: 1, alpha: 2))
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: seed)
    var choice = MinimizerChoice(.lbfgs, potential: model.potential, largestDiameter: model.largestDiameter)
    choice.forceTolerance = switchForce
    let rough = try model.minimize(from: start, using: choice)
    #expect(rough.converged)
    let newton = model.finishWithNewton(
      from: rough.positions, using: NewtonKrylovFinish(forceTolerance: tolerance, neighbourSkin: choice.neighbourSkin))
    #expect(newton.converged, "stopped: \(newton.stop.rawValue) after \(newton.newtonSteps) Newton steps")
    #expect(newton.newtonSteps <= 8, "\(newton.newtonSteps) Newton steps")
    #expect(newton.maximumForce < tolerance)
    expectNoEnergyRise(newton.energies, coordinates: model.degreesOfFreedom, label: "\(count) discs")
  }

  @Test("at max |F| ~ 1e-13 it converges in a few steps (1024 discs)")
  func farBelowEnergyResolution() throws {
    try newtonBelowResolution(count: 1024, seed: 5, switchForce: 1e-7, tolerance: 1e-13)
  }

  /// The step that stalled the finish on 10⁴ discs (the compare_lammps.py start, seed 0, Newton
  /// from max |F| 1e-6): E = 7.58, n = 2·10⁴ coordinates, the full Newton step took ‖F‖ from
  /// 7.4e-9 to 4.8e-11 (max |F| 6e-10 → 4e-12) while E, a sum of ~2.6·10⁴ rounded pair terms,
  /// came out 1.24e-14 (14 ulps) higher: noise, the true change being ~−1e-15. Judged by
  /// |ΔE| ≤ 4ε|E| (6.7e-15) it was refused; steps were cut a millionfold and the finish ran out of
  /// its 60 steps (10497 H·v).
  @Test("below the rounding noise of E it judges a step by ‖F‖")
  func lineSearchBelowEnergyResolution() {
    let settings = NewtonKrylovFinish(forceTolerance: 1e-10, neighbourSkin: 0.28)
    let resolution = NewtonKrylovFinish.energyResolution(7.580157567876, coordinates: 20_000)
    #expect(resolution > 1.24e-14 && resolution < 1e-11)
    #expect(settings.accepts(energyChange: 1.2434497875801753e-14, resolution: resolution, scale: 1,
                             slope: 1.904165748992963e-15, forceNorm: 7.417013531320452e-09,
                             trialForceNorm: 4.807493674118999e-11))
    // Not when ‖F‖ does not fall by the Armijo fraction, nor when E rises beyond its noise.
    #expect(!settings.accepts(energyChange: 1.2434497875801753e-14, resolution: resolution, scale: 1,
                              slope: 1.904165748992963e-15, forceNorm: 7.417013531320452e-09,
                              trialForceNorm: 7.417e-09))
    #expect(!settings.accepts(energyChange: 2 * resolution, resolution: resolution, scale: 1,
                              slope: 1.904165748992963e-15, forceNorm: 7.417013531320452e-09,
                              trialForceNorm: 4.807493674118999e-11))
    // Above the resolution Armijo on E decides, whatever ‖F‖ does.
    #expect(settings.accepts(energyChange: -1e-6, resolution: resolution, scale: 0.5, slope: 1e-3,
                             forceNorm: 1e-4, trialForceNorm: 2e-4))
    #expect(!settings.accepts(energyChange: -1e-9, resolution: 1e-14, scale: 0.5, slope: 1e-3,
                              forceNorm: 1e-4, trialForceNorm: 1e-6))
  }

  @Test("a start that is not yet in a convex region is handed back unmoved")
  func notConvexStart() throws {
    // A random start: compressed contacts everywhere, whose stress terms make H indefinite.
    let system = try BuiltInSystems.paper()
    let (_, start) = try system.startingPositions(seed: 0)
    let settings = NewtonKrylovFinish(forceTolerance: 1e-12, neighbourSkin: system.minimizer.neighbourSkin)
    let newton = system.model.finishWithNewton(from: start, using: settings)
    #expect(newton.stop == .notConvex)
    #expect(newton.newtonSteps == 0)
    var wrapped = start
    system.model.kernels().wrap(&wrapped)
    #expect(newton.positions == wrapped, "no step was taken")

    var anyway = settings
    anyway.requiresConvexity = false
    #expect(system.model.finishWithNewton(from: start, using: anyway).newtonSteps > 0)
  }

  /// The paper's system minimised from a random start only to max |F| = 10⁻³: a packing still
  /// rearranging, where Newton meets non-positive curvature sooner or later.
  private func rearranging(seed: UInt64) throws -> (system: ParticleSystem, rough: MinimizationOutcome) {
    let system = try BuiltInSystems.paper()
    let (_, start) = try system.startingPositions(seed: seed)
    var choice = system.minimizer
    choice.forceTolerance = 1e-3
    return (system, try system.model.minimize(from: start, using: choice))
  }

  @Test("non-positive curvature met after accepted steps ends the finish there, lower in energy, with no truncated step")
  func notConvexAfterSteps() throws {
    // Seed 4 to max |F| = 10⁻³: the first solves are convex, a later one is not (the packing is
    // still rearranging).
    let (system, rough) = try rearranging(seed: 4)
    let settings = NewtonKrylovFinish(forceTolerance: 1e-13, neighbourSkin: system.minimizer.neighbourSkin)
    let newton = system.model.finishWithNewton(from: rough.positions, using: settings)
    #expect(newton.stop == .notConvex, "\(newton.stop.rawValue)")
    #expect(newton.newtonSteps >= 1)
    #expect(newton.truncatedSolves == 0, "a truncated step is never taken")
    #expect(newton.energy < rough.energy)
    #expect(newton.energy == newton.energies.last, "the last accepted iterate")
    let (energy, _) = system.model.forces(at: newton.positions)
    #expect(abs(energy - newton.energy) <= 1e-14 * abs(energy))

    var anyway = settings
    anyway.requiresConvexity = false
    #expect(system.model.finishWithNewton(from: rough.positions, using: anyway).truncatedSolves > 0,
            "without the requirement Newton goes on with truncated steps")
  }

  @Test("steps that have to be shortened again and again end the finish as stalled, counted and recorded")
  func stalledFinish() throws {
    let (system, rough) = try rearranging(seed: 3)
    var settings = NewtonKrylovFinish(forceTolerance: 1e-13, neighbourSkin: system.minimizer.neighbourSkin)
    settings.requiresConvexity = false
    // Every accepted step counts as shortened: the finish must stop after the second.
    settings.shortStep = 2
    settings.maximumShortSteps = 2
    let newton = system.model.finishWithNewton(from: rough.positions, using: settings)
    #expect(newton.stop == .stalled, "\(newton.stop.rawValue)")
    #expect(newton.newtonSteps == 2)
    #expect(newton.energies.count == 3 && newton.maximumForces.count == 3)
    #expect(newton.energy == newton.energies.last && newton.maximumForce == newton.maximumForces.last)
  }

  @Test("where Newton hands back, the minimiser goes on to a smaller force; frames are numbered on")
  func handBackAndRetry() throws {
    let system = try BuiltInSystems.paper()
    let (_, start) = try system.startingPositions(seed: 1)
    var choice = system.minimizer
    choice.kind = .lbfgs
    choice.forceTolerance = 1e-12
    // A switch force so large that the first hand-over finds the packing far from convex.
    let finished = try system.model.minimize(from: start, using: choice, finish: .newton, switchingAt: 1,
                                             recordEvery: 25)
    #expect(finished.outcome.converged)
    #expect(finished.newton?.converged == true, "\(finished.newton?.stop.rawValue ?? "no Newton")")
    let steps = finished.outcome.frames.map(\.step)
    #expect(steps.first == 0 && steps.last == finished.outcome.steps)
    #expect(zip(steps, steps.dropFirst()).allSatisfy { $0 < $1 }, "frame steps \(steps)")
    #expect(finished.handOvers >= 2, "handed over \(finished.handOvers) time(s)")
    #expect(finished.stepsBeforeNewton == finished.outcome.steps)
    #expect(finished.outcome.maximumForce < 1e-12)
  }

  @Test("a Newton-finished minimisation run cell by cell returns its minimum in the caller's numbering")
  func spatialReorderingWithNewtonFinish() throws {
    let (system, start) = try BuiltInSystems.paper().startingPositions(seed: 2)
    var choice = system.minimizer
    choice.forceTolerance = 1e-12
    let finished = try system.model.minimize(from: start, using: choice, finish: .newton, recordEvery: 100,
                                             reorderingFrom: 0)
    #expect(finished.outcome.converged)
    #expect(finished.newton?.converged == true)
    #expect(finished.newton?.positions == finished.outcome.positions)
    let check = try system.minimize(from: finished.outcome.positions)
    #expect(check.steps == 0 && check.maximumForce <= 1e-12)
    #expect(abs(check.energy - finished.outcome.energy) < 1e-12)
  }
}
