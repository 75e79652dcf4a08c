import ImplicitDifferentiation

extension RidgeRegression {
  /// ∂x*/∂θ·dθ at the ridge solution x̂ (the Cholesky solution x*(θ) when not given) with the
  /// engine's `RootValidityReport`: ‖∇₁f(x̂, θ)‖, the solve, the spectrum of AᵀA + diag θ (the
  /// engine reports −A = ∇²f for the negative definite A = −∇²f) and the Theorem-1 estimate.
  ///
  /// Here A does not depend on x and B·dθ = diag(x)·dθ (or x·dθ for one weight), so the estimated
  /// Lipschitz constant is ‖dθ‖/λ_min (one weight) and the estimate grows with ‖∇₁f(x̂, θ)‖, which
  /// is the point of the check: it tells an inexact inner solution from an exact one.
  public func validatedDerivative(
    _ θ: [Double], along parameterTangent: [Double], at state: [Double]? = nil,
    options: ValidationOptions = ValidationOptions()
  ) throws -> (product: ImplicitProduct, validity: RootValidityReport) {
    let point = try state ?? solve(θ)
    return try StationaryPoint(objective).validatedJacobianVectorProduct(
      at: point, parameters: θ, along: parameterTangent, options: options)
  }
}
