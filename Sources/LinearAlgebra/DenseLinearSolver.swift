/// The reference solver for small systems: assembles A column by column (n products) and solves by
/// LU with partial pivoting (LAPACK dgetrf/dgetrs).
///
/// `iterations` reports the n products used to assemble A. A singular matrix is reported as
/// `.breakdown("singular matrix …")`, non-finite entries as `.nonFinite`; a solution whose residual
/// misses the tolerance (an ill-conditioned A, ‖r‖/‖b‖ ≈ ε·cond(A)) as `.stagnated`.
public struct DenseLinearSolver: LinearSolver {
  /// Only decides the reported status: the LU solution is used whatever its residual.
  public var tolerance: Double

  public var name: String { "dense-lu" }

  public init(tolerance: Double = 1e-10) { self.tolerance = tolerance }

  public func solve(_ linearOperator: some LinearOperator, _ b: [Double],
                    initialGuess: [Double]?) -> LinearSolveResult {
    let normOfB: Double
    switch SolverSupport.start(linearOperator, b, initialGuess: initialGuess) {
    case .finished(let result): return result
    case .iterate(_, let norm): normOfB = norm
    }
    let n = linearOperator.columnCount
    let failure = { (status: LinearSolveStatus) in
      LinearSolveResult(solution: [Double](repeating: 0, count: n), iterations: n,
                        relativeResidual: .infinity, status: status)
    }
    let solution: [Double]
    do {
      solution = try LUFactorization(DenseMatrix(assembling: linearOperator)).solve(b)
    } catch .nonFiniteInput {
      return failure(.nonFinite)
    } catch {
      return failure(.breakdown(error.description))
    }
    var scratch = [Double](repeating: 0, count: n)
    return SolverSupport.finish(linearOperator, x: solution, b: b, normOfB: normOfB, tolerance: tolerance,
                                iterations: n, status: .stagnated, scratch: &scratch)
  }
}
