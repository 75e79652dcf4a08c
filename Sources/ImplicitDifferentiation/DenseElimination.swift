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

