/// BiCGSTAB (van der Vorst 1992) for a general square A·x = b, with right preconditioning
/// (A M⁻¹ u = b, x = M⁻¹ u, so the residual it monitors is the true, unpreconditioned one).
///
/// Each iteration: ρ = r̂ᵀr, β = (ρ/ρ₋₁)(α/ω), p = r + β(p − ω v), p̂ = M⁻¹p, v = A p̂, α = ρ / r̂ᵀv,
/// s = r − α v, ŝ = M⁻¹s, t = A ŝ, ω = tᵀs / tᵀt, x += α p̂ + ω ŝ, r = s − ω t; r̂ is the residual
/// at the start of the cycle. Two products with A per iteration; `iterations` counts iterations.
///
/// Breakdowns are reported, never turned into NaN: `.breakdown("rho")` when r̂ᵀr vanishes (relative
/// to ‖r̂‖‖r‖), `.breakdown("alpha")` when r̂ᵀA p̂ vanishes, `.breakdown("omega")` when ω or tᵀt
/// vanishes (A ŝ ⟂ s, e.g. a rotation).
public struct BiCGSTAB: KrylovSolver {
  public var settings: KrylovSettings

  public var name: String { "bicgstab" }

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
    var shadow = [Double](repeating: 0, count: n)
    var direction = [Double](repeating: 0, count: n)
    var preconditionedDirection = [Double](repeating: 0, count: n)
    var v = [Double](repeating: 0, count: n)
    var s = [Double](repeating: 0, count: n)
    var preconditionedS = [Double](repeating: 0, count: n)
    var t = [Double](repeating: 0, count: n)
    var monitor = StagnationMonitor(window: stagnationWindow)
    let target = tolerance * normOfB
    // Relative threshold under which an inner product counts as zero: below it the next step
    // divides rounding noise.
    let vanishing = Double.ulpOfOne

    return SolverSupport.solveInCycles(
      linearOperator, b, x: &x, normOfB: normOfB, tolerance: tolerance,
      maximumIterations: maximumIterations
    ) { x, residual, residualNorm, iterations in
      func precondition(_ input: [Double], into result: inout [Double]) {
        if let preconditioner { preconditioner.apply(input, into: &result) }
        else { VectorOperations.copy(input, into: &result) }
      }
      VectorOperations.copy(residual, into: &shadow)
      let shadowNorm = residualNorm
      var rhoPrevious = 1.0, alpha = 1.0, omega = 1.0
      VectorOperations.setZero(&v)
      VectorOperations.setZero(&direction)
      var currentNorm = residualNorm
      while iterations < maximumIterations {
        let rho = VectorOperations.dot(shadow, residual)
        guard rho.isFinite else { return .stopped(.nonFinite) }
        guard abs(rho) > vanishing * shadowNorm * currentNorm else { return .stopped(.breakdown("rho")) }
        let beta = (rho / rhoPrevious) * (alpha / omega)
        // p ← r + β (p − ω v)
        VectorOperations.axpy(-omega, v, &direction)
        VectorOperations.xpby(residual, beta, &direction)
        precondition(direction, into: &preconditionedDirection)
        linearOperator.apply(preconditionedDirection, into: &v)
        let shadowDotV = VectorOperations.dot(shadow, v)
        guard shadowDotV.isFinite else { return .stopped(.nonFinite) }
        guard abs(shadowDotV) > vanishing * shadowNorm * VectorOperations.norm(v) else {
          return .stopped(.breakdown("alpha"))
        }
        alpha = rho / shadowDotV
        VectorOperations.copy(residual, into: &s)
        VectorOperations.axpy(-alpha, v, &s)
        let sNorm = VectorOperations.norm(s)
        guard sNorm.isFinite else { return .stopped(.nonFinite) }
        if sNorm <= target {
          // The half step already converged; ω would divide by a vanishing tᵀt.
          VectorOperations.axpy(alpha, preconditionedDirection, &x)
          iterations += 1
          return .estimateConverged
        }
        precondition(s, into: &preconditionedS)
        linearOperator.apply(preconditionedS, into: &t)
        let tDotT = VectorOperations.dot(t, t)
        let tDotS = VectorOperations.dot(t, s)
        guard tDotT.isFinite, tDotS.isFinite else { return .stopped(.nonFinite) }
        VectorOperations.axpy(alpha, preconditionedDirection, &x)
        guard tDotT > 0, abs(tDotS) > vanishing * tDotT.squareRoot() * sNorm else {
          // x has taken the (valid) half step; report with r = s so a restart could continue.
          VectorOperations.copy(s, into: &residual)
          iterations += 1
          return .stopped(.breakdown("omega"))
        }
        omega = tDotS / tDotT
        VectorOperations.axpy(omega, preconditionedS, &x)
        VectorOperations.copy(s, into: &residual)
        VectorOperations.axpy(-omega, t, &residual)
        rhoPrevious = rho
        iterations += 1
        currentNorm = VectorOperations.norm(residual)
        guard currentNorm.isFinite else { return .stopped(.nonFinite) }
        if currentNorm <= target { return .estimateConverged }
        if monitor.stagnated(after: currentNorm) { return .stopped(.stagnated) }
      }
      return .stopped(.maximumIterationsReached)
    }
  }
}
