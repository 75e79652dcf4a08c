import DualNumbers
import Foundation
import Minimization
import Particles
import Simulation
import Testing

/// The paper's interaction: harmonic soft discs, σ = [[θ, (1+θ)/2], [(1+θ)/2, 1]], periodic box.
private func paperInteraction(_ reference: PaperReference)
  -> PairInteraction<PeriodicBox<TwoDimensions, Double>, SoftSphere<Double>, SpeciesPairDiameters<Double>>
{
  let θ = reference.theta
  return PairInteraction(
    boundary: PeriodicBox(side: reference.boxSize), potential: SoftSphere(epsilon: 1, alpha: 2),
    diameters: SpeciesPairDiameters(species: reference.species, table: [[θ, (1 + θ) / 2], [(1 + θ) / 2, 1]]))
}

@Suite("FIRE minimisation")
struct FIRETests {
  @Test("the paper's system file resolves to the paper's box")
  func paperBox() throws {
    let system = try ParticleSystem.load(path: PaperReference.packageRoot.appendingPathComponent("Systems/paper-2d-128.json").path)
    let reference = try PaperReference.load()
    #expect(system.particleCount == 128)
    #expect(abs(system.boxEdges[0] - 8.35201650722) < 1e-10)
    #expect(abs(system.boxEdges[0] - reference.boxSize) < 1e-12)
    #expect(system.speciesOfParticle == reference.species)
    #expect(abs(system.packingFraction - 0.98) < 1e-14)
  }

  @Test("started at JAX-MD's minimum, FIRE stays there")
  func staysAtReferenceMinimum() throws {
    let reference = try PaperReference.load()
    var landscape = ParticleLandscape(paperInteraction(reference), skin: 0.2)
    let start = reference.physical(reference.xFire)
    let result = FIRE(forceTolerance: 1e-12, maximumSteps: 1000).minimize(&landscape, from: start)
    #expect(result.converged)
    #expect(result.maximumForce <= 1e-12)
    #expect(abs(result.energy - reference.energy) <= 1e-12, "energy \(result.energy) vs \(reference.energy)")
    var largestMove = 0.0
    for index in start.indices {
      var d = result.positions[index] - start[index]
      d -= reference.boxSize * (d / reference.boxSize).rounded()
      largestMove = max(largestMove, abs(d))
    }
    #expect(largestMove < 1e-10, "moved by \(largestMove)")
  }

  @Test("from JAX-MD's start, 2000 FIRE steps reach JAX-MD's minimum")
  func reproducesReferenceTrajectory() throws {
    let reference = try PaperReference.load()
    var landscape = ParticleLandscape(paperInteraction(reference), skin: 0.2)
    // JAX-MD keeps FIRE's step control (dt, α) in float16: with the same rounding the trajectories
    // agree; in double precision they part after a few hundred steps and may end in a neighbouring
    // minimum.
    var fire = FIRE(forceTolerance: 0, maximumSteps: 2000)
    fire.controlArithmetic = .jaxMD
    let result = fire.minimize(&landscape, from: reference.physical(reference.x0))
    let target = reference.physical(reference.xFire)
    var largest = 0.0
    for index in target.indices {
      var d = result.positions[index] - target[index]
      d -= reference.boxSize * (d / reference.boxSize).rounded()
      largest = max(largest, abs(d))
    }
    #expect(largest < 1e-8, "largest distance to JAX-MD's minimum: \(largest)")
    #expect(abs(result.energy - reference.energy) < 1e-12)
  }

  @Test("the paper's system converges to max force 1e-12 from several seeds", arguments: [0, 1, 2] as [UInt64])
  func convergesFromSeeds(seed: UInt64) throws {
    let reference = try PaperReference.load()
    var landscape = ParticleLandscape(paperInteraction(reference), skin: 0.2)
    let start = RandomConfiguration.uniform(count: 128, edges: [reference.boxSize, reference.boxSize], seed: seed)
    let result = FIRE(forceTolerance: 1e-12, maximumSteps: 50_000).minimize(&landscape, from: start)
    #expect(result.converged, "seed \(seed): \(result.stopReason.rawValue) after \(result.steps) steps")
    #expect(result.maximumForce <= 1e-12)
    #expect(result.energy > 0, "at φ = 0.98 the packing is jammed: the energy stays positive")
  }

  @Test("gradient descent reaches the same tolerance on a small system")
  func gradientDescent() throws {
    let positions = RandomConfiguration.uniform(count: 16, edges: [3.0, 3.0], seed: 8)
    let interaction = PairInteraction(boundary: PeriodicBox<TwoDimensions, Double>(side: 3),
                                      potential: SoftSphere<Double>(),
                                      diameters: ParticleDiameters([Double](repeating: 0.9, count: 16)))
    var landscape = ParticleLandscape(interaction, skin: 0.2)
    let result = GradientDescent(stepSize: 0.2, forceTolerance: 1e-10, maximumSteps: 200_000).minimize(&landscape, from: positions)
    #expect(result.converged, "\(result.stopReason.rawValue), max force \(result.maximumForce)")
  }

  @Test("a non-finite start stops with a reason, not a crash")
  func nonFinite() {
    var positions = RandomConfiguration.uniform(count: 4, edges: [3.0, 3.0], seed: 1)
    positions[0] = Double.nan
    let interaction = PairInteraction(boundary: FreeSpace<TwoDimensions, Double>(), potential: SoftSphere<Double>(),
                                      diameters: ParticleDiameters([Double](repeating: 1, count: 4)))
    var landscape = ParticleLandscape(interaction, skin: 0.2)
    let result = FIRE().minimize(&landscape, from: positions)
    #expect(result.stopReason == .nonFinite || !result.converged)
  }
}
