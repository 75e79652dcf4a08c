import DualNumbers

/// The proximal operator of the indicator ι_C of a convex set (0 on C, +∞ outside): the projection.
///
///     prox_{η ι_C}(y) = argmin_{x ∈ C} ½‖x − y‖² = P_C(y)   for every η > 0,
///
/// so proximal-gradient code handles constraints with the same interface as penalties (projected
/// gradient descent is proximal gradient descent with this operator). θ is passed to the projection
/// unchanged; η is ignored (its derivative is zero). The wrapped projection should be Euclidean:
/// an entropic projection is a Bregman prox, not the Euclidean one this protocol promises.
public struct IndicatorProximalOperator<SetProjection: Projection>: ProximalOperator {
  /// The Euclidean projection onto C.
  public let projection: SetProjection

  @inlinable
  public init(_ projection: SetProjection) {
    self.projection = projection
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S], scaling η: S) -> [S] {
    projection(y, parameters)
  }
}
