import CLAPACKE

/// P·A = L·U with partial pivoting (LAPACK dgetrf), reused for any number of right-hand sides
/// (dgetrs).
///
/// Exactly zero pivots and numerically singular matrices (reciprocal 1-norm condition number, from
/// dgecon, below machine epsilon) are reported as ``LinearAlgebraError/singularMatrix(pivotIndex:)``
/// rather than producing infinities.
public struct LUFactorization: Sendable {
  public let dimension: Int
  /// L (unit lower, below the diagonal) and U (upper) packed in column-major order, as dgetrf leaves them.
  @usableFromInline let factors: [Double]
  /// LAPACK's 1-based row interchanges.
  @usableFromInline let pivots: [Int32]
  /// Estimate of 1 / (‖A‖₁ ‖A⁻¹‖₁).
  public let reciprocalConditionNumber: Double

  public init(_ matrix: DenseMatrix) throws(LinearAlgebraError) {
    guard matrix.isSquare else {
      throw .dimensionMismatch(expected: matrix.rowCount, actual: matrix.columnCount)
    }
    guard matrix.isFinite else { throw .nonFiniteInput }
    let n = matrix.rowCount
    dimension = n
    var factors = matrix.elements
    var pivots = [Int32](repeating: 0, count: n)
    guard n > 0 else {
      self.factors = factors; self.pivots = pivots; reciprocalConditionNumber = 1; return
    }
    let oneNorm = LAPACKE_dlange(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "1")), Int32(n), Int32(n),
                                 factors, Int32(n))
    let info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, Int32(n), Int32(n), &factors, Int32(n), &pivots)
    if info > 0 { throw .singularMatrix(pivotIndex: Int(info) - 1) }
    if info < 0 { throw .lapackFailure(routine: "dgetrf", info: Int(info)) }
    var reciprocal = 0.0
    let conditionInfo = LAPACKE_dgecon(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "1")), Int32(n), factors,
                                       Int32(n), oneNorm, &reciprocal)
    if conditionInfo != 0 { throw .lapackFailure(routine: "dgecon", info: Int(conditionInfo)) }
    // An exact zero pivot is rare in floating point; a rank-deficient matrix usually shows up as a
    // pivot at rounding level instead, which would turn the solve into noise of size 1/ε.
    if !(reciprocal >= Double.ulpOfOne) {
      var smallest = 0
      for k in 0..<n where abs(factors[k + k * n]) < abs(factors[smallest + smallest * n]) { smallest = k }
      throw .singularMatrix(pivotIndex: smallest)
    }
    self.factors = factors
    self.pivots = pivots
    reciprocalConditionNumber = reciprocal
  }

  /// x with A·x = b.
  public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    let solution = try solve(DenseMatrix(rowCount: b.count, columnCount: 1, columnMajorElements: b))
    return solution.elements
  }

  /// X with A·X = B, for all columns of B at once.
  public func solve(_ b: DenseMatrix) throws(LinearAlgebraError) -> DenseMatrix {
    guard b.rowCount == dimension else { throw .dimensionMismatch(expected: dimension, actual: b.rowCount) }
    guard b.isFinite else { throw .nonFiniteInput }
    var solution = b
    guard dimension > 0, b.columnCount > 0 else { return solution }
    let info = LAPACKE_dgetrs(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), Int32(dimension),
                              Int32(b.columnCount), factors, Int32(dimension), pivots,
                              &solution.elements, Int32(dimension))
    if info != 0 { throw .lapackFailure(routine: "dgetrs", info: Int(info)) }
    return solution
  }
}

extension DenseMatrix {
  /// x with A·x = b, by LU with partial pivoting.
  public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    try LUFactorization(self).solve(b)
  }
}
