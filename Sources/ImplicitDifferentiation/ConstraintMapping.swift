import DualNumbers

/// A vector-valued constraint function of the primal variables and the parameters: the equality
/// constraints H(z, θ) = 0 or the inequality constraints G(z, θ) ≤ 0 of ``KarushKuhnTuckerConditions``.
public protocol ConstraintMapping {
  /// The number of constraints (the number of components returned).
  var constraintCount: Int { get }
  /// The constraint values at (z, θ).
  func callAsFunction<S: RealScalar>(_ z: [S], _ θ: [S]) -> [S]
}

/// No constraints: the placeholder for a problem without equality or without inequality constraints.
public struct NoConstraints: ConstraintMapping, Sendable {
  public init() {}
  public var constraintCount: Int { 0 }
  @inlinable
  public func callAsFunction<S: RealScalar>(_ z: [S], _ θ: [S]) -> [S] { [] }
}
