import DualNumbers

/// Everything FIRE carries from one step to the next (Bitzek et al. 2006; JAX-MD's
/// `FireDescentState`), at the end of a step: time t, mass 1.
///
/// ``FIRE/start(_:from:)`` makes the state at t = 0 (v = 0, dt = dt_start, α = α_start) and
/// ``FIRE/step(_:on:)`` advances it by one step.
public struct FIREState<Scalar: RealScalar> {
  /// x(t), as the landscape keeps them (wrapped into a periodic cell) (length units).
  public var positions: [Scalar]
  /// v(t) after FIRE's mixing, zero after a step with negative power (length / time units).
  public var velocities: [Scalar]
  /// F(t) = −∇E(x(t)) (energy / length units).
  public var forces: [Scalar]
  /// E(x(t)) (energy units).
  public var energy: Scalar
  /// dt, the time step of the next step (time units).
  public var timeStep: Double
  /// α, the weight of the force direction in the next mixing v ← (1 − α)v + α|v|F̂.
  public var mixing: Double
  /// n_pos: consecutive steps with power P = F·v ≥ 0, reset to 0 by a step with P < 0.
  public var stepsWithPositivePower: Int
  /// Steps taken since ``FIRE/start(_:from:)``.
  public var step: Int
  /// max |Fᵢₖ(t)| (primal values).
  public var maximumForce: Double
  /// Whether the positions, the forces and the velocities are all finite.
  public var isFinite: Bool

  @inlinable
  public init(positions: [Scalar], velocities: [Scalar], forces: [Scalar], energy: Scalar, timeStep: Double,
              mixing: Double, stepsWithPositivePower: Int = 0, step: Int = 0, maximumForce: Double,
              isFinite: Bool) {
    self.positions = positions
    self.velocities = velocities
    self.forces = forces
    self.energy = energy
    self.timeStep = timeStep
    self.mixing = mixing
    self.stepsWithPositivePower = stepsWithPositivePower
    self.step = step
    self.maximumForce = maximumForce
    self.isFinite = isFinite
  }
}
