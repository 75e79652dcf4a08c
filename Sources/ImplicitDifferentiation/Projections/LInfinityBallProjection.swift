import DualNumbers

/// Euclidean projection onto the ℓ∞ ball B∞(r) = {x : maxᵢ |xᵢ| ≤ r} = [−r, r]ᵈ, r > 0
/// (jaxopt's `projection_linf_ball(x, max_value=r)`).
///
/// P(y)ᵢ = min(max(yᵢ, −r), r): the box projection with symmetric bounds. θ = [] uses the stored
/// radius, θ = [r] reads it; ∂P/∂r = sign(yᵢ) on the clamped components, 0 elsewhere.
public struct LInfinityBallProjection: Projection {
  /// The radius used when θ is empty.
  public let radius: Double

  @inlinable
  public init(radius: Double = 1) {
    precondition(radius > 0, "the ℓ∞ ball's radius must be positive, got \(radius)")
    self.radius = radius
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    let r: S = ProjectionKernels.scalarParameter(parameters, stored: radius, name: "r")
    return y.map { value in
      if value > r { return r }
      if value < -r { return -r }
      return value
    }
  }
}
