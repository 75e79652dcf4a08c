/// MINRES (Paige & Saunders 1975) for A·x = b with A symmetric, possibly indefinite or singular
/// (saddle points, Hessians at non-minimal stationary points).
///
/// The Lanczos process builds an orthonormal basis Vₖ of the Krylov space with A Vₖ = Vₖ₊₁ T̄ₖ
/// (T̄ₖ tridiagonal); xₖ = x₀ + Vₖ yₖ minimises ‖β₁e₁ − T̄ₖ yₖ‖, solved by Givens rotations so that
/// only three vectors of each recurrence are kept. With a preconditioner the method minimises the
/// residual in the M⁻¹-norm; M **must be symmetric positive definite** (for an indefinite A use, e.g.,
/// `JacobiPreconditioner(diagonal:usingAbsoluteValues: true)`); a preconditioner found to be
/// indefinite stops the solve with `.breakdown("preconditioner not positive definite")`.
///
/// One product with A per iteration. The recursive residual estimate is in the M⁻¹-norm; it is
/// rescaled to the 2-norm by the initial ratio and confirmed by the true residual before convergence
/// is declared.
public struct MINRES: KrylovSolver {
  public var settings: KrylovSettings

  public var name: String { "minres" }

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
    // Names follow Paige and Saunders' paper and SciPy's implementation.
    var v = [Double](repeating: 0, count: n)
    var y = [Double](repeating: 0, count: n)
    var r1 = [Double](repeating: 0, count: n)
    var r2 = [Double](repeating: 0, count: n)
    var w = [Double](repeating: 0, count: n)
    var w1 = [Double](repeating: 0, count: n)
    var w2 = [Double](repeating: 0, count: n)
    var monitor = StagnationMonitor(window: stagnationWindow)
    let target = tolerance * normOfB
    let notPositiveDefinite = LinearSolveStatus.breakdown("preconditioner not positive definite")

    return SolverSupport.solveInCycles(
      linearOperator, b, x: &x, normOfB: normOfB, tolerance: tolerance,
      maximumIterations: maximumIterations
    ) { x, residual, residualNorm, iterations in
      VectorOperations.copy(residual, into: &r1)
      VectorOperations.copy(residual, into: &r2)
      if let preconditioner { preconditioner.apply(r1, into: &y) } else { VectorOperations.copy(r1, into: &y) }
      let beta1Squared = VectorOperations.dot(r1, y)
      guard beta1Squared.isFinite else { return .stopped(.nonFinite) }
      guard beta1Squared > 0 else { return .stopped(notPositiveDefinite) }
      let beta1 = beta1Squared.squareRoot()
      // ‖r‖₂ / ‖r‖_{M⁻¹} at the start, to express the recursive estimate in the 2-norm.
      let normRatio = residualNorm / beta1
      var oldBeta = 0.0, beta = beta1
      var deltaBar = 0.0, epsilon = 0.0
      var phiBar = beta1
      var cosine = -1.0, sine = 0.0
      VectorOperations.setZero(&w)
      VectorOperations.setZero(&w2)
      var first = true
      while iterations < maximumIterations {
        VectorOperations.copy(y, into: &v)
        VectorOperations.scale(1 / beta, &v)
        linearOperator.apply(v, into: &y)
        if !first { VectorOperations.axpy(-beta / oldBeta, r1, &y) }
        first = false
        let alpha = VectorOperations.dot(v, y)
        VectorOperations.axpy(-alpha / beta, r2, &y)
        swap(&r1, &r2)
        VectorOperations.copy(y, into: &r2)
        if let preconditioner { preconditioner.apply(r2, into: &y) } else { VectorOperations.copy(r2, into: &y) }
        oldBeta = beta
        let betaSquared = VectorOperations.dot(r2, y)
        guard alpha.isFinite, betaSquared.isFinite else { return .stopped(.nonFinite) }
        guard betaSquared >= 0 else { return .stopped(notPositiveDefinite) }
        beta = betaSquared.squareRoot()

        // Apply the previous rotation to the new column of T̄, then a new rotation that
        // annihilates its subdiagonal β.
        let oldEpsilon = epsilon
        let delta = cosine * deltaBar + sine * alpha
        let gammaBar = sine * deltaBar - cosine * alpha
        epsilon = sine * beta
        deltaBar = -cosine * beta
        // γ = 0 only for a singular T̄ₖ; the floor keeps the update finite (as in SciPy).
        let gamma = max((gammaBar * gammaBar + beta * beta).squareRoot(), Double.ulpOfOne)
        cosine = gammaBar / gamma
        sine = beta / gamma
        let phi = cosine * phiBar
        phiBar = sine * phiBar

        // w ← (v − ε_old w₁ − δ w₂) / γ with (w₁, w₂) the two previous directions.
        swap(&w1, &w2)
        swap(&w2, &w)
        let inverseGamma = 1 / gamma
        v.withUnsafeBufferPointer { vs in
          w1.withUnsafeBufferPointer { older in
            w2.withUnsafeBufferPointer { old in
              w.withUnsafeMutableBufferPointer { ws in
                for i in 0..<n { ws[i] = (vs[i] - oldEpsilon * older[i] - delta * old[i]) * inverseGamma }
              }
            }
          }
        }
        guard phi.isFinite, VectorOperations.isFinite(w) else { return .stopped(.nonFinite) }
        VectorOperations.axpy(phi, w, &x)
        iterations += 1

        let estimate = phiBar * normRatio
        // β = 0: the Krylov space is invariant, so xₖ is the minimiser over all of it.
        if estimate <= target || beta == 0 { return .estimateConverged }
        if monitor.stagnated(after: estimate) { return .stopped(.stagnated) }
      }
      return .stopped(.maximumIterationsReached)
    }
  }
}
