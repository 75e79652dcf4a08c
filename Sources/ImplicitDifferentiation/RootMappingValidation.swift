import LinearAlgebra

extension RootMapping {
  /// J·dθ at an approximate root x̂ of F(·, θ) together with its ``RootValidityReport``: the residual
  /// F(x̂, θ), the solve, the spectrum of A and the Theorem-1 ``ErrorEstimate``, with the displaced
  /// linear maps taken from F itself at x̂ ± εu.
  ///
  /// - Parameters:
  ///   - state: x̂, the root as a solver returned it (exact or not).
  ///   - parameters: θ.
  ///   - parameterTangent: dθ.
  ///   - linearSolver: any solver; nil: ``SolverChoice`` with its defaults.
  ///   - nullSpace: a known null space of A.
  ///   - options: see ``ValidationOptions``; the default difference step is 1e-6·max(1, ‖x̂‖∞).
  /// - Throws: what ``rootJacobianVectorProduct(_:parameterTangent:linearSolver:nullSpace:)`` throws,
  ///   and ``ImplicitDifferentiationError/dimensionMismatch(quantity:expected:actual:)`` or
  ///   ``ImplicitDifferentiationError/nonFinite(quantity:index:)`` for a bad F(x̂, θ).
  public func validatedJacobianVectorProduct(
    at state: [Double], parameters: [Double], along parameterTangent: [Double],
    linearSolver: (any LinearSolver)? = nil, nullSpace: NullSpace? = nil,
    options: ValidationOptions = ValidationOptions()
  ) throws -> (product: ImplicitProduct, validity: RootValidityReport) {
    let residual = self(state, parameters)
    try requireCount(residual, state.count, "optimality mapping output F(x̂, θ)")
    try requireFinite(residual, "optimality mapping output F(x̂, θ)")
    let linearization = self.linearization(at: state, parameters)
    let product = try rootJacobianVectorProduct(
      linearization, parameterTangent: parameterTangent, linearSolver: linearSolver, nullSpace: nullSpace)
    let report = validateRoot(
      linearization, residual: residual, parameterTangent: parameterTangent, product: product,
      nullSpace: nullSpace, options: options, state: state,
      linearizationAt: { displacement in
        self.linearization(at: zip(state, displacement).map { $0 + $1 }, parameters)
      })
    return (product, report)
  }
}
