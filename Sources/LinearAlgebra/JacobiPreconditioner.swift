/// M = diag(A): zᵢ = rᵢ / Aᵢᵢ.
///
/// The cheapest useful preconditioner for diagonally dominant operators such as particle Hessians,
/// whose diagonal varies with the local contact number. For MINRES on an indefinite operator use
/// `usingAbsoluteValues: true` (M = |diag(A)|), because MINRES needs M positive definite.
public struct JacobiPreconditioner: Preconditioner {
  /// 1 / Aᵢᵢ (or 1 / |Aᵢᵢ|).
  public let inverseDiagonal: [Double]

  /// Throws ``LinearAlgebraError/singularMatrix(pivotIndex:)`` at the first zero diagonal entry and
  /// ``LinearAlgebraError/nonFiniteInput`` for NaN or infinite entries.
  public init(diagonal: [Double], usingAbsoluteValues: Bool = false) throws(LinearAlgebraError) {
    var inverse = [Double](repeating: 0, count: diagonal.count)
    for (index, value) in diagonal.enumerated() {
      guard value.isFinite else { throw .nonFiniteInput }
      guard value != 0 else { throw .singularMatrix(pivotIndex: index) }
      inverse[index] = 1 / (usingAbsoluteValues ? abs(value) : value)
    }
    inverseDiagonal = inverse
  }

  /// The Jacobi preconditioner of a square dense matrix.
  public init(diagonalOf matrix: DenseMatrix, usingAbsoluteValues: Bool = false) throws(LinearAlgebraError) {
    guard matrix.isSquare else {
      throw .dimensionMismatch(expected: matrix.rowCount, actual: matrix.columnCount)
    }
    try self.init(diagonal: (0..<matrix.rowCount).map { matrix[$0, $0] },
                  usingAbsoluteValues: usingAbsoluteValues)
  }

  public func apply(_ residual: [Double], into result: inout [Double]) {
    precondition(residual.count == inverseDiagonal.count && result.count == inverseDiagonal.count,
                 "JacobiPreconditioner: size mismatch")
    residual.withUnsafeBufferPointer { r in
      inverseDiagonal.withUnsafeBufferPointer { d in
        result.withUnsafeMutableBufferPointer { z in
          for i in 0..<r.count { z[i] = r[i] * d[i] }
        }
      }
    }
  }
}
