import DualNumbers

/// The Fast Inertial Relaxation Engine (Bitzek, Koskinen, Gähler, Moseler & Gumbsch,
/// Phys. Rev. Lett. 97, 170201, 2006), step for step as JAX-MD's `fire_descent`, mass 1:
///
///     x ← shift(x, dt·v + dt²·F_old)
///     F ← F(x);   v ← v + dt/2·(F_old + F)
///     P = F·v;    v ← v + α(F·|v|/|F| − v),   |F| = √(ΣF² + 10⁻⁶)
///     P > 0 for more than n_min steps: dt ← min(dt·f_inc, dt_max), α ← α·f_α
///     P < 0: dt ← dt·f_dec, α ← α_start, v ← 0
///
/// (the dt² rather than dt²/2 in the position update, and the 10⁻⁶ inside |F|, are JAX-MD's and are
/// kept so that trajectories can be compared). Written generically: run on dual numbers, the same
/// iterations carry derivatives with respect to whatever the positions or forces were seeded with.
public struct FIRE: Minimizer, Sendable {
  public var initialTimeStep = 0.1
  public var maximumTimeStep = 0.4
  /// n_min: steps with P > 0 before dt grows and α shrinks.
  public var minimumStepsBeforeAcceleration = 5
  public var timeStepIncrease = 1.1
  public var timeStepDecrease = 0.5
  public var initialMixing = 0.1
  public var mixingDecrease = 0.99
  /// Stop when max |Fᵢₖ| ≤ this (energy / length units). Zero runs the full step budget.
  public var forceTolerance: Double
  public var maximumSteps: Int

  public init(forceTolerance: Double = 1e-12, maximumSteps: Int = 100_000) {
    self.forceTolerance = forceTolerance
    self.maximumSteps = maximumSteps
  }

  public func minimize<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from start: [Landscape.Scalar],
    every interval: Int, observer: MinimizationObserver<Landscape.Scalar>?
  ) -> MinimizationResult<Landscape.Scalar> {
    typealias S = Landscape.Scalar
    let count = start.count
    var positions = start
    var velocities = [S](repeating: 0, count: count)
    var forces = [S](repeating: 0, count: count)
    var oldForces = [S](repeating: 0, count: count)
    var displacement = [S](repeating: 0, count: count)
    var energy = landscape.forces(at: positions, into: &forces)
    var timeStep = initialTimeStep
    var mixing = initialMixing
    var stepsWithPositivePower = 0
    var (maximumForce, finite) = largestComponent(forces)
    var step = 0
    func stopReason() -> MinimizationStopReason? {
      if !finite { return .nonFinite }
      if maximumForce <= forceTolerance { return .forceTolerance }
      if step >= maximumSteps { return .maximumSteps }
      return nil
    }
    observer?(0, positions, energy, maximumForce)
    while stopReason() == nil {
      step += 1
      let squaredTimeStep = timeStep * timeStep
      for index in 0..<count {
        displacement[index] = S.scaled(velocities[index], by: timeStep) + S.scaled(forces[index], by: squaredTimeStep)
      }
      landscape.displace(&positions, by: displacement)
      swap(&oldForces, &forces)
      energy = landscape.forces(at: positions, into: &forces)

      var squaredForce: S = 0
      var squaredVelocity: S = 0
      var power: S = 0
      let halfStep = 0.5 * timeStep
      for index in 0..<count {
        let velocity = velocities[index] + S.scaled(oldForces[index] + forces[index], by: halfStep)
        velocities[index] = velocity
        squaredForce += forces[index] * forces[index]
        squaredVelocity += velocity * velocity
        power += forces[index] * velocity
      }
      let forceNorm = S.sqrt(squaredForce + S(1e-6))
      let velocityNorm = S.sqrt(squaredVelocity)
      let steering = velocityNorm / forceNorm
      for index in 0..<count {
        velocities[index] += S.scaled(forces[index] * steering - velocities[index], by: mixing)
      }

      let p = power.primalValue
      stepsWithPositivePower = p >= 0 ? stepsWithPositivePower + 1 : 0
      if p > 0 && stepsWithPositivePower > minimumStepsBeforeAcceleration {
        timeStep = min(timeStep * timeStepIncrease, maximumTimeStep)
        mixing *= mixingDecrease
      }
      if p < 0 {
        timeStep *= timeStepDecrease
        mixing = initialMixing
        for index in 0..<count { velocities[index] = 0 }
      }
      (maximumForce, finite) = largestComponent(forces)
      if let observer, interval > 0, step % interval == 0 { observer(step, positions, energy, maximumForce) }
    }
    return MinimizationResult(positions: positions, forces: forces, energy: energy, steps: step,
                              maximumForce: maximumForce, stopReason: stopReason()!)
  }
}
