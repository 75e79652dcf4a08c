import DualNumbers

/// Everything FIRE 2.0 carries from one iteration to the next (LAMMPS's `min_style fire`), at the
/// end of an iteration, mass 1.
///
/// ``FIRE2/start(_:from:)`` makes the state before the first iteration and ``FIRE2/step(_:on:)``
/// advances it by one.
public struct FIRE2State<Scalar: RealScalar> {
  /// x, as the landscape keeps them (wrapped into a periodic cell) (length units).
  public var positions: [Scalar]
  /// v after the iteration's integration (length / time units).
  public var velocities: [Scalar]
  /// F = −∇E(x) (energy / length units).
  public var forces: [Scalar]
  /// E(x) (energy units).
  public var energy: Scalar
  /// E before the last iteration's move (LAMMPS's `eprevious`; E itself before the first).
  public var previousEnergy: Scalar
  /// dt, the time step the next iteration starts from (time units).
  public var timeStep: Double
  /// α, the weight of the force direction in the mixing v ← (1 − α)v + α|v|F̂.
  public var mixing: Double
  /// Iterations taken since ``FIRE2/start(_:from:)``.
  public var step: Int
  /// The last iteration whose power P = F·v was not positive (0 before the first).
  public var lastUphillStep: Int
  /// Consecutive iterations with P ≤ 0 (LAMMPS's `vdotf_negatif`).
  public var uphillSteps: Int
  /// P = F·v, Σv² and ΣF² at the end of the iteration: what the next one steers with.
  public var power: Scalar
  public var squaredVelocity: Scalar
  public var squaredForce: Scalar
  /// max |Fᵢₖ| (primal values).
  public var maximumForce: Double
  /// Whether the positions, the forces and the velocities are all finite.
  public var isFinite: Bool
  /// Force evaluations, the one at the start included.
  public var forceEvaluations: Int

  @inlinable
  public init(positions: [Scalar], velocities: [Scalar], forces: [Scalar], energy: Scalar, timeStep: Double,
              mixing: Double, step: Int = 0, lastUphillStep: Int = 0, uphillSteps: Int = 0, power: Scalar,
              squaredVelocity: Scalar, squaredForce: Scalar, maximumForce: Double, isFinite: Bool,
              forceEvaluations: Int) {
    self.positions = positions
    self.velocities = velocities
    self.forces = forces
    self.energy = energy
    previousEnergy = energy
    self.timeStep = timeStep
    self.mixing = mixing
    self.step = step
    self.lastUphillStep = lastUphillStep
    self.uphillSteps = uphillSteps
    self.power = power
    self.squaredVelocity = squaredVelocity
    self.squaredForce = squaredForce
    self.maximumForce = maximumForce
    self.isFinite = isFinite
    self.forceEvaluations = forceEvaluations
  }
}
