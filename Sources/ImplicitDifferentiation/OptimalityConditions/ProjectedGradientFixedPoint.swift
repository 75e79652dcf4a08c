import DualNumbers

/// The fixed point of projected gradient descent for min_{x ∈ C(θ_C)} f(x, θ_f) (Table 1 of
/// Blondel et al.):
///
///     T(x, θ) = P_C(x − η∇₁f(x, θ_f), θ_C),   F = T − x.
///
/// The projection is any generic ``Projection``, differentiated automatically with respect to its
/// input and to the set's parameters θ_C.
public struct ProjectedGradientFixedPoint<Function: Objective, SetProjection: Projection>:
  FixedPointMapping
{
  public var objective: Function
  public var projection: SetProjection
  /// η > 0.
  public var stepSize: Double
  /// The components of θ passed to f (nil: all).
  public var objectiveParameters: Range<Int>?
  /// The components of θ passed to the projection (nil: all).
  public var projectionParameters: Range<Int>?

  public init(
    objective: Function, projection: SetProjection, stepSize: Double,
    objectiveParameters: Range<Int>? = nil, projectionParameters: Range<Int>? = nil
  ) {
    self.objective = objective
    self.projection = projection
    self.stepSize = stepSize
    self.objectiveParameters = objectiveParameters
    self.projectionParameters = projectionParameters
  }

  /// P_C(x − η∇₁f(x, θ_f), θ_C).
  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    let gradient = objective.gradient(x, selectParameters(θ, objectiveParameters))
    var step = x
    for index in step.indices { step[index] -= S.scaled(gradient[index], by: stepSize) }
    return projection(step, selectParameters(θ, projectionParameters))
  }
}
