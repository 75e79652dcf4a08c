import DualNumbers

/// A Euclidean or Bregman projection P(y, θ) onto a convex set C(θ), written once generically so
/// that dual numbers (and any other `RealScalar`) differentiate it with respect to both the point
/// y and the set's parameters θ (a radius, a box's bounds, an affine set's right-hand side).
///
/// Sets without parameters ignore θ (pass `[]`).
public protocol Projection: Sendable {
  /// P(y, θ) = argmin_{x ∈ C(θ)} D(x, y), with D the squared Euclidean distance or a Bregman
  /// divergence (KL for the entropic projections).
  func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S]
}

/// A proximal operator prox_{η·g(·, θ)}(y) = argmin_x ½‖x − y‖² + η·g(x, θ), written once generically
/// for the same reason as ``Projection``; θ holds the regulariser's strengths (λ of the lasso, ...).
public protocol ProximalOperator: Sendable {
  func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S], scaling η: S) -> [S]
}
