import DualNumbers

/// The stationarity condition of an unconstrained problem min_x f(x, θ) (Table 1 of Blondel et al.):
///
///     F(x, θ) = ∇₁f(x, θ) = 0,   so   A = −∇²₁₁f,  B = ∂₂∇₁f.
///
/// A is symmetric, so VJPs reuse A; the products come from ``ObjectiveLinearization`` (reverse over
/// forward, one pass each, exact). At a strict local minimum A is negative definite, which is the
/// default ``structure``; set `.symmetric` for saddle points.
public struct StationaryPoint<Function: Objective>: RootMapping {
  public var objective: Function
  /// What is known about A = −∇²f at the solution.
  public var structure: LinearMapStructure

  public init(_ objective: Function, structure: LinearMapStructure = .symmetricNegativeDefinite) {
    self.objective = objective
    self.structure = structure
  }

  /// ∇₁f(x, θ), by reverse mode on any scalar type.
  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    objective.gradient(x, θ)
  }

  public func linearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization {
    ObjectiveLinearization(
      objective: objective, state: x, parameters: θ, gradientScale: 1, structure: structure)
  }
}
