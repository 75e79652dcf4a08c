import DualNumbers

/// Entropic (Kullback–Leibler) projection onto the positive orthant, expressed in mirror
/// coordinates: P(y) = exp(y), componentwise.
///
/// With the generating function φ(x) = Σᵢ xᵢ log xᵢ − xᵢ, the mirror map is ∇φ(x) = log x and its
/// inverse ∇φ*(y) = exp(y). The Bregman projection argmin_{x ≥ 0} D_φ(x, ∇φ*(y)) of any point
/// already in the (open) orthant is the point itself, so the whole projection is the inverse mirror
/// map: exp(y) is the next iterate of mirror descent on the non-negative orthant after the step
/// y = log x − η ∇f(x) (the `projection_grad` jaxopt's `MirrorDescent.make_projection_grad` builds
/// from `mapping_fun = log` and this projection). The result is positive, never zero: a KL
/// projection cannot reach the orthant's boundary. θ is ignored (pass `[]`); ∂P/∂y = diag(exp(y)).
public struct EntropicOrthantProjection: Projection {
  @inlinable
  public init() {}

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    y.map { S.exp($0) }
  }
}
