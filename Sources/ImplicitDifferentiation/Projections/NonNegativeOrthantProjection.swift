import DualNumbers

/// Euclidean projection onto the non-negative orthant C = {x : x ≥ 0}.
///
/// P(y)ᵢ = max(yᵢ, 0). The set has no parameters: θ is ignored (pass `[]`).
/// The Jacobian is diag(𝟙[yᵢ > 0]); at yᵢ = 0 the zero branch is taken (the choice JAX's `relu`
/// also makes), which is a valid element of the Clarke Jacobian.
public struct NonNegativeOrthantProjection: Projection {
  @inlinable
  public init() {}

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    y.map { $0.primalValue > 0 ? $0 : S(0) }
  }
}
