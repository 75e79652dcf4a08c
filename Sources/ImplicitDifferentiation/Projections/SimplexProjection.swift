import DualNumbers

/// Euclidean projection onto the scaled probability simplex Δ_r = {x : x ≥ 0, Σᵢ xᵢ = r}, r > 0
/// (jaxopt's `projection_simplex(x, value=r)`).
///
/// P(y)ᵢ = max(yᵢ − τ, 0), where the threshold τ solves Σᵢ max(yᵢ − τ, 0) = r. Sorting y in
/// decreasing order (μ₁ ≥ μ₂ ≥ …) gives τ in closed form (Held et al. 1974; Duchi et al. 2008):
///
///     ρ = max{ j : μⱼ − (Σ_{k≤j} μₖ − r) / j > 0 },   τ = (Σ_{k≤ρ} μₖ − r) / ρ,
///
/// at O(d log d) cost for the sort. θ = [] uses the stored radius r (1 by default: the probability
/// simplex); θ = [r] reads it from the parameters, so that ∂P/∂r is available.
///
/// The sort and the choice of the support S = {i : yᵢ > τ} look at primal values only; τ itself is
/// then recomputed generically as (Σ_{i∈S} yᵢ − r) / |S|, so dual numbers give the a.e. Jacobian
///
///     ∂P/∂y = diag(s) − s sᵀ / |S|,   ∂P/∂r = s / |S|,   s = indicator of S,
///
/// the same one jaxopt obtains by differentiating its sort-based implementation.
public struct SimplexProjection: Projection {
  /// The sum r of the simplex used when θ is empty.
  public let radius: Double

  @inlinable
  public init(radius: Double = 1) {
    precondition(radius > 0, "the simplex's sum must be positive, got \(radius)")
    self.radius = radius
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    let r: S = ProjectionKernels.scalarParameter(parameters, stored: radius, name: "r")
    return Self.project(y, radius: r)
  }

  /// The projection of y onto {x ≥ 0, Σx = radius}, for callers that hold the radius as a scalar
  /// (the ℓ1-ball projection, a user's own composite set).
  @inlinable
  public static func project<S: RealScalar>(_ y: [S], radius: S) -> [S] {
    precondition(!y.isEmpty, "cannot project an empty vector onto the simplex")
    precondition(radius.primalValue > 0, "the simplex's sum must be positive, got \(radius.primalValue)")
    let cutoff = supportCutoff(y.map(\.primalValue), radius: radius.primalValue)
    // Generic pass, in the original order: threshold τ from the support's own entries.
    var supportSum = S(0)
    var supportSize = 0
    for value in y where value.primalValue >= cutoff {
      supportSum += value
      supportSize += 1
    }
    let threshold = (supportSum - radius) / S(Double(supportSize))
    return y.map { $0.primalValue >= cutoff ? $0 - threshold : S(0) }
  }

  /// The smallest entry of y kept in the support: μ_ρ of the sort-based formula. Ties are all in
  /// or all out (the condition at j + 1 equals the one at j when μⱼ₊₁ = μⱼ), so the support is
  /// exactly {i : yᵢ ≥ μ_ρ}.
  @inlinable
  static func supportCutoff(_ values: [Double], radius: Double) -> Double {
    var sorted = values
    sorted.sort(by: >)
    var cumulative = 0.0
    var cutoff = sorted[0]
    for (offset, value) in sorted.enumerated() {
      cumulative += value
      // The condition holds for j = 1 (it reads r > 0) and, once false, stays false.
      guard value - (cumulative - radius) / Double(offset + 1) > 0 else { break }
      cutoff = value
    }
    return cutoff
  }
}
