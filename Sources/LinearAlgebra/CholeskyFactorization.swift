import CLAPACKE

/// A = L·Lᵀ for a symmetric positive definite A (LAPACK dpotrf on the lower triangle), reused for any
/// number of right-hand sides (dpotrs).
///
/// Only the lower triangle of A is read. A matrix that is not positive definite throws
/// ``LinearAlgebraError/notPositiveDefinite(leadingMinorOrder:)``.
public struct CholeskyFactorization: Sendable {
  public let dimension: Int
  /// L in the lower triangle, column-major (the upper triangle holds A's untouched values).
  @usableFromInline let factor: [Double]

  public init(_ matrix: DenseMatrix) throws(LinearAlgebraError) {
    guard matrix.isSquare else {
      throw .dimensionMismatch(expected: matrix.rowCount, actual: matrix.columnCount)
    }
    guard matrix.isFinite else { throw .nonFiniteInput }
    let n = matrix.rowCount
    dimension = n
    var factor = matrix.elements
    if n > 0 {
      let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), &factor, Int32(n))
      if info > 0 { throw .notPositiveDefinite(leadingMinorOrder: Int(info)) }
      if info < 0 { throw .lapackFailure(routine: "dpotrf", info: Int(info)) }
    }
    self.factor = factor
  }

  /// The lower-triangular factor L.
  public var lowerFactor: DenseMatrix {
    var result = DenseMatrix(rowCount: dimension, columnCount: dimension)
    for j in 0..<dimension { for i in j..<dimension { result[i, j] = factor[i + j * dimension] } }
    return result
  }

  /// x with A·x = b.
  public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    try solve(DenseMatrix(rowCount: b.count, columnCount: 1, columnMajorElements: b)).elements
  }

  /// X with A·X = B.
  public func solve(_ b: DenseMatrix) throws(LinearAlgebraError) -> DenseMatrix {
    guard b.rowCount == dimension else { throw .dimensionMismatch(expected: dimension, actual: b.rowCount) }
    guard b.isFinite else { throw .nonFiniteInput }
    var solution = b
    guard dimension > 0, b.columnCount > 0 else { return solution }
    let info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), Int32(dimension),
                              Int32(b.columnCount), factor, Int32(dimension), &solution.elements,
                              Int32(dimension))
    if info != 0 { throw .lapackFailure(routine: "dpotrs", info: Int(info)) }
    return solution
  }
}
