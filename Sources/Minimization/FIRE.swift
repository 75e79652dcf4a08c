import DualNumbers
import Particles

/// The Fast Inertial Relaxation Engine (Bitzek, Koskinen, Gähler, Moseler & Gumbsch,
/// Phys. Rev. Lett. 97, 170201, 2006), step for step as JAX-MD 0.2.29's `fire_descent`, mass 1.
/// One step from (x, v, F, dt, α, n_pos), as ``step(_:on:)`` writes it:
///
///     v ← v + dt/2·F;   x ← shift(x, dt·v);   F ← F(x);   v ← v + dt/2·F     (velocity Verlet)
///     P = F·v;   v ← v + α(F·|v|/|F| − v),   |F| = √(ΣF² + 10⁻⁶)             (mixing)
///     P ≥ 0: n_pos ← n_pos + 1;   P > 0 and n_pos > n_min: dt ← min(dt·f_inc, dt_max), α ← α·f_α
///     P < 0: n_pos ← 0, dt ← dt·f_dec, α ← α_start, v ← 0
///
/// (the 10⁻⁶ inside |F| is JAX-MD's and is kept so that trajectories can be compared; the mixing
/// is Bitzek et al.'s v ← (1 − α)v + α|v|F̂ written as JAX-MD writes it). With a
/// ``maximumDisplacement`` the move dt·v is scaled down as a whole when any coordinate would move
/// farther. Written generically: run on dual numbers, the same iterations carry derivatives with
/// respect to whatever the positions or forces were seeded with.
///
/// ``minimize(_:from:every:observer:)`` takes the same steps through fused passes that touch each
/// particle array as few times as possible (FIREPasses.swift); the two give bit-for-bit the same
/// trajectories.
public struct FIRE: Minimizer, Sendable {
  /// How the step-control state (dt, α) is rounded.
  public enum ControlArithmetic: String, Sendable {
    /// dt and α in double precision.
    case double
    /// As JAX-MD, which keeps dt, α and the constants in float16: with this, FIRE retraces JAX-MD's
    /// trajectories to rounding.
    case jaxMD = "jax-md"
  }

  public var controlArithmetic: ControlArithmetic = .double
  /// dt_start (time units).
  public var initialTimeStep = 0.1
  /// dt_max (time units).
  public var maximumTimeStep = 0.4
  /// n_min: steps with P > 0 before dt grows and α shrinks.
  public var minimumStepsBeforeAcceleration = 5
  /// f_inc.
  public var timeStepIncrease = 1.1
  /// f_dec.
  public var timeStepDecrease = 0.5
  /// α_start.
  public var initialMixing = 0.1
  /// f_α.
  public var mixingDecrease = 0.99
  /// The largest distance any coordinate may move in one step (length units): the whole step is
  /// scaled down when dt·v exceeds it, as LAMMPS's `dmax`. `nil`, as JAX-MD, sets no limit; a limit
  /// tames random starts of Lennard-Jones and Morse systems, whose overlapping pairs have huge forces.
  public var maximumDisplacement: Double?
  /// Stop when max |Fᵢₖ| ≤ this (energy / length units). Zero runs the full step budget.
  public var forceTolerance: Double
  public var maximumSteps: Int

  public init(forceTolerance: Double = 1e-12, maximumSteps: Int = 100_000) {
    self.forceTolerance = forceTolerance
    self.maximumSteps = maximumSteps
  }

  /// The state at t = 0: the forces at `positions`, v = 0, dt = dt_start, α = α_start, n_pos = 0.
  @inlinable
  public func start<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from positions: [Landscape.Scalar]
  ) -> FIREState<Landscape.Scalar> {
    var forces = [Landscape.Scalar](repeating: 0, count: positions.count)
    let energy = landscape.forces(at: positions, into: &forces)
    let control = StepControl(self)
    let (maximumForce, finiteForces) = largestComponent(forces)
    return FIREState(positions: positions, velocities: [Landscape.Scalar](repeating: 0, count: positions.count),
                     forces: forces, energy: energy, timeStep: control.round(initialTimeStep),
                     mixing: control.round(initialMixing), maximumForce: maximumForce,
                     isFinite: finiteForces && largestComponent(positions).finite)
  }

  /// One FIRE step, written as the algorithm reads (see ``FIRE``): a pass over the particle arrays
  /// for every line. ``minimize(_:from:every:observer:)`` fuses these passes and is faster.
  @inlinable
  public func step<Landscape: EnergyLandscape>(
    _ state: inout FIREState<Landscape.Scalar>, on landscape: inout Landscape
  ) {
    typealias S = Landscape.Scalar
    let control = StepControl(self)
    let dt = state.timeStep
    let α = state.mixing
    let halfStep = 0.5 * dt

    // Velocity Verlet with mass 1: half kick, drift (limited to the largest displacement), new
    // forces, half kick.
    for k in state.velocities.indices { state.velocities[k] += S.scaled(state.forces[k], by: halfStep) }
    var move = state.velocities.map { S.scaled($0, by: dt) }
    if let limit = maximumDisplacement { limitDisplacement(&move, to: limit) }
    state.energy = landscape.displace(&state.positions, along: move, scaledBy: 1, thenForcesInto: &state.forces)
    for k in state.velocities.indices { state.velocities[k] += S.scaled(state.forces[k], by: halfStep) }

    // The power P = F·v and the norms |F|, |v|.
    let sums = state.velocities.withUnsafeBufferPointer { v in
      state.forces.withUnsafeBufferPointer { f in
        FIRESums(of: StoredVelocities(velocities: v, forces: f), count: v.count, threads: landscape.threads)
      }
    }
    let power = sums.power.primalValue
    let forceNorm = S.sqrt(sums.squaredForce + S(control.forceNormRegularisation))
    let velocityNorm = S.sqrt(sums.squaredVelocity)

    // Mixing: v ← v + α(F̂|v| − v), turning v towards the force.
    let steering = velocityNorm / forceNorm
    for k in state.velocities.indices {
      let v = state.velocities[k]
      state.velocities[k] = v + S.scaled(state.forces[k] * steering - v, by: α)
    }

    // Step control: accelerate after n_min downhill steps, stop dead on an uphill one.
    state.stepsWithPositivePower = power >= 0 ? state.stepsWithPositivePower + 1 : 0
    if power > 0 && state.stepsWithPositivePower > minimumStepsBeforeAcceleration {
      state.timeStep = min(control.multiply(dt, control.timeStepIncrease), control.maximumTimeStep)
      state.mixing = control.multiply(α, control.mixingDecrease)
    }
    if power < 0 {
      state.timeStep = control.multiply(dt, control.timeStepDecrease)
      state.mixing = control.round(initialMixing)
      for k in state.velocities.indices { state.velocities[k] = 0 }
    }

    state.step += 1
    state.maximumForce = sums.largestForce
    // A non-finite velocity anywhere makes Σv² non-finite, a NaN force ΣF² (max() would skip it).
    state.isFinite = sums.squaredVelocity.isFinite && sums.squaredForce.isFinite
  }

  /// Why a run in `state` stops now, or `nil` while it goes on.
  @inlinable
  public func stopReason<Scalar>(_ state: FIREState<Scalar>) -> MinimizationStopReason? {
    if !state.isFinite { return .nonFinite }
    if state.maximumForce <= forceTolerance { return .forceTolerance }
    if state.step >= maximumSteps { return .maximumSteps }
    return nil
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

/// Scales a step so that no component exceeds `limit` (the factor is a constant, also for duals).
@inlinable
func limitDisplacement<S: RealScalar>(_ displacement: inout [S], to limit: Double) {
  var largest = 0.0
  for component in displacement { largest = max(largest, Swift.abs(component.primalValue)) }
  guard largest > limit else { return }
  let factor = limit / largest
  for index in displacement.indices { displacement[index] = S.scaled(displacement[index], by: factor) }
}
