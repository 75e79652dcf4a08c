import DualNumbers
import Foundation
import Particles

/// FIRE 2.0 (Guénolé, Nöhring, Vaid, Houllé, Xie, Prakash & Bitzek, Comput. Mater. Sci. 175,
/// 109584, 2020) iteration for iteration as LAMMPS's `min_style fire`, with every `min_modify`
/// parameter of that style under its LAMMPS default, and optionally ABC-FIRE (Echeverri Restrepo &
/// Andric, Comput. Mater. Sci. 218, 111978, 2023), mass 1. One iteration n, as ``step(_:on:)``
/// writes it, from (x, v, F) and the power P = F·v:
///
///     P > 0:  s_v = 1 − α,  s_F = α|v|/|F|   (ABC: both divided by 1 − (1 − α)^(n − n_last))
///             n − n_last > N_delay: dt ← min(dt·f_inc, dt_max), α ← α·f_α
///     P ≤ 0:  n_last ← n;  unless n < N_delay at the start: α ← α₀, dt ← dt·f_dec if ≥ dt_min
///             x ← x − dt/2·v (half step back),  v ← 0
///     dt_v = dt, lowered so that no coordinate moves farther than dmax in one step
///     v ← v + dt_v·F;  P > 0: v ← s_v·v + s_F·F;  x ← x + dt_v·v;  F ← F(x)   (semi-implicit Euler)
///
/// with dt_max = t_max·dt₀ and dt_min = t_min·dt₀. ABC-FIRE instead clips each velocity component
/// to dmax/dt_v after the mixing. The velocity-Verlet, leapfrog and explicit-Euler integrators of
/// LAMMPS are there too. Stops on LAMMPS's energy tolerance `etol` when one is set, on
/// max |Fᵢₖ|² < ftol² (LAMMPS's `min_modify norm inf`), after
/// more than `vdfmax` consecutive uphill iterations, or at the iteration limit.
///
/// Written generically: on double-double or dual numbers the same iterations run in that
/// arithmetic, with the step control (dt, α) in `Double` as in LAMMPS.
public struct FIRE2: Minimizer, Sendable, Equatable {
  /// How velocities and positions are advanced (`min_modify integrator`).
  public enum Integrator: String, Sendable, CaseIterable {
    /// v ← v + dt·F, then x ← x + dt·v (the default; FIRE 2.0's choice).
    case semiImplicitEuler = "eulerimplicit"
    /// Half kick, drift, new forces, half kick.
    case velocityVerlet = "verlet"
    /// Semi-implicit Euler after an initial backward half kick v = −dt/2·F.
    case leapfrog
    /// x ← x + dt·v, then v ← v + dt·F with the old forces.
    case explicitEuler = "eulerexplicit"
  }

  /// dt₀, LAMMPS's `timestep` (time units).
  public var timeStep = 0.1
  /// `tmax`: dt_max = tmax·dt₀.
  public var maximumTimeStepFactor = 10.0
  /// `tmin`: dt_min = tmin·dt₀.
  public var minimumTimeStepFactor = 0.02
  /// `delaystep` N_delay: iterations after an uphill one before dt grows and α shrinks.
  public var delaySteps = 20
  /// `dtgrow` f_inc.
  public var timeStepIncrease = 1.1
  /// `dtshrink` f_dec.
  public var timeStepDecrease = 0.5
  /// `alpha0` α₀.
  public var initialMixing = 0.25
  /// `alphashrink` f_α.
  public var mixingDecrease = 0.99
  /// `dmax`: the largest move of a coordinate in one iteration (length units).
  public var maximumDisplacement = 0.1
  /// `integrator`.
  public var integrator = Integrator.semiImplicitEuler
  /// `halfstepback`: after an uphill iteration, x ← x − dt/2·v.
  public var halfStepBack = true
  /// `initialdelay`: no α reset or dt decrease during the first N_delay iterations.
  public var initialDelay = true
  /// `vdfmax`: stop after more than this many consecutive uphill iterations (0: never).
  public var maximumUphillSteps = 2000
  /// `abcfire`: the bias-corrected mixing of ABC-FIRE.
  public var biasCorrected = false
  /// `etol` (dimensionless, 0: off): stop when |Eₙ − Eₙ₋₁| < etol·(|Eₙ| + |Eₙ₋₁| + 10⁻⁸)/2, checked,
  /// as LAMMPS does, only more than N_delay iterations after the last uphill one (LAMMPS's
  /// `minimize etol ...`, with its `EPS_ENERGY` = 10⁻⁸). Checked before the force tolerance.
  public var energyTolerance = 0.0
  /// Stop when max |Fᵢₖ|² < this² (energy / length units). Zero runs the full iteration budget.
  public var forceTolerance: Double
  public var maximumSteps: Int

  public init(forceTolerance: Double = 1e-12, maximumSteps: Int = 100_000) {
    self.forceTolerance = forceTolerance
    self.maximumSteps = maximumSteps
  }

  /// The state before the first iteration: the forces at `positions`, v = 0 (leapfrog:
  /// v = −dt/2·F), dt = dt₀, α = α₀.
  @inlinable
  public func start<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from positions: [Landscape.Scalar]
  ) -> FIRE2State<Landscape.Scalar> {
    var forces = [Landscape.Scalar](repeating: 0, count: positions.count)
    let energy = landscape.forces(at: positions, into: &forces)
    var velocities = [Landscape.Scalar](repeating: 0, count: positions.count)
    if integrator == .leapfrog {
      for index in velocities.indices { velocities[index] = Landscape.Scalar.scaled(forces[index], by: -0.5 * timeStep) }
    }
    var state = FIRE2State(
      positions: positions, velocities: velocities, forces: forces, energy: energy, timeStep: timeStep,
      mixing: initialMixing, power: 0, squaredVelocity: 0, squaredForce: 0, maximumForce: 0, isFinite: true,
      forceEvaluations: 1)
    updateSums(&state, threads: landscape.threads)
    state.isFinite = state.isFinite && largestComponent(positions).finite
    return state
  }

  /// One iteration (see ``FIRE2``).
  @inlinable
  public func step<Landscape: EnergyLandscape>(
    _ state: inout FIRE2State<Landscape.Scalar>, on landscape: inout Landscape
  ) {
    var scratch = [Landscape.Scalar](repeating: 0, count: state.positions.count)
    step(&state, on: &landscape, scratch: &scratch)
  }

  /// ``step(_:on:)`` with a scratch array for the forces before the move (any content, the
  /// length of the positions).
  @inlinable
  func step<Landscape: EnergyLandscape>(
    _ state: inout FIRE2State<Landscape.Scalar>, on landscape: inout Landscape,
    scratch previousForces: inout [Landscape.Scalar]
  ) {
    typealias S = Landscape.Scalar
    state.step += 1
    let iteration = state.step
    let downhill = state.power.primalValue > 0

    // Steering: the mixing weights, and the step control (LAMMPS's order: the weights use the α
    // of the previous iteration).
    var mixing: (velocity: Double, force: S)? = nil
    if downhill {
      state.uphillSteps = 0
      var velocityWeight = 1 - state.mixing
      var forceWeight = state.squaredForce.primalValue <= 1e-20
        ? S(0) : S.scaled(S.sqrt(state.squaredVelocity / state.squaredForce), by: state.mixing)
      if biasCorrected {
        // α is kept away from 0, where the bias correction 1 − (1 − α)^k would vanish.
        state.mixing = max(state.mixing, 1e-10)
        let correction = 1 - Foundation.pow(1 - state.mixing, Double(iteration - state.lastUphillStep))
        velocityWeight = (1 - state.mixing) / correction
        forceWeight = state.squaredForce.primalValue <= 1e-20
          ? S(0) : S.scaled(S.sqrt(state.squaredVelocity / state.squaredForce), by: state.mixing) / S(correction)
      }
      mixing = (velocityWeight, forceWeight)
      if iteration - state.lastUphillStep > delaySteps {
        state.timeStep = min(state.timeStep * timeStepIncrease, maximumTimeStepFactor * timeStep)
        state.mixing *= mixingDecrease
      }
    } else {
      state.lastUphillStep = iteration
      if !(initialDelay && iteration < delaySteps) {
        state.mixing = initialMixing
        if state.timeStep * timeStepDecrease >= minimumTimeStepFactor * timeStep {
          state.timeStep *= timeStepDecrease
        }
      }
      state.uphillSteps += 1
      if maximumUphillSteps > 0 && state.uphillSteps > maximumUphillSteps { return }
      // Inertia correction: half a step back along the velocity that went uphill. LAMMPS
      // re-evaluates the forces there, except with ABC-FIRE.
      if halfStepBack && state.squaredVelocity.primalValue > 0 {
        if biasCorrected {
          landscape.displace(&state.positions, by: state.velocities.map { S.scaled($0, by: -0.5 * state.timeStep) })
        } else {
          state.energy = landscape.displace(&state.positions, along: state.velocities, scaledBy: -0.5 * state.timeStep,
                                            thenForcesInto: &state.forces)
          state.forceEvaluations += 1
        }
      }
      for index in state.velocities.indices { state.velocities[index] = 0 }
    }

    // dt_v: no coordinate moves farther than dmax. After a reset LAMMPS bounds it by the
    // velocity one time step of the force would give, v = dt·F.
    var movingTimeStep = state.timeStep
    if !biasCorrected {
      for index in state.velocities.indices {
        let speed = downhill
          ? Swift.abs(state.velocities[index].primalValue)
          : Swift.abs(state.timeStep * state.forces[index].primalValue)
        if movingTimeStep * speed > maximumDisplacement { movingTimeStep = maximumDisplacement / speed }
      }
    }

    // Integration: kick, mix, drift in the landscape's displacing pass, then the new forces.
    state.previousEnergy = state.energy
    swap(&state.forces, &previousForces)
    let kickFirst = integrator != .explicitEuler
    let kick = integrator == .velocityVerlet ? 0.5 * movingTimeStep : movingTimeStep
    state.energy = state.velocities.withUnsafeMutableBufferPointer { velocities in
      previousForces.withUnsafeBufferPointer { forces in
        let move = FIRE2Move(velocities: velocities, forces: forces, kick: kick, kickFirst: kickFirst,
                             mixing: mixing, clip: biasCorrected ? maximumDisplacement : nil,
                             timeStep: movingTimeStep)
        return landscape.displace(&state.positions, by: move, thenForcesInto: &state.forces)
      }
    }
    state.forceEvaluations += 1
    if integrator == .velocityVerlet {
      for index in state.velocities.indices { state.velocities[index] += S.scaled(state.forces[index], by: kick) }
    }
    updateSums(&state, threads: landscape.threads)
  }

  /// P = F·v, Σv², ΣF², max |F| and finiteness at the end of an iteration.
  @inlinable
  func updateSums<S: RealScalar>(_ state: inout FIRE2State<S>, threads: Int) {
    let sums = state.velocities.withUnsafeBufferPointer { v in
      state.forces.withUnsafeBufferPointer { f in
        FIRESums(of: StoredVelocities(velocities: v, forces: f), count: v.count, threads: threads)
      }
    }
    state.power = sums.power
    state.squaredVelocity = sums.squaredVelocity
    state.squaredForce = sums.squaredForce
    state.maximumForce = sums.largestForce
    // A non-finite velocity anywhere makes Σv² non-finite, a NaN force ΣF² (max() would skip it).
    state.isFinite = sums.squaredVelocity.isFinite && sums.squaredForce.isFinite && state.energy.isFinite
  }

  /// Why a run in `state` stops now, or `nil` while it goes on.
  @inlinable
  public func stopReason<Scalar>(_ state: FIRE2State<Scalar>) -> MinimizationStopReason? {
    if !state.isFinite { return .nonFinite }
    if energyTolerance > 0, state.step - state.lastUphillStep > delaySteps {
      let (current, previous) = (state.energy.primalValue, state.previousEnergy.primalValue)
      if Swift.abs(current - previous) < energyTolerance * 0.5 * (Swift.abs(current) + Swift.abs(previous) + 1e-8) {
        return .energyTolerance
      }
    }
    if state.maximumForce * state.maximumForce < forceTolerance * forceTolerance { return .forceTolerance }
    if maximumUphillSteps > 0 && state.uphillSteps > maximumUphillSteps { return .uphillLimit }
    if state.step >= maximumSteps { return .maximumSteps }
    return nil
  }

  /// ``step(_:on:)`` until ``stopReason(_:)`` says stop.
  @inlinable
  public func relax<Landscape: EnergyLandscape>(
    _ state: inout FIRE2State<Landscape.Scalar>, on landscape: inout Landscape,
    every interval: Int = 0, observer: MinimizationObserver<Landscape.Scalar>? = nil
  ) {
    var scratch = [Landscape.Scalar](repeating: 0, count: state.positions.count)
    while stopReason(state) == nil {
      step(&state, on: &landscape, scratch: &scratch)
      if let observer, interval > 0, state.step % interval == 0 {
        observer(state.step, state.positions, state.energy, state.maximumForce)
      }
    }
  }

  @inlinable
  public func minimize<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from start: [Landscape.Scalar],
    every interval: Int, observer: MinimizationObserver<Landscape.Scalar>?
  ) -> MinimizationResult<Landscape.Scalar> {
    var state = self.start(&landscape, from: start)
    observer?(0, state.positions, state.energy, state.maximumForce)
    relax(&state, on: &landscape, every: interval, observer: observer)
    return MinimizationResult(positions: state.positions, forces: state.forces, energy: state.energy,
                              steps: state.step, maximumForce: state.maximumForce, stopReason: stopReason(state)!)
  }
}

/// FIRE 2.0's integration of one coordinate as a ``Displacement``: kick (semi-implicit Euler,
/// leapfrog, the first half of velocity Verlet), mix, clip (ABC-FIRE), and move by dt_v·v; explicit
/// Euler moves with the mixed velocity first and kicks after.
@usableFromInline
struct FIRE2Move<S: RealScalar>: Displacement {
  @usableFromInline let velocities: UnsafeMutableBufferPointer<S>
  /// F before the move.
  @usableFromInline let forces: UnsafeBufferPointer<S>
  @usableFromInline let kick: Double
  @usableFromInline let kickFirst: Bool
  /// (s_v, s_F) after a downhill iteration, nil after an uphill one.
  @usableFromInline let mixing: (velocity: Double, force: S)?
  /// ABC-FIRE's largest move of a coordinate.
  @usableFromInline let clip: Double?
  @usableFromInline let timeStep: Double

  @inlinable
  init(velocities: UnsafeMutableBufferPointer<S>, forces: UnsafeBufferPointer<S>, kick: Double, kickFirst: Bool,
       mixing: (velocity: Double, force: S)?, clip: Double?, timeStep: Double) {
    self.velocities = velocities
    self.forces = forces
    self.kick = kick
    self.kickFirst = kickFirst
    self.mixing = mixing
    self.clip = clip
    self.timeStep = timeStep
  }

  @inlinable @inline(__always)
  func component(_ index: Int) -> S {
    var velocity = velocities[index]
    let force = forces[index]
    if kickFirst { velocity += S.scaled(force, by: kick) }
    if let mixing {
      velocity = S.scaled(velocity, by: mixing.velocity) + mixing.force * force
      if let clip, Swift.abs(velocity.primalValue * timeStep) > clip {
        velocity = S.scaled(velocity, by: clip / timeStep) / S(Swift.abs(velocity.primalValue))
      }
    }
    let move = S.scaled(velocity, by: timeStep)
    velocities[index] = kickFirst ? velocity : velocity + S.scaled(force, by: kick)
    return move
  }
}
