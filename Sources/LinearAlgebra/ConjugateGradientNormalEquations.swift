/// CGLS: conjugate gradients on the normal equations AᵀA x = Aᵀb without forming AᵀA (the stable
/// "CGNR" variant of Björck that recurs r = b − A x rather than AᵀA residuals).
///
/// Works for any A, square or rectangular, with products A·v and Aᵀ·v: the operator must conform to
/// ``TransposableLinearOperator`` (a plain ``LinearOperator`` yields
/// `.breakdown("transpose unavailable")`). Converges like CG on AᵀA, i.e. with the *square* of A's
/// condition number: use it when nothing else applies. Each iteration: q = A p, α = ‖s‖²/‖q‖²,
/// x += α p, r −= α q, s = Aᵀ r, β = ‖s‖²_new/‖s‖²_old, p = s + β p. One product with A and one with
/// Aᵀ per iteration; no preconditioner.
///
/// Convergence is judged on ‖b − A x‖ ≤ tolerance·‖b‖; for an inconsistent system (b not in the
/// range of A) the least-squares solution is reached with Aᵀr = 0, reported as
/// `.breakdown("Aᵀr = 0: least-squares solution of an inconsistent system")`.
public struct ConjugateGradientNormalEquations: LinearSolver {
  /// Stop when ‖b − A·x‖ ≤ tolerance·‖b‖.
  public var tolerance: Double
  public var maximumIterations: Int
  /// Iterations over which the best residual must improve by 0.1 % (0 disables the check).
  public var stagnationWindow: Int

  public var name: String { "cgnr" }

  public init(tolerance: Double = 1e-10, maximumIterations: Int = 10_000, stagnationWindow: Int = 500) {
    self.tolerance = tolerance
    self.maximumIterations = maximumIterations
    self.stagnationWindow = stagnationWindow
  }

  public func solve(_ linearOperator: some LinearOperator, _ b: [Double],
                    initialGuess: [Double]?) -> LinearSolveResult {
    guard let transposable = linearOperator as? any TransposableLinearOperator else {
      return LinearSolveResult(solution: [Double](repeating: 0, count: linearOperator.columnCount),
                               iterations: 0, relativeResidual: .infinity,
                               status: .breakdown("transpose unavailable"))
    }
    return solveNormalEquations(transposable, b, initialGuess: initialGuess)
  }

  /// Solves with an operator statically known to provide Aᵀ.
  public func solveNormalEquations(_ linearOperator: some TransposableLinearOperator, _ b: [Double],
                                   initialGuess: [Double]? = nil) -> LinearSolveResult {
    var x: [Double]
    let normOfB: Double
    switch SolverSupport.start(linearOperator, b, initialGuess: initialGuess, requiresSquare: false) {
    case .finished(let result): return result
    case .iterate(let start, let norm): x = start; normOfB = norm
    }
    let columns = linearOperator.columnCount
    var normalResidual = [Double](repeating: 0, count: columns)
    var direction = [Double](repeating: 0, count: columns)
    var product = [Double](repeating: 0, count: linearOperator.rowCount)
    var monitor = StagnationMonitor(window: stagnationWindow)
    let target = tolerance * normOfB
    let leastSquares = LinearSolveStatus.breakdown("Aᵀr = 0: least-squares solution of an inconsistent system")

    return SolverSupport.solveInCycles(
      linearOperator, b, x: &x, normOfB: normOfB, tolerance: tolerance,
      maximumIterations: maximumIterations
    ) { x, residual, _, iterations in
      linearOperator.applyTranspose(residual, into: &normalResidual)
      VectorOperations.copy(normalResidual, into: &direction)
      var gamma = VectorOperations.dot(normalResidual, normalResidual)
      guard gamma.isFinite else { return .stopped(.nonFinite) }
      guard gamma > 0 else { return .stopped(leastSquares) }
      while iterations < maximumIterations {
        linearOperator.apply(direction, into: &product)
        let delta = VectorOperations.dot(product, product)
        guard delta.isFinite else { return .stopped(.nonFinite) }
        guard delta > 0 else { return .stopped(.breakdown("A p = 0 for a search direction p ≠ 0")) }
        let alpha = gamma / delta
        VectorOperations.axpy(alpha, direction, &x)
        VectorOperations.axpy(-alpha, product, &residual)
        iterations += 1
        let residualNorm = VectorOperations.norm(residual)
        guard residualNorm.isFinite else { return .stopped(.nonFinite) }
        if residualNorm <= target { return .estimateConverged }
        if monitor.stagnated(after: residualNorm) { return .stopped(.stagnated) }
        linearOperator.applyTranspose(residual, into: &normalResidual)
        let next = VectorOperations.dot(normalResidual, normalResidual)
        guard next.isFinite else { return .stopped(.nonFinite) }
        guard next > 0 else { return .stopped(leastSquares) }
        VectorOperations.xpby(normalResidual, next / gamma, &direction)
        gamma = next
      }
      return .stopped(.maximumIterationsReached)
    }
  }
}
