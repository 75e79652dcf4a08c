import DualNumbers

/// What the argument y of an entropic projection is.
public enum EntropicProjectionArgument: Sendable, Hashable {
  /// y is in mirror (log) coordinates, y = log u for the positive point u being projected: the
  /// argument mirror descent hands its projection, y = log x − η ∇f(x). Any real y is valid.
  case logarithm
  /// y is the positive point u itself.
  case point
}

/// Entropic (Kullback–Leibler) projection onto the scaled simplex Δ_r = {x ≥ 0, Σᵢ xᵢ = r}.
///
/// For a positive point u, argmin_{x ∈ Δ_r} KL(x, u) = r·u / Σⱼ uⱼ (KL(x, u) = Σ xᵢ log(xᵢ/uᵢ) − xᵢ + uᵢ;
/// the multiplier of Σx = r rescales u). The convention for y follows jaxopt:
/// - ``EntropicProjectionArgument/logarithm`` (default): y = log u, P(y) = r·softmax(y). This is
///   the `kl_projection` jaxopt pairs with `mapping_fun = ∇φ = log` (φ(x) = Σ x log x − x) in
///   `MirrorDescent.make_projection_grad`, whose update is softmax(log x − η ∇f(x)): the
///   exponentiated-gradient step. Shifting y by a constant leaves P unchanged.
/// - ``EntropicProjectionArgument/point``: y = u > 0, P(y) = r·y / Σ y.
///
/// Euclidean projection onto the same set is ``SimplexProjection`` (jaxopt's `projection_simplex`),
/// which is sparse; this one is always strictly positive and smooth:
/// ∂P/∂y = diag(p) − p pᵀ/r for the logarithm argument (p = P(y)), and ∂P/∂r = p/r.
/// θ = [] uses the stored radius r (1 by default), θ = [r] reads it.
public struct EntropicSimplexProjection: Projection {
  /// The sum r used when θ is empty.
  public let radius: Double
  /// Whether y is log u (mirror coordinates) or u.
  public let argument: EntropicProjectionArgument

  @inlinable
  public init(radius: Double = 1, argument: EntropicProjectionArgument = .logarithm) {
    precondition(radius > 0, "the simplex's sum must be positive, got \(radius)")
    self.radius = radius
    self.argument = argument
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    precondition(!y.isEmpty, "cannot project an empty vector onto the simplex")
    let r: S = ProjectionKernels.scalarParameter(parameters, stored: radius, name: "r")
    let weights: [S]
    switch argument {
    case .logarithm:
      // Softmax is invariant under a constant shift; subtracting the largest primal value keeps
      // every exponential in (0, 1] (no overflow) and changes no derivative.
      var largest = y[0].primalValue
      for value in y { largest = Swift.max(largest, value.primalValue) }
      let shift = S(largest)
      weights = y.map { S.exp($0 - shift) }
    case .point:
      precondition(y.allSatisfy { $0.primalValue > 0 },
                   "the KL projection of a point needs positive components")
      weights = y
    }
    var total = S(0)
    for weight in weights { total += weight }
    let factor = r / total
    return weights.map { $0 * factor }
  }
}
