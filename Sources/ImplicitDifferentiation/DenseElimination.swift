import DualNumbers
import LinearAlgebra

/// Solves M·z = r by Gaussian elimination with partial pivoting, generically over the scalar type,
/// so that the solve itself can be differentiated (duals and tapes flow through the elimination).
///
/// Pivots are chosen by the primal value, so the elimination order is the one the `Double`
/// computation takes. `matrix` is row-major, `dimension`² long. Returns nil for an exactly singular
/// matrix. Cost O(d³): meant for the small dense systems of Newton steps and tests.
@inlinable
func solveByElimination<S: RealScalar>(_ matrix: [S], _ rhs: [S], dimension: Int) -> [S]? {
  precondition(matrix.count == dimension * dimension && rhs.count == dimension,
               "dense system of the wrong size")
  var a = matrix
  var b = rhs
  for column in 0..<dimension {
    var pivotRow = column
    var pivotMagnitude = Swift.abs(a[column * dimension + column].primalValue)
    for row in (column + 1)..<max(column + 1, dimension) {
      let magnitude = Swift.abs(a[row * dimension + column].primalValue)
      if magnitude > pivotMagnitude { pivotRow = row; pivotMagnitude = magnitude }
    }
    if pivotMagnitude == 0 { return nil }
    if pivotRow != column {
      for k in 0..<dimension { a.swapAt(column * dimension + k, pivotRow * dimension + k) }
      b.swapAt(column, pivotRow)
    }
    let pivot = a[column * dimension + column]
    for row in (column + 1)..<max(column + 1, dimension) {
      let factor = a[row * dimension + column] / pivot
      if factor.isExactlyZero { continue }
      for k in column..<dimension { a[row * dimension + k] -= factor * a[column * dimension + k] }
      b[row] -= factor * b[column]
    }
  }
  var solution = b
  var row = dimension - 1
  while row >= 0 {
    var sum = solution[row]
    for k in (row + 1)..<max(row + 1, dimension) { sum -= a[row * dimension + k] * solution[k] }
    solution[row] = sum / a[row * dimension + row]
    row -= 1
  }
  return solution
}

/// A direct solver for small systems: assembles A column by column (d products) and eliminates.
/// The default for small d; exact to rounding, so it is also the reference the iterative solvers
/// are checked against.
public struct DenseEliminationSolver: LinearSolver {
  public init() {}
  public var name: String { "dense elimination" }

  public func solve(
    _ operator: some LinearOperator, _ b: [Double], initialGuess: [Double]?
  ) -> LinearSolveResult {
    let dimension = b.count
    precondition(`operator`.rowCount == dimension && `operator`.columnCount == dimension,
                 "a dense solve needs a square operator matching the right-hand side")
    var matrix = [Double](repeating: 0, count: dimension * dimension)
    var unit = [Double](repeating: 0, count: dimension)
    var column = [Double](repeating: 0, count: dimension)
    for j in 0..<dimension {
      unit[j] = 1
      `operator`.apply(unit, into: &column)
      unit[j] = 0
      for i in 0..<dimension { matrix[i * dimension + j] = column[i] }
    }
    if !matrix.allSatisfy(\.isFinite) {
      return LinearSolveResult(solution: [Double](repeating: .nan, count: dimension),
                               iterations: dimension, relativeResidual: .nan, status: .nonFinite)
    }
    guard let solution = solveByElimination(matrix, b, dimension: dimension) else {
      return LinearSolveResult(solution: [Double](repeating: 0, count: dimension),
                               iterations: dimension, relativeResidual: 1,
                               status: .breakdown("singular matrix"))
    }
    // The residual is measured, not assumed: an ill-conditioned A shows here.
    var residual = 0.0
    var norm = 0.0
    for i in 0..<dimension {
      var sum = b[i]
      for j in 0..<dimension { sum -= matrix[i * dimension + j] * solution[j] }
      residual += sum * sum
      norm += b[i] * b[i]
    }
    let relative = norm > 0 ? (residual / norm).squareRoot() : residual.squareRoot()
    let finite = solution.allSatisfy(\.isFinite)
    return LinearSolveResult(solution: solution, iterations: dimension, relativeResidual: relative,
                             status: finite ? .converged : .nonFinite)
  }
}

/// The solver used when a call does not name one: a dense direct solve for small systems.
///
/// - Parameters:
///   - structure: what is known about A.
///   - dimension: d.
public func defaultLinearSolver(structure: LinearMapStructure, dimension: Int) -> any LinearSolver {
  DenseEliminationSolver()
}
