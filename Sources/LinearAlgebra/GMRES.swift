/// Restarted GMRES(m) (Saad & Schultz 1986) for a general square A·x = b, with right preconditioning
/// (A M⁻¹ u = b, x = M⁻¹ u: the minimised residual is the true one).
///
/// Each cycle runs Arnoldi (modified Gram–Schmidt) from v₁ = r₀/‖r₀‖, giving A M⁻¹ Vⱼ = Vⱼ₊₁ H̄ⱼ,
/// and reduces the Hessenberg matrix H̄ⱼ to triangular form by Givens rotations, so that the
/// residual norm |gⱼ₊₁| of the least-squares problem min ‖βe₁ − H̄ⱼ y‖ is known at every step
/// without forming x. After `restartLength` steps (or convergence) x ← x + M⁻¹Vⱼ y and the method
/// restarts from the true residual. Stores `restartLength + 1` vectors of length n (n = 2·10⁶ and
/// m = 30: 0.5 GB). One product with A per iteration; `iterations` counts them across cycles.
public struct GMRES: KrylovSolver {
  public var settings: KrylovSettings
  /// Krylov dimension m of a cycle.
  public var restartLength: Int

  public var name: String { "gmres" }

  public init(tolerance: Double = 1e-10, maximumIterations: Int = 10_000, restartLength: Int = 30,
              preconditioner: (any Preconditioner)? = nil, stagnationWindow: Int = 500) {
    settings = KrylovSettings(tolerance: tolerance, maximumIterations: maximumIterations,
                              preconditioner: preconditioner, stagnationWindow: stagnationWindow)
    self.restartLength = max(1, restartLength)
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
    let m = min(restartLength, n)
    var basis = [[Double]](repeating: [Double](repeating: 0, count: n), count: m + 1)
    var work = [Double](repeating: 0, count: n)
    var combination = [Double](repeating: 0, count: n)
    // H̄ (m+1)×m, column-major; after rotation its top m×m block is the triangular R.
    var hessenberg = [Double](repeating: 0, count: (m + 1) * m)
    var cosines = [Double](repeating: 0, count: m)
    var sines = [Double](repeating: 0, count: m)
    var g = [Double](repeating: 0, count: m + 1)
    var coefficients = [Double](repeating: 0, count: m)
    var monitor = StagnationMonitor(window: stagnationWindow)
    let target = tolerance * normOfB

    return SolverSupport.solveInCycles(
      linearOperator, b, x: &x, normOfB: normOfB, tolerance: tolerance,
      maximumIterations: maximumIterations
    ) { x, residual, residualNorm, iterations in
      // x ← x + M⁻¹ Σᵢ yᵢ vᵢ with R y = g over the first `columns` Arnoldi steps.
      func updateSolution(columns: Int) {
        guard columns > 0 else { return }
        for i in stride(from: columns - 1, through: 0, by: -1) {
          var sum = g[i]
          for k in (i + 1)..<columns { sum -= hessenberg[i + k * (m + 1)] * coefficients[k] }
          coefficients[i] = sum / hessenberg[i + i * (m + 1)]
        }
        VectorOperations.setZero(&combination)
        for i in 0..<columns { VectorOperations.axpy(coefficients[i], basis[i], &combination) }
        if let preconditioner {
          preconditioner.apply(combination, into: &work)
          VectorOperations.axpy(1, work, &x)
        } else {
          VectorOperations.axpy(1, combination, &x)
        }
      }

      VectorOperations.copy(residual, into: &basis[0])
      VectorOperations.scale(1 / residualNorm, &basis[0])
      for i in 0...m { g[i] = 0 }
      g[0] = residualNorm
      for j in 0..<m {
        if iterations >= maximumIterations {
          updateSolution(columns: j)
          return .stopped(.maximumIterationsReached)
        }
        if let preconditioner {
          preconditioner.apply(basis[j], into: &combination)
          linearOperator.apply(combination, into: &work)
        } else {
          linearOperator.apply(basis[j], into: &work)
        }
        for i in 0...j {
          let projection = VectorOperations.dot(work, basis[i])
          hessenberg[i + j * (m + 1)] = projection
          VectorOperations.axpy(-projection, basis[i], &work)
        }
        let subdiagonal = VectorOperations.norm(work)
        guard subdiagonal.isFinite, (0...j).allSatisfy({ hessenberg[$0 + j * (m + 1)].isFinite }) else {
          updateSolution(columns: j)
          return .stopped(.nonFinite)
        }
        hessenberg[j + 1 + j * (m + 1)] = subdiagonal
        for i in 0..<j {
          let upper = hessenberg[i + j * (m + 1)], lower = hessenberg[i + 1 + j * (m + 1)]
          hessenberg[i + j * (m + 1)] = cosines[i] * upper + sines[i] * lower
          hessenberg[i + 1 + j * (m + 1)] = -sines[i] * upper + cosines[i] * lower
        }
        let diagonal = hessenberg[j + j * (m + 1)]
        let radius = (diagonal * diagonal + subdiagonal * subdiagonal).squareRoot()
        iterations += 1
        guard radius > 0 else {
          // H̄ⱼ is singular: the Krylov space stopped growing without reaching b (singular A).
          updateSolution(columns: j)
          return .stopped(.breakdown("Krylov space invariant: singular operator"))
        }
        cosines[j] = diagonal / radius
        sines[j] = subdiagonal / radius
        hessenberg[j + j * (m + 1)] = radius
        hessenberg[j + 1 + j * (m + 1)] = 0
        g[j + 1] = -sines[j] * g[j]
        g[j] = cosines[j] * g[j]
        let estimate = abs(g[j + 1])
        // A zero subdiagonal is the "happy" breakdown: the exact solution lies in the space.
        if estimate <= target || subdiagonal == 0 {
          updateSolution(columns: j + 1)
          return .estimateConverged
        }
        if monitor.stagnated(after: estimate) {
          updateSolution(columns: j + 1)
          return .stopped(.stagnated)
        }
        if j + 1 < m {
          VectorOperations.copy(work, into: &basis[j + 1])
          VectorOperations.scale(1 / subdiagonal, &basis[j + 1])
        }
      }
      updateSolution(columns: m)
      return .restartRequested
    }
  }
}
