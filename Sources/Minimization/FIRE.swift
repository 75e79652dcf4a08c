import DualNumbers
import Particles

/// The Fast Inertial Relaxation Engine (Bitzek, Koskinen, Gähler, Moseler & Gumbsch,
/// Phys. Rev. Lett. 97, 170201, 2006), step for step as JAX-MD 0.2.29's `fire_descent`, mass 1:
///
///     v ← v + dt/2·F;   x ← shift(x, dt·v);   F ← F(x);   v ← v + dt/2·F     (velocity Verlet)
///     P = F·v;   v ← v + α(F·|v|/|F| − v),   |F| = √(ΣF² + 10⁻⁶)
///     P ≥ 0 counts up n_pos (P < 0 resets it); P > 0 and n_pos > n_min: dt ← min(dt·f_inc, dt_max),
///     α ← α·f_α;   P < 0: dt ← dt·f_dec, α ← α_start, v ← 0
///
/// (the 10⁻⁶ inside |F| is JAX-MD's and is kept so that trajectories can be compared). Written
/// generically: run on dual numbers, the same iterations carry derivatives with respect to whatever
/// the positions or forces were seeded with.
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
  public var initialTimeStep = 0.1
  public var maximumTimeStep = 0.4
  /// n_min: steps with P > 0 before dt grows and α shrinks.
  public var minimumStepsBeforeAcceleration = 5
  public var timeStepIncrease = 1.1
  public var timeStepDecrease = 0.5
  public var initialMixing = 0.1
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

  @inlinable
  public func minimize<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from start: [Landscape.Scalar],
    every interval: Int, observer: MinimizationObserver<Landscape.Scalar>?
  ) -> MinimizationResult<Landscape.Scalar> {
    typealias S = Landscape.Scalar
    let count = start.count
    var positions = start
    // v(t + dt/2) between steps (see FIREPasses.swift).
    var velocities = [S](repeating: 0, count: count)
    var forces = [S](repeating: 0, count: count)
    // F before the move, read by the kick while the landscape writes the new forces into `forces`.
    var previousForces = [S](repeating: 0, count: count)
    var displacement = [S](repeating: 0, count: maximumDisplacement == nil ? 0 : count)
    var energy = landscape.forces(at: positions, into: &forces)
    let control = StepControl(self)
    var timeStep = control.round(initialTimeStep)
    var mixing = control.round(initialMixing)
    var stepsWithPositivePower = 0
    var (maximumForce, finite) = largestComponent(forces)
    finite = finite && largestComponent(positions).finite
    var step = 0
    func stopReason() -> MinimizationStopReason? {
      if !finite { return .nonFinite }
      if maximumForce <= forceTolerance { return .forceTolerance }
      if step >= maximumSteps { return .maximumSteps }
      return nil
    }
    observer?(0, positions, energy, maximumForce)
    let threads = landscape.threads
    // The end of each step (v ← v + α(F·|v|/|F| − v), then v ← 0 if P < 0) is carried into the next
    // step's kick: the same arithmetic in the same order, one pass over v and F fewer.
    var turn: VelocityTurn<S>? = nil
    while stopReason() == nil {
      step += 1
      let halfStep = 0.5 * timeStep
      swap(&forces, &previousForces)
      if let limit = maximumDisplacement {
        // Δ = dt·v is formed and scaled down as a whole; the landscape adds it as it is.
        kick(&velocities, forces: previousForces, after: turn, halfStep: halfStep, threads: threads)
        for index in displacement.indices { displacement[index] = S.scaled(velocities[index], by: timeStep) }
        limitDisplacement(&displacement, to: limit)
        energy = landscape.displace(&positions, along: displacement, scaledBy: 1, thenForcesInto: &forces)
      } else {
        energy = velocities.withUnsafeMutableBufferPointer { velocities in
          previousForces.withUnsafeBufferPointer { previousForces in
            let move = KickAndDrift(velocities: velocities, forces: previousForces, after: turn,
                                    halfStep: halfStep, timeStep: timeStep)
            return landscape.displace(&positions, by: move, thenForcesInto: &forces)
          }
        }
      }
      let sums = completedStepSums(velocities: velocities, forces: forces, halfStep: halfStep, threads: threads)
      maximumForce = sums.largestForce
      // A non-finite velocity anywhere makes Σv² non-finite, a NaN force ΣF² (max() would skip it).
      finite = sums.squaredVelocity.isFinite && sums.squaredForce.isFinite
      let forceNorm = S.sqrt(sums.squaredForce + S(control.forceNormRegularisation))
      let velocityNorm = S.sqrt(sums.squaredVelocity)
      let p = sums.power.primalValue
      turn = VelocityTurn(halfStep: halfStep, steering: velocityNorm / forceNorm, mixing: mixing, stop: p < 0)

      stepsWithPositivePower = p >= 0 ? stepsWithPositivePower + 1 : 0
      if p > 0 && stepsWithPositivePower > minimumStepsBeforeAcceleration {
        timeStep = min(control.multiply(timeStep, control.timeStepIncrease), control.maximumTimeStep)
        mixing = control.multiply(mixing, control.mixingDecrease)
      }
      if p < 0 {
        timeStep = control.multiply(timeStep, control.timeStepDecrease)
        mixing = control.round(initialMixing)
      }
      if let observer, interval > 0, step % interval == 0 { observer(step, positions, energy, maximumForce) }
    }
    return MinimizationResult(positions: positions, forces: forces, energy: energy, steps: step,
                              maximumForce: maximumForce, stopReason: stopReason()!)
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

/// FIRE's dt and α arithmetic in the chosen precision.
@usableFromInline
struct StepControl {
  @usableFromInline let arithmetic: FIRE.ControlArithmetic
  @usableFromInline let timeStepIncrease: Double
  @usableFromInline let timeStepDecrease: Double
  @usableFromInline let maximumTimeStep: Double
  @usableFromInline let mixingDecrease: Double
  @usableFromInline let forceNormRegularisation: Double

  @usableFromInline
  init(_ fire: FIRE) {
    arithmetic = fire.controlArithmetic
    forceNormRegularisation = 1e-6
    func rounded(_ x: Double) -> Double { fire.controlArithmetic == .jaxMD ? Double(Float16(x)) : x }
    timeStepIncrease = rounded(fire.timeStepIncrease)
    timeStepDecrease = rounded(fire.timeStepDecrease)
    maximumTimeStep = rounded(fire.maximumTimeStep)
    mixingDecrease = rounded(fire.mixingDecrease)
  }

  @usableFromInline
  func round(_ x: Double) -> Double { arithmetic == .jaxMD ? Double(Float16(x)) : x }

  /// x·y rounded as JAX-MD rounds a float16 product.
  @usableFromInline
  func multiply(_ x: Double, _ y: Double) -> Double {
    arithmetic == .jaxMD ? Double(Float16(x) * Float16(y)) : x * y
  }

}
