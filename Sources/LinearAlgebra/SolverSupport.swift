/// Bookkeeping shared by the iterative solvers: argument checks, the b = 0 shortcut, the true
/// residual, and the final report.
@usableFromInline
enum SolverSupport {
  /// Either a finished result (bad input or b = 0) or the starting iterate and ‖b‖.
  enum Start {
    case finished(LinearSolveResult)
    case iterate(x: [Double], normOfB: Double)
  }

  static func start(_ linearOperator: some LinearOperator, _ b: [Double], initialGuess: [Double]?,
                    requiresSquare: Bool = true) -> Start {
    let rows = linearOperator.rowCount
    let columns = linearOperator.columnCount
    func failed(_ status: LinearSolveStatus, residual: Double = .infinity) -> Start {
      .finished(LinearSolveResult(solution: [Double](repeating: 0, count: columns), iterations: 0,
                                  relativeResidual: residual, status: status))
    }
    // A wrong size is a programming error, but solvers report rather than trap (see LinearSolveResult).
    if requiresSquare && rows != columns {
      return failed(.breakdown("operator is \(rows)×\(columns), not square"))
    }
    if b.count != rows {
      return failed(.breakdown("dimension mismatch: b has \(b.count) components, operator \(rows) rows"))
    }
    if let guess = initialGuess, guess.count != columns {
      return failed(.breakdown(
        "dimension mismatch: initial guess has \(guess.count) components, operator \(columns) columns"))
    }
    guard VectorOperations.isFinite(b) else { return failed(.nonFinite, residual: .nan) }
    if let guess = initialGuess, !VectorOperations.isFinite(guess) { return failed(.nonFinite, residual: .nan) }
    let normOfB = VectorOperations.norm(b)
    if normOfB == 0 {
      // A·0 = 0 = b exactly: no product with A is needed, whatever the initial guess.
      return .finished(LinearSolveResult(solution: [Double](repeating: 0, count: columns), iterations: 0,
                                         relativeResidual: 0, status: .converged))
    }
    return .iterate(x: initialGuess ?? [Double](repeating: 0, count: columns), normOfB: normOfB)
  }

  /// residual ← b − A·x; returns ‖b − A·x‖.
  @discardableResult
  static func residual(_ linearOperator: some LinearOperator, _ x: [Double], _ b: [Double],
                       into residual: inout [Double]) -> Double {
    linearOperator.apply(x, into: &residual)
    VectorOperations.subtract(b, residual, into: &residual)
    return VectorOperations.norm(residual)
  }

  /// The report: the residual is always recomputed from `x`, never taken from a recurrence, and the
  /// status is corrected by it (a method that stopped for another reason but meets the tolerance has
  /// converged; a non-finite residual is reported as such).
  static func finish(_ linearOperator: some LinearOperator, x: [Double], b: [Double], normOfB: Double,
                     tolerance: Double, iterations: Int, status: LinearSolveStatus,
                     scratch: inout [Double]) -> LinearSolveResult {
    let relative = residual(linearOperator, x, b, into: &scratch) / normOfB
    return LinearSolveResult(
      solution: x, iterations: iterations, relativeResidual: relative,
      status: correctedStatus(status, relativeResidual: relative, tolerance: tolerance))
  }

  /// The status a solve that stopped for `status` reports, given its true relative residual: a
  /// non-finite residual is `.nonFinite`, one that meets the tolerance `.converged` (whatever
  /// stopped the method), and a claimed convergence that the residual does not confirm `.stagnated`.
  static func correctedStatus(_ status: LinearSolveStatus, relativeResidual relative: Double,
                              tolerance: Double) -> LinearSolveStatus {
    if !relative.isFinite { return .nonFinite }
    if relative <= tolerance { return .converged }
    return status == .converged ? .stagnated : status
  }
}

/// Detects a residual that stopped decreasing: every `window` iterations the best residual seen must
/// have dropped by at least 0.1 %. Krylov residuals oscillate (CG, BiCGSTAB) or plateau for a while on
/// ill-conditioned systems, so only the best value over a long window is meaningful.
@usableFromInline
struct StagnationMonitor {
  let window: Int
  var best = Double.infinity
  var bestAtCheckpoint = Double.infinity
  var count = 0

  init(window: Int) { self.window = window }

  /// Records one residual norm; true when the iteration has stagnated.
  mutating func stagnated(after residualNorm: Double) -> Bool {
    guard window > 0 else { return false }
    // The first residual is the baseline of the first window.
    if bestAtCheckpoint == .infinity { bestAtCheckpoint = residualNorm }
    best = min(best, residualNorm)
    count += 1
    guard count >= window else { return false }
    defer { bestAtCheckpoint = best; count = 0 }
    return best > 0.999 * bestAtCheckpoint
  }
}

/// Why one Krylov cycle (the run from one true residual until the recurrence claims convergence or
/// something stops it) ended.
@usableFromInline
enum CycleOutcome {
  /// The recursive residual estimate met the tolerance: the true residual decides.
  case estimateConverged
  /// A restarted method finished a cycle: continue from the true residual.
  case restartRequested
  /// The cycle could not go on (a breakdown, or a stall of its recurrence) but a fresh cycle from
  /// the true residual may: restart, and stop for `reason` only when restarts stop making progress.
  case restartAfter(LinearSolveStatus)
  case stopped(LinearSolveStatus)
}

extension SolverSupport {
  /// Runs Krylov cycles from the true residual until the true residual meets the tolerance.
  ///
  /// Recurrences drift from b − A·x in floating point, so a recursive estimate that claims
  /// convergence is checked against the true residual; if that fails, the method restarts from the
  /// true residual (residual replacement). A restart that does not at least halve the true residual
  /// means the attainable accuracy is reached: the solve has stagnated.
  ///
  /// A cycle that ends with `.restartAfter(reason)` is restarted from the true residual; after
  /// `maximumFruitlessRestarts` such restarts in a row that did not halve the best true residual seen
  /// so far, the solve stops for `reason`. That is what makes a method whose recurrences are sensitive
  /// to rounding (BiCGSTAB's, on ill-conditioned non-normal systems) reach the same answer whatever
  /// the BLAS kernel's order of summation.
  ///
  /// `cycle(x, residual, residualNorm, iterations)` continues from x with residual = b − A·x, updates x
  /// and the iteration count, and may overwrite `residual` freely.
  static func solveInCycles<Operator: LinearOperator>(
    _ linearOperator: Operator, _ b: [Double], x: inout [Double], normOfB: Double,
    tolerance: Double, maximumIterations: Int,
    cycle: (_ x: inout [Double], _ residual: inout [Double], _ residualNorm: Double,
            _ iterations: inout Int) -> CycleOutcome
  ) -> LinearSolveResult {
    var residual = [Double](repeating: 0, count: b.count)
    var iterations = 0
    var residualNorm = SolverSupport.residual(linearOperator, x, b, into: &residual)
    var status: LinearSolveStatus
    var bestAtLastProgress = residualNorm
    var fruitlessRestarts = 0
    let maximumFruitlessRestarts = 3
    loop: while true {
      if !residualNorm.isFinite { status = .nonFinite; break loop }
      if residualNorm <= tolerance * normOfB { status = .converged; break loop }
      if iterations >= maximumIterations { status = .maximumIterationsReached; break loop }
      let normAtCycleStart = residualNorm
      switch cycle(&x, &residual, residualNorm, &iterations) {
      case .stopped(let reason):
        status = reason
        break loop
      case .restartRequested:
        residualNorm = SolverSupport.residual(linearOperator, x, b, into: &residual)
      case .restartAfter(let reason):
        residualNorm = SolverSupport.residual(linearOperator, x, b, into: &residual)
        if residualNorm < 0.5 * bestAtLastProgress {
          bestAtLastProgress = residualNorm
          fruitlessRestarts = 0
        } else {
          fruitlessRestarts += 1
          if fruitlessRestarts > maximumFruitlessRestarts, residualNorm > tolerance * normOfB {
            status = reason
            break loop
          }
        }
      case .estimateConverged:
        residualNorm = SolverSupport.residual(linearOperator, x, b, into: &residual)
        if residualNorm > tolerance * normOfB && !(residualNorm < 0.5 * normAtCycleStart) {
          status = .stagnated
          break loop
        }
      }
    }
    return finish(linearOperator, x: x, b: b, normOfB: normOfB, tolerance: tolerance,
                  iterations: iterations, status: status, scratch: &residual)
  }
}
