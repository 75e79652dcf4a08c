/// Preconditioned conjugate gradients (Hestenes–Stiefel) for A·x = b with A symmetric positive
/// definite, or positive semidefinite with b in the range of A (consistent; e.g. a Hessian with its
/// translation modes, when b is orthogonal to them).
///
/// Each iteration: αₖ = rₖᵀzₖ / pₖᵀA pₖ, xₖ₊₁ = xₖ + αₖ pₖ, rₖ₊₁ = rₖ − αₖ A pₖ, zₖ₊₁ = M⁻¹ rₖ₊₁,
/// βₖ = rₖ₊₁ᵀzₖ₊₁ / rₖᵀzₖ, pₖ₊₁ = zₖ₊₁ + βₖ pₖ. The preconditioner M must be symmetric positive
/// definite. One product with A per iteration; `iterations` counts them (plus none for the final
/// residual check, which is not counted).
///
/// Stops with `.breakdown("non-positive curvature …")` when pᵀAp ≤ 0 (A is not positive
/// semidefinite, or the system is inconsistent) and `.breakdown("preconditioner not positive definite")`
/// when rᵀM⁻¹r ≤ 0.
public struct ConjugateGradient: KrylovSolver {
  public var settings: KrylovSettings

  public var name: String { "cg" }

  public init(tolerance: Double = 1e-10, maximumIterations: Int = 10_000,
              preconditioner: (any Preconditioner)? = nil, stagnationWindow: Int = 500) {
    settings = KrylovSettings(tolerance: tolerance, maximumIterations: maximumIterations,
                              preconditioner: preconditioner, stagnationWindow: stagnationWindow)
  }

  public func solve(_ linearOperator: some LinearOperator, _ b: [Double],
                    initialGuess: [Double]?) -> LinearSolveResult {
    var x: [Double]
    let normOfB: Double
    switch SolverSupport.start(linearOperator, b, initialGuess: initialGuess) {
    case .finished(let result): return result
    case .iterate(let start, let norm): x = start; normOfB = norm
    }
    let n = b.count
    var preconditioned = [Double](repeating: 0, count: n)
    var direction = [Double](repeating: 0, count: n)
    var product = [Double](repeating: 0, count: n)
    var monitor = StagnationMonitor(window: stagnationWindow)
    let target = tolerance * normOfB

    return SolverSupport.solveInCycles(
      linearOperator, b, x: &x, normOfB: normOfB, tolerance: tolerance,
      maximumIterations: maximumIterations
    ) { x, residual, _, iterations in
      func precondition(_ residual: [Double], into result: inout [Double]) {
        if let preconditioner { preconditioner.apply(residual, into: &result) }
        else { VectorOperations.copy(residual, into: &result) }
      }
      precondition(residual, into: &preconditioned)
      VectorOperations.copy(preconditioned, into: &direction)
      var residualDotPreconditioned = VectorOperations.dot(residual, preconditioned)
      guard residualDotPreconditioned.isFinite else { return .stopped(.nonFinite) }
      guard residualDotPreconditioned > 0 else {
        return .stopped(.breakdown("preconditioner not positive definite"))
      }
      while iterations < maximumIterations {
        linearOperator.apply(direction, into: &product)
        let curvature = VectorOperations.dot(direction, product)
        guard curvature.isFinite else { return .stopped(.nonFinite) }
        guard curvature > 0 else {
          return .stopped(.breakdown("non-positive curvature pᵀAp = \(curvature)"))
        }
        let alpha = residualDotPreconditioned / curvature
        VectorOperations.axpy(alpha, direction, &x)
        VectorOperations.axpy(-alpha, product, &residual)
        iterations += 1
        let residualNorm = VectorOperations.norm(residual)
        guard residualNorm.isFinite else { return .stopped(.nonFinite) }
        if residualNorm <= target { return .estimateConverged }
        if monitor.stagnated(after: residualNorm) { return .stopped(.stagnated) }
        precondition(residual, into: &preconditioned)
        let next = VectorOperations.dot(residual, preconditioned)
        guard next.isFinite else { return .stopped(.nonFinite) }
        guard next > 0 else { return .stopped(.breakdown("preconditioner not positive definite")) }
        let beta = next / residualDotPreconditioned
        residualDotPreconditioned = next
        VectorOperations.xpby(preconditioned, beta, &direction)
      }
      return .stopped(.maximumIterationsReached)
    }
  }
}
