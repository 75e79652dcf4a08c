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

extension DenseLinearSolver: BlockLinearSolver {
  /// A·X = B for k columns with one LU factorisation: one block product with the n unit vectors
  /// assembles A, and one block product with the k solutions gives every true residual. Each
  /// column's result is the one ``solve(_:_:initialGuess:)`` gives it alone.
  public func solve(_ linearOperator: some LinearOperator, block b: [[Double]],
                    initialGuesses: [[Double]]?) -> [LinearSolveResult] {
    var results = [LinearSolveResult?](repeating: nil, count: b.count)
    var pending = [(index: Int, normOfB: Double)]()
    for (index, rhs) in b.enumerated() {
      let guess = initialGuesses.flatMap { index < $0.count ? $0[index] : nil }
      switch SolverSupport.start(linearOperator, rhs, initialGuess: guess) {
      case .finished(let result): results[index] = result
      case .iterate(_, let norm): pending.append((index, norm))
      }
    }
    guard !pending.isEmpty else { return results.map { $0! } }
    let n = linearOperator.columnCount
    let failure = { (status: LinearSolveStatus) in
      LinearSolveResult(solution: [Double](repeating: 0, count: n), iterations: n,
                        relativeResidual: .infinity, status: status)
    }
    let units = (0..<n).map { j in (0..<n).map { $0 == j ? 1.0 : 0.0 } }
    var columns = [[Double]]()
    linearOperator.apply(block: units, into: &columns)
    var solutions = [[Double]]()
    do throws(LinearAlgebraError) {
      let factorization = try LUFactorization(
        DenseMatrix(rowCount: linearOperator.rowCount, columnCount: n,
                    columnMajorElements: Array(columns.joined())))
      for (index, _) in pending { solutions.append(try factorization.solve(b[index])) }
    } catch {
      let status: LinearSolveStatus = error == .nonFiniteInput ? .nonFinite : .breakdown(error.description)
      for (index, _) in pending { results[index] = failure(status) }
      return results.map { $0! }
    }
    var products = [[Double]]()
    linearOperator.apply(block: solutions, into: &products)
    for (slot, (index, normOfB)) in pending.enumerated() {
      var residual = products[slot]
      VectorOperations.subtract(b[index], products[slot], into: &residual)
      let relative = VectorOperations.norm(residual) / normOfB
      results[index] = LinearSolveResult(
        solution: solutions[slot], iterations: n, relativeResidual: relative,
        status: SolverSupport.correctedStatus(.stagnated, relativeResidual: relative, tolerance: tolerance))
    }
    return results.map { $0! }
  }
}
