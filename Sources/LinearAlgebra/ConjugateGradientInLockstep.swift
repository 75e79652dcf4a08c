/// Conjugate gradients for k right-hand sides at once: k independent CG recurrences (one per column,
/// not a block Krylov method) advanced in lockstep, with one block product A·[p₁ … p_k] and one
/// block application of the preconditioner (``Preconditioner/apply(block:into:)``) per iteration.
///
/// Every column runs exactly the recurrence of ``ConjugateGradient/solve(_:_:initialGuess:)``,
///
///     αⱼ = rⱼᵀzⱼ / pⱼᵀA pⱼ,  xⱼ ← xⱼ + αⱼ pⱼ,  rⱼ ← rⱼ − αⱼ A pⱼ,  zⱼ = M⁻¹ rⱼ,
///     βⱼ = rⱼᵀzⱼ (new) / rⱼᵀzⱼ (old),  pⱼ ← zⱼ + βⱼ pⱼ,
///
/// with the same checks (non-positive curvature, an indefinite preconditioner, stagnation), the same
/// residual replacement when the recursive residual claims convergence and the true one does not,
/// and the same report; so each column's solution, iterations and status are those of a solve on its
/// own. The true residuals bⱼ − A·xⱼ that confirm convergence ride in the next block product with the
/// directions of the columns still iterating: the operator is applied once per pass, to the columns
/// that still need it, and a column that has finished leaves the block.
extension ConjugateGradient: BlockLinearSolver {
  public func solve(_ linearOperator: some LinearOperator, block b: [[Double]],
                    initialGuesses: [[Double]]?) -> [LinearSolveResult] {
    var results = [LinearSolveResult?](repeating: nil, count: b.count)
    if let initialGuesses, initialGuesses.count != b.count {
      let failure = LinearSolveResult(
        solution: [Double](repeating: 0, count: linearOperator.columnCount), iterations: 0,
        relativeResidual: .infinity,
        status: .breakdown("dimension mismatch: \(initialGuesses.count) initial guesses for \(b.count) right-hand sides"))
      return b.map { _ in failure }
    }
    var columns = [LockstepColumn]()
    for (index, rhs) in b.enumerated() {
      let guess = initialGuesses?[index]
      switch SolverSupport.start(linearOperator, rhs, initialGuess: guess) {
      case .finished(let result):
        results[index] = result
      case .iterate(let x, let normOfB):
        var column = LockstepColumn(index: index, b: rhs, x: x, normOfB: normOfB, settings: settings)
        // Without an initial guess r₀ = b − A·0 = b exactly: no product is needed to start.
        if guess == nil { column.start(trueResidual: rhs) } else { column.phase = .needsInitialResidual }
        columns.append(column)
      }
    }

    var block = [[Double]]()
    var products = [[Double]]()
    var owners = [Int]()
    var waiting = [Int]()
    var residuals = [[Double]]()
    var preconditioned = [[Double]]()
    while true {
      owners.removeAll(keepingCapacity: true)
      for (position, column) in columns.enumerated() {
        switch column.phase {
        case .iterating: block.append(column.direction)
        case .needsInitialResidual, .verifying, .finishing: block.append(column.x)
        case .done: continue
        }
        owners.append(position)
      }
      if block.isEmpty { break }
      linearOperator.apply(block: block, into: &products)
      // The block shares the columns' vectors: released before they are updated, so that the
      // updates write in place instead of copying.
      block.removeAll(keepingCapacity: true)
      waiting.removeAll(keepingCapacity: true)
      for (slot, position) in owners.enumerated() {
        if columns[position].advance(product: products[slot]) { waiting.append(position) }
      }
      precondition(&columns, waiting, residuals: &residuals, preconditioned: &preconditioned)
    }
    for column in columns { results[column.index] = column.result }
    return results.map { $0! }
  }

  /// z = M⁻¹ r of every column `waiting` in one block application of the preconditioner, then the
  /// rest of their iterations. The columns' vectors move into the block and back (no copies).
  private func precondition(_ columns: inout [LockstepColumn], _ waiting: [Int],
                            residuals: inout [[Double]], preconditioned: inout [[Double]]) {
    guard !waiting.isEmpty else { return }
    if let preconditioner = settings.preconditioner {
      residuals.removeAll(keepingCapacity: true)
      preconditioned.removeAll(keepingCapacity: true)
      for position in waiting {
        residuals.append(columns[position].residual)
        preconditioned.append(columns[position].takePreconditioned())
      }
      preconditioner.apply(block: residuals, into: &preconditioned)
      residuals.removeAll(keepingCapacity: true)
      for position in waiting.reversed() { columns[position].preconditioned = preconditioned.removeLast() }
    } else {
      for position in waiting { columns[position].applyOwnPreconditioner() }
    }
    for position in waiting { columns[position].completeIteration() }
  }
}

/// The state of one column of ``ConjugateGradient``'s lockstep solve.
struct LockstepColumn {
  enum Phase {
    /// An initial guess was given: the next product is A·x₀, giving r₀ = b − A·x₀.
    case needsInitialResidual
    /// The next product is A·p, one CG iteration.
    case iterating
    /// The recursive residual met the tolerance: the next product is A·x, to confirm it.
    /// `cycleStart` is the true residual norm at the start of this cycle.
    case verifying(cycleStart: Double)
    /// Stopped for `status`: the next product is A·x, for the report.
    case finishing(LinearSolveStatus)
    case done
  }

  let index: Int
  let b: [Double]
  var x: [Double]
  let normOfB: Double
  let tolerance: Double
  let maximumIterations: Int
  let preconditioner: (any Preconditioner)?
  var phase = Phase.iterating
  var residual: [Double]
  var preconditioned: [Double]
  var direction: [Double]
  var residualDotPreconditioned = 0.0
  var cycleStart = 0.0
  var iterations = 0
  var monitor: StagnationMonitor
  var result: LinearSolveResult?

  init(index: Int, b: [Double], x: [Double], normOfB: Double, settings: KrylovSettings) {
    self.index = index
    self.b = b
    self.x = x
    self.normOfB = normOfB
    tolerance = settings.tolerance
    maximumIterations = settings.maximumIterations
    preconditioner = settings.preconditioner
    residual = [Double](repeating: 0, count: b.count)
    preconditioned = residual
    direction = residual
    monitor = StagnationMonitor(window: settings.stagnationWindow)
  }

  var target: Double { tolerance * normOfB }

  /// Continues from a true residual b − A·x, as ``SolverSupport/solveInCycles`` does at the top of
  /// its loop: stop (non-finite, converged, out of iterations) or start a cycle.
  mutating func start(trueResidual: [Double]) {
    VectorOperations.copy(trueResidual, into: &residual)
    let residualNorm = VectorOperations.norm(residual)
    if !residualNorm.isFinite { return report(residualNorm: residualNorm, status: .nonFinite) }
    if residualNorm <= target { return report(residualNorm: residualNorm, status: .converged) }
    if iterations >= maximumIterations {
      return report(residualNorm: residualNorm, status: .maximumIterationsReached)
    }
    cycleStart = residualNorm
    applyPreconditioner(residual, into: &preconditioned)
    VectorOperations.copy(preconditioned, into: &direction)
    residualDotPreconditioned = VectorOperations.dot(residual, preconditioned)
    guard residualDotPreconditioned.isFinite else { return stop(.nonFinite) }
    guard residualDotPreconditioned > 0 else {
      return stop(.breakdown("preconditioner not positive definite"))
    }
    phase = .iterating
  }

  /// Uses the product the phase asked for; true when an iteration now waits for M⁻¹ r
  /// (``completeIteration()`` once `preconditioned` holds it).
  mutating func advance(product: [Double]) -> Bool {
    switch phase {
    case .iterating:
      return iterate(product: product)
    case .needsInitialResidual:
      start(trueResidual: trueResidual(product))
    case .verifying(let normAtCycleStart):
      let r = trueResidual(product)
      let residualNorm = VectorOperations.norm(r)
      if residualNorm > target && !(residualNorm < 0.5 * normAtCycleStart) {
        report(residualNorm: residualNorm, status: .stagnated)
      } else {
        start(trueResidual: r)
      }
    case .finishing(let status):
      report(residualNorm: VectorOperations.norm(trueResidual(product)), status: status)
    case .done:
      break
    }
    return false
  }

  /// One CG iteration from the product A·p, up to z = M⁻¹ r: true when it needs z.
  mutating func iterate(product: [Double]) -> Bool {
    let curvature = VectorOperations.dot(direction, product)
    guard curvature.isFinite else { stop(.nonFinite); return false }
    guard curvature > 0 else { stop(.breakdown("non-positive curvature pᵀAp = \(curvature)")); return false }
    let alpha = residualDotPreconditioned / curvature
    VectorOperations.axpy(alpha, direction, &x)
    VectorOperations.axpy(-alpha, product, &residual)
    iterations += 1
    let residualNorm = VectorOperations.norm(residual)
    guard residualNorm.isFinite else { stop(.nonFinite); return false }
    if residualNorm <= target { phase = .verifying(cycleStart: cycleStart); return false }
    if monitor.stagnated(after: residualNorm) { stop(.stagnated); return false }
    return true
  }

  /// The preconditioned residual's storage, handed to a block application of the preconditioner.
  mutating func takePreconditioned() -> [Double] {
    var taken = [Double]()
    swap(&taken, &preconditioned)
    return taken
  }

  /// The rest of an iteration once `preconditioned` holds M⁻¹ r: β and the new direction.
  mutating func completeIteration() {
    let next = VectorOperations.dot(residual, preconditioned)
    guard next.isFinite else { return stop(.nonFinite) }
    guard next > 0 else { return stop(.breakdown("preconditioner not positive definite")) }
    let beta = next / residualDotPreconditioned
    residualDotPreconditioned = next
    VectorOperations.xpby(preconditioned, beta, &direction)
    if iterations >= maximumIterations { stop(.maximumIterationsReached) }
  }

  /// z = M⁻¹ r for this column alone (z = r without a preconditioner).
  mutating func applyOwnPreconditioner() { applyPreconditioner(residual, into: &preconditioned) }

  func applyPreconditioner(_ residual: [Double], into result: inout [Double]) {
    if let preconditioner { preconditioner.apply(residual, into: &result) }
    else { VectorOperations.copy(residual, into: &result) }
  }

  /// b − A·x from the product A·x.
  func trueResidual(_ product: [Double]) -> [Double] {
    var r = product
    VectorOperations.subtract(b, product, into: &r)
    return r
  }

  /// The cycle stopped: the report needs the true residual of the current x.
  mutating func stop(_ status: LinearSolveStatus) { phase = .finishing(status) }

  /// The final report, with the status corrected by the true residual as ``SolverSupport`` does.
  mutating func report(residualNorm: Double, status: LinearSolveStatus) {
    let relative = residualNorm / normOfB
    result = LinearSolveResult(
      solution: x, iterations: iterations, relativeResidual: relative,
      status: SolverSupport.correctedStatus(status, relativeResidual: relative, tolerance: tolerance))
    phase = .done
  }
}
