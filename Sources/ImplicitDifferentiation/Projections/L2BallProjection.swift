import DualNumbers

/// Euclidean projection onto the ℓ2 ball B₂(r) = {x : ‖x‖₂ ≤ r}, r > 0
/// (jaxopt's `projection_l2_ball(x, max_value=r)`).
///
/// P(y) = y when ‖y‖₂ ≤ r, otherwise r·y/‖y‖₂. θ = [] uses the stored radius, θ = [r] reads it.
/// Outside the ball ∂P/∂y = (r/‖y‖)(I − ŷŷᵀ) with ŷ = y/‖y‖, and ∂P/∂r = ŷ.
public struct L2BallProjection: Projection {
  /// The radius used when θ is empty.
  public let radius: Double

  @inlinable
  public init(radius: Double = 1) {
    precondition(radius > 0, "the ℓ2 ball's radius must be positive, got \(radius)")
    self.radius = radius
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    let r: S = ProjectionKernels.scalarParameter(parameters, stored: radius, name: "r")
    let squaredNorm = ProjectionKernels.squaredNorm(y)
    // Compare squares: the square root (and its derivative, infinite at 0) is only needed when
    // y is outside the ball, hence nonzero.
    if squaredNorm.primalValue <= r.primalValue * r.primalValue { return y }
    let factor = r / S.sqrt(squaredNorm)
    return y.map { $0 * factor }
  }
}
