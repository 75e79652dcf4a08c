/// A method that solves A·X = B for k right-hand sides B = [b₁ … b_k] at once, applying A to a
/// whole block of vectors per iteration (``LinearOperator/apply(block:into:)``), so that an operator
/// whose product is a pass over a large structure makes one pass for all k columns.
///
/// Each column is its own solve: it has its own iterations, true residual ‖bⱼ − A·xⱼ‖ / ‖bⱼ‖
/// (recomputed from xⱼ, never taken from a recurrence) and typed status, exactly as if it had been
/// solved alone (``LinearSolver/solve(_:_:initialGuess:)``); a column that has converged stops
/// changing and leaves the block.
public protocol BlockLinearSolver: LinearSolver {
  /// Solves A·xⱼ = bⱼ for every column, starting from `initialGuesses` (zero when nil).
  ///
  /// - Returns: one result per column of `b`, in order.
  func solve(_ operator: some LinearOperator, block b: [[Double]], initialGuesses: [[Double]]?)
    -> [LinearSolveResult]
}

extension BlockLinearSolver {
  public func solve(_ operator: some LinearOperator, block b: [[Double]]) -> [LinearSolveResult] {
    solve(`operator`, block: b, initialGuesses: nil)
  }
}

extension LinearSolver {
  /// A·xⱼ = bⱼ for every column: in one block solve when the solver is a ``BlockLinearSolver``,
  /// otherwise one ``solve(_:_:initialGuess:)`` per column.
  public func solveEachColumn(_ operator: some LinearOperator, _ b: [[Double]]) -> [LinearSolveResult] {
    if let blockSolver = self as? any BlockLinearSolver {
      return blockSolver.solve(`operator`, block: b, initialGuesses: nil)
    }
    return b.map { solve(`operator`, $0, initialGuess: nil) }
  }
}
