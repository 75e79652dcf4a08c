/// BiCGSTAB(ℓ) (Sleijpen & Fokkema 1993) for a general square A·x = b, with right preconditioning
/// (A M⁻¹ u = b, x = M⁻¹ u, so the residual it monitors is the true, unpreconditioned one).
///
/// Each sweep takes ℓ BiCG steps against the shadow residual r̂ (building r₀…r_ℓ and u₀…u_ℓ with
/// r_{j+1} = A M⁻¹ r_j, u_{j+1} = A M⁻¹ u_j), then minimises ‖r₀ − Σⱼ γⱼ r_j‖ over a degree-ℓ
/// polynomial (modified Gram–Schmidt on r₁…r_ℓ). ℓ = 1 is van der Vorst's BiCGSTAB (1992): ρ = r̂ᵀr,
/// β = (ρ/ρ₋₁)(α/ω), α = ρ / r̂ᵀA p̂, ω = tᵀs / tᵀt. A degree-one polynomial cannot damp the complex
/// eigenvalues of a non-normal A, where ω ≈ 0 makes BiCGSTAB's recurrences stall at a level that
/// depends on the rounding of the inner products (and so on the BLAS kernel of the processor);
/// ℓ = 2 (the default) or 4 removes that. 2ℓ products with A per sweep; `iterations` counts ℓ per
/// sweep (one iteration = two products, as for ℓ = 1), and a solve stops at the last whole sweep
/// within `maximumIterations`.
///
/// Breakdowns are reported, never turned into NaN: `.breakdown("rho")` when r̂ᵀr vanishes (relative
/// to ‖r̂‖‖r‖), `.breakdown("alpha")` when r̂ᵀA u vanishes, `.breakdown("omega")` when a minimal-
/// residual direction r_j vanishes. A breakdown, or a stall of the recurrence (no 0.1 % improvement
/// of the best residual over `stagnationWindow` iterations), first restarts the method from the true
/// residual b − A·x with a fresh shadow vector; only when restarts stop halving the residual does the
/// solve end with that status.
public struct BiCGSTAB: KrylovSolver {
  public var settings: KrylovSettings
  /// ℓ, the degree of the minimal-residual polynomial of each sweep (≥ 1).
  public var degree: Int

  public var name: String { degree == 1 ? "bicgstab" : "bicgstab(\(degree))" }

  public init(tolerance: Double = 1e-10, maximumIterations: Int = 10_000, degree: Int = 2,
              preconditioner: (any Preconditioner)? = nil, stagnationWindow: Int = 500) {
    settings = KrylovSettings(tolerance: tolerance, maximumIterations: maximumIterations,
                              preconditioner: preconditioner, stagnationWindow: stagnationWindow)
    self.degree = max(1, degree)
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
    // A sweep takes ℓ iterations: never more than the caller allows.
    let l = min(degree, max(1, maximumIterations))
    var shadow = [Double](repeating: 0, count: n)
    var r = [[Double]](repeating: [Double](repeating: 0, count: n), count: l + 1)
    var u = [[Double]](repeating: [Double](repeating: 0, count: n), count: l + 1)
    // The correction M x̂ accumulated in the preconditioned space during a cycle.
    var correction = [Double](repeating: 0, count: n)
    var preconditioned = [Double](repeating: 0, count: n)
    var tau = [Double](repeating: 0, count: (l + 1) * (l + 1))
    var sigma = [Double](repeating: 0, count: l + 1)
    var gamma = [Double](repeating: 0, count: l + 1)
    var gammaPrime = [Double](repeating: 0, count: l + 1)
    var gammaDoublePrime = [Double](repeating: 0, count: l + 1)
    let target = tolerance * normOfB
    // Relative threshold under which an inner product counts as zero: below it the next step
    // divides rounding noise.
    let vanishing = Double.ulpOfOne

    return SolverSupport.solveInCycles(
      linearOperator, b, x: &x, normOfB: normOfB, tolerance: tolerance,
      maximumIterations: maximumIterations
    ) { x, residual, residualNorm, iterations in
      // output ← A M⁻¹ input
      func applyPreconditioned(_ input: [Double], into output: inout [Double]) {
        if let preconditioner {
          preconditioner.apply(input, into: &preconditioned)
          linearOperator.apply(preconditioned, into: &output)
        } else {
          linearOperator.apply(input, into: &output)
        }
      }
      // x ← x + M⁻¹ (accumulated correction): every exit of the cycle goes through here.
      func finishCycle(_ outcome: CycleOutcome) -> CycleOutcome {
        if let preconditioner {
          preconditioner.apply(correction, into: &preconditioned)
          VectorOperations.axpy(1, preconditioned, &x)
        } else {
          VectorOperations.axpy(1, correction, &x)
        }
        return outcome
      }
      var monitor = StagnationMonitor(window: stagnationWindow)
      VectorOperations.copy(residual, into: &shadow)
      VectorOperations.copy(residual, into: &r[0])
      VectorOperations.setZero(&u[0])
      VectorOperations.setZero(&correction)
      let shadowNorm = residualNorm
      var rho0 = 1.0, alpha = 0.0, omega = 1.0
      var currentNorm = residualNorm
      while iterations + l <= maximumIterations {
        rho0 = -omega * rho0
        // BiCG part: ℓ steps.
        for j in 0..<l {
          let rho1 = VectorOperations.dot(r[j], shadow)
          guard rho1.isFinite else { return finishCycle(.stopped(.nonFinite)) }
          guard abs(rho1) > vanishing * shadowNorm * VectorOperations.norm(r[j]) else {
            return finishCycle(.restartAfter(.breakdown("rho")))
          }
          let beta = alpha * rho1 / rho0
          rho0 = rho1
          for i in 0...j { VectorOperations.xpby(r[i], -beta, &u[i]) }
          applyPreconditioned(u[j], into: &u[j + 1])
          let shadowDotU = VectorOperations.dot(u[j + 1], shadow)
          guard shadowDotU.isFinite else { return finishCycle(.stopped(.nonFinite)) }
          guard abs(shadowDotU) > vanishing * shadowNorm * VectorOperations.norm(u[j + 1]) else {
            return finishCycle(.restartAfter(.breakdown("alpha")))
          }
          alpha = rho0 / shadowDotU
          for i in 0...j { VectorOperations.axpy(-alpha, u[i + 1], &r[i]) }
          applyPreconditioned(r[j], into: &r[j + 1])
          VectorOperations.axpy(alpha, u[0], &correction)
        }
        // Minimal-residual part: modified Gram–Schmidt on r₁…r_ℓ.
        for j in 1...l {
          for i in stride(from: 1, to: j, by: 1) {
            let t = VectorOperations.dot(r[j], r[i]) / sigma[i]
            tau[i * (l + 1) + j] = t
            VectorOperations.axpy(-t, r[i], &r[j])
          }
          sigma[j] = VectorOperations.dot(r[j], r[j])
          guard sigma[j].isFinite else { return finishCycle(.stopped(.nonFinite)) }
          guard sigma[j] > 0 else { return finishCycle(.restartAfter(.breakdown("omega"))) }
          gammaPrime[j] = VectorOperations.dot(r[0], r[j]) / sigma[j]
        }
        gamma[l] = gammaPrime[l]
        omega = gamma[l]
        for j in stride(from: l - 1, through: 1, by: -1) {
          var sum = gammaPrime[j]
          for i in (j + 1)...l { sum -= tau[j * (l + 1) + i] * gamma[i] }
          gamma[j] = sum
        }
        for j in stride(from: 1, to: l, by: 1) {
          var sum = gamma[j + 1]
          for i in stride(from: j + 1, to: l, by: 1) { sum += tau[j * (l + 1) + i] * gamma[i + 1] }
          gammaDoublePrime[j] = sum
        }
        VectorOperations.axpy(gamma[1], r[0], &correction)
        VectorOperations.axpy(-gammaPrime[l], r[l], &r[0])
        VectorOperations.axpy(-gamma[l], u[l], &u[0])
        for j in stride(from: 1, to: l, by: 1) {
          VectorOperations.axpy(-gamma[j], u[j], &u[0])
          VectorOperations.axpy(gammaDoublePrime[j], r[j], &correction)
          VectorOperations.axpy(-gammaPrime[j], r[j], &r[0])
        }
        guard omega != 0 else { return finishCycle(.restartAfter(.breakdown("omega"))) }
        iterations += l
        currentNorm = VectorOperations.norm(r[0])
        guard currentNorm.isFinite else { return finishCycle(.stopped(.nonFinite)) }
        if currentNorm <= target { return finishCycle(.estimateConverged) }
        if monitor.stagnated(after: currentNorm) { return finishCycle(.restartAfter(.stagnated)) }
      }
      return finishCycle(.stopped(.maximumIterationsReached))
    }
  }
}
