import DualNumbers

/// Euclidean projection onto the ℓ1 ball B₁(r) = {x : ‖x‖₁ ≤ r}, r > 0
/// (jaxopt's `projection_l1_ball(x, max_value=r)`).
///
/// P(y) = y when ‖y‖₁ ≤ r; otherwise P(y) = sign(y) ⊙ P_Δr(|y|), the simplex projection of the
/// magnitudes (Duchi et al. 2008), i.e. soft thresholding sign(yᵢ) max(|yᵢ| − τ, 0) at the τ for
/// which the result has ℓ1 norm r. θ = [] uses the stored radius, θ = [r] reads it (∂P/∂r flows).
public struct L1BallProjection: Projection {
  /// The radius used when θ is empty.
  public let radius: Double

  @inlinable
  public init(radius: Double = 1) {
    precondition(radius > 0, "the ℓ1 ball's radius must be positive, got \(radius)")
    self.radius = radius
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    let r: S = ProjectionKernels.scalarParameter(parameters, stored: radius, name: "r")
    var norm = 0.0
    for value in y { norm += Swift.abs(value.primalValue) }
    if norm <= r.primalValue { return y }
    // Outside the ball the projection lies on its boundary and keeps every sign: project the
    // magnitudes onto the simplex of sum r, then restore the signs (with their derivatives).
    let magnitudes = SimplexProjection.project(y.map { S.abs($0) }, radius: r)
    var result = magnitudes
    for index in y.indices where y[index].primalValue < 0 {
      result[index] = -magnitudes[index]
    }
    return result
  }
}
