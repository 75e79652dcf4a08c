import DualNumbers
@testable import Minimization
import Particles
import Simulation
import Testing

/// `FIRE.step` is the algorithm as written in the paper; `FIRE.minimize` takes the same steps
/// through fused passes. They must be the same computation: every number bit for bit.
@Suite("FIRE: the readable step and the fused passes")
struct FIREStepTests {
  static let particles = 16
  /// Soft spheres overlap at every minimum in this box (φ ≈ 1.2), so the forces never vanish.
  static let softSphereSide = 3.3
  /// Lennard-Jones at number density 0.9.
  static let lennardJonesSide = 4.2

  /// Diameters 0.9 and 1.1 alternating; on duals the large ones carry a tangent (d/dσ_large), so the
  /// trajectories carry derivatives as in unrolled differentiation.
  static func diameters<S: RealScalar>(_ lift: (Double, Double) -> S) -> ParticleDiameters<S> {
    ParticleDiameters((0..<particles).map { $0 % 2 == 0 ? lift(0.9, 0) : lift(1.1, 1) })
  }

  static func start<S: RealScalar>(_ lift: (Double, Double) -> S, side: Double, seed: UInt64) -> [S] {
    RandomConfiguration.uniform(count: particles, edges: [side, side], seed: seed).map { lift($0, 0) }
  }

  static func softSpheres<S: RealScalar>(_ lift: @escaping (Double, Double) -> S)
    -> ParticleLandscape<PeriodicBox<TwoDimensions, S>, SoftSphere<S>, ParticleDiameters<S>>
  {
    ParticleLandscape(PairInteraction(boundary: PeriodicBox(side: lift(softSphereSide, 0)), potential: SoftSphere(),
                                      diameters: diameters(lift)), skin: 0.2)
  }

  static func lennardJones<S: RealScalar>(_ lift: @escaping (Double, Double) -> S)
    -> ParticleLandscape<PeriodicBox<TwoDimensions, S>, LennardJones<S>, ParticleDiameters<S>>
  {
    ParticleLandscape(PairInteraction(boundary: PeriodicBox(side: lift(lennardJonesSide, 0)), potential: LennardJones(),
                                      diameters: diameters(lift)), skin: 0.3)
  }

  static var softSphereFIRE: FIRE { FIRE(forceTolerance: 0, maximumSteps: 0) }

  static var lennardJonesFIRE: FIRE {
    var fire = FIRE(forceTolerance: 0, maximumSteps: 0)
    fire.initialTimeStep = 0.005
    fire.maximumTimeStep = 0.02
    fire.maximumDisplacement = 0.05
    return fire
  }

  static let double: @Sendable (Double, Double) -> Double = { value, _ in value }
  static let dual: @Sendable (Double, Double) -> Dual<Double> = { value, tangent in Dual(value, tangent: tangent) }

  @Test("soft spheres, Double") func softSpheresDouble() throws { try Self.compare(Self.softSphereFIRE, Self.softSpheres(Self.double), Self.start(Self.double, side: Self.softSphereSide, seed: 3), side: Self.softSphereSide) }
  @Test("soft spheres, Dual<Double>") func softSpheresDual() throws { try Self.compare(Self.softSphereFIRE, Self.softSpheres(Self.dual), Self.start(Self.dual, side: Self.softSphereSide, seed: 3), side: Self.softSphereSide) }
  @Test("Lennard-Jones with a largest displacement, Double") func lennardJonesDouble() throws {
    try Self.compare(Self.lennardJonesFIRE, Self.lennardJones(Self.double), Self.start(Self.double, side: Self.lennardJonesSide, seed: 4),
                     side: Self.lennardJonesSide, limited: true)
  }
  @Test("Lennard-Jones with a largest displacement, Dual<Double>") func lennardJonesDual() throws {
    try Self.compare(Self.lennardJonesFIRE, Self.lennardJones(Self.dual), Self.start(Self.dual, side: Self.lennardJonesSide, seed: 4),
                     side: Self.lennardJonesSide, limited: true)
  }

  /// Runs `steps` readable steps and the fused passes from the same start and expects the same
  /// positions and energy after every step, and the same whole state (velocities, forces, dt, α,
  /// n_pos) after k steps for several k. Also checks that the run exercised what it should: an
  /// uphill step (the reset), dt growing, and (when `limited`) the largest-displacement limit.
  static func compare<Landscape: EnergyLandscape>(
    _ fire: FIRE, _ landscape: Landscape, _ start: [Landscape.Scalar], side: Double, steps: Int = 120,
    limited: Bool = false
  ) throws where Landscape.Scalar: BitPatterns {
    var fire = fire
    // The readable path, step by step.
    var readableLandscape = landscape
    var state = fire.start(&readableLandscape, from: start)
    var readable = [state]
    var sawReset = false, sawGrowth = false, sawLimit = false
    for _ in 0..<steps {
      let before = state
      fire.step(&state, on: &readableLandscape)
      if state.stepsWithPositivePower == 0 { sawReset = true }
      if state.timeStep > before.timeStep { sawGrowth = true }
      if let limit = fire.maximumDisplacement {
        var largest = 0.0
        for k in state.positions.indices {
          var d = state.positions[k].primalValue - before.positions[k].primalValue
          d -= side * (d / side).rounded()
          largest = max(largest, abs(d))
        }
        if abs(largest - limit) < 1e-12 { sawLimit = true }
      }
      readable.append(state)
    }
    #expect(sawReset && sawGrowth, "the run must reset on P < 0 and grow dt")
    #expect(sawLimit == limited, "the largest-displacement limit must be active exactly when set")

    // The fused path in one run, observed at every step.
    fire.maximumSteps = steps
    var fusedLandscape = landscape
    var observed: [(positions: [Landscape.Scalar], energy: Landscape.Scalar)] = []
    let result = fire.minimize(&fusedLandscape, from: start, every: 1) { _, positions, energy, _ in
      observed.append((positions, energy))
    }
    try #require(result.steps == steps && observed.count == steps + 1,
                 "\(result.stopReason.rawValue) after \(result.steps) steps")
    for k in 0...steps {
      #expect(observed[k].positions.bits == readable[k].positions.bits, "positions after \(k) steps")
      #expect(observed[k].energy.bits == readable[k].energy.bits, "energy after \(k) steps")
    }
    #expect(result.forces.bits == readable[steps].forces.bits)

    // The whole state after k steps of the fused passes.
    for k in [1, 2, 7, 30, steps] {
      fire.maximumSteps = k
      var fusedLandscape = landscape
      var fused = fire.start(&fusedLandscape, from: start)
      fire.relax(&fused, on: &fusedLandscape, every: 0, observer: nil)
      let expected = readable[k]
      #expect(fused.step == k && expected.step == k)
      #expect(fused.positions.bits == expected.positions.bits, "positions after \(k) steps")
      #expect(fused.velocities.bits == expected.velocities.bits, "velocities after \(k) steps")
      #expect(fused.forces.bits == expected.forces.bits, "forces after \(k) steps")
      #expect(fused.energy.bits == expected.energy.bits, "energy after \(k) steps")
      #expect(fused.timeStep.bitPattern == expected.timeStep.bitPattern, "dt after \(k) steps")
      #expect(fused.mixing.bitPattern == expected.mixing.bitPattern, "α after \(k) steps")
      #expect(fused.stepsWithPositivePower == expected.stepsWithPositivePower, "n_pos after \(k) steps")
      #expect(fused.maximumForce.bitPattern == expected.maximumForce.bitPattern)
    }
  }
}

/// Every component of a scalar as raw bits: +0 and −0 differ, NaN equals itself.
protocol BitPatterns { var bits: [UInt64] { get } }
extension Double: BitPatterns { var bits: [UInt64] { [bitPattern] } }
extension Dual: BitPatterns where Base: BitPatterns { var bits: [UInt64] { value.bits + tangent.bits } }
extension Array where Element: BitPatterns { var bits: [UInt64] { flatMap(\.bits) } }
