import CLAPACKE

/// A = V·Λ·Vᵀ for a symmetric A (LAPACK dsyevd, divide and conquer): eigenvalues in ascending order,
/// orthonormal eigenvectors as the columns of V (column k belongs to eigenvalue k).
public struct SymmetricEigendecomposition: Sendable {
  /// λ₀ ≤ λ₁ ≤ … ≤ λₙ₋₁.
  public let eigenvalues: [Double]
  /// V, orthonormal; column k is the eigenvector of `eigenvalues[k]`.
  public let eigenvectors: DenseMatrix

  /// Decomposes `matrix`, which must be symmetric to within `symmetryTolerance` relative to its
  /// largest element (LAPACK reads one triangle only, so an unsymmetric input would otherwise be
  /// silently replaced by a different matrix).
  public init(_ matrix: DenseMatrix, symmetryTolerance: Double = 1e-10) throws(LinearAlgebraError) {
    guard matrix.isSquare else {
      throw .dimensionMismatch(expected: matrix.rowCount, actual: matrix.columnCount)
    }
    guard matrix.isFinite else { throw .nonFiniteInput }
    let n = matrix.rowCount
    let largest = matrix.elements.reduce(0) { max($0, abs($1)) }
    for j in 0..<n {
      for i in (j + 1)..<max(j + 1, n)
      where abs(matrix[i, j] - matrix[j, i]) > symmetryTolerance * largest {
        throw .notSymmetric(row: i, column: j)
      }
    }
    var vectors = matrix.elements
    var values = [Double](repeating: 0, count: n)
    if n > 0 {
      let info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")),
                                Int32(n), &vectors, Int32(n), &values)
      if info != 0 { throw .lapackFailure(routine: "dsyevd", info: Int(info)) }
    }
    eigenvalues = values
    eigenvectors = DenseMatrix(rowCount: n, columnCount: n, columnMajorElements: vectors)
  }
}
