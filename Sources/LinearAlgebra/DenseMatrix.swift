import CBLAS

/// A dense real matrix stored in column-major order (LAPACK's and BLAS's native layout):
/// element (i, j) lives at `elements[i + j·rowCount]`.
///
/// Used for small systems, for validation of the matrix-free solvers, and as the explicit form of an
/// operator assembled column by column.
public struct DenseMatrix: TransposableLinearOperator, Equatable, Sendable {
  public let rowCount: Int
  public let columnCount: Int
  /// Column-major storage, `rowCount·columnCount` values.
  public var elements: [Double]

  /// A matrix from column-major storage.
  public init(rowCount: Int, columnCount: Int, columnMajorElements elements: [Double]) {
    precondition(rowCount >= 0 && columnCount >= 0, "DenseMatrix: negative dimension")
    precondition(elements.count == rowCount * columnCount,
                 "DenseMatrix: \(elements.count) elements for a \(rowCount)×\(columnCount) matrix")
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.elements = elements
  }

  /// The zero matrix.
  public init(rowCount: Int, columnCount: Int) {
    self.init(rowCount: rowCount, columnCount: columnCount,
              columnMajorElements: [Double](repeating: 0, count: rowCount * columnCount))
  }

  /// A matrix from its rows, as one writes it on paper: `DenseMatrix(rows: [[1, 2], [3, 4]])`.
  public init(rows: [[Double]]) {
    let rowCount = rows.count
    let columnCount = rows.first?.count ?? 0
    precondition(rows.allSatisfy { $0.count == columnCount }, "DenseMatrix: ragged rows")
    self.init(rowCount: rowCount, columnCount: columnCount)
    for i in 0..<rowCount { for j in 0..<columnCount { self[i, j] = rows[i][j] } }
  }

  /// The n×n identity.
  public static func identity(_ dimension: Int) -> DenseMatrix {
    diagonal(Array(repeating: 1, count: dimension))
  }

  /// The square matrix with `values` on its diagonal.
  public static func diagonal(_ values: [Double]) -> DenseMatrix {
    var matrix = DenseMatrix(rowCount: values.count, columnCount: values.count)
    for (i, value) in values.enumerated() { matrix[i, i] = value }
    return matrix
  }

  /// The explicit matrix of a linear operator: column j is A·eⱼ (one product per column).
  ///
  /// This is how a Hessian known only through Hessian-vector products is validated against LAPACK.
  public init(assembling linearOperator: some LinearOperator) {
    let rowCount = linearOperator.rowCount
    let columnCount = linearOperator.columnCount
    var elements = [Double](repeating: 0, count: rowCount * columnCount)
    var unit = [Double](repeating: 0, count: columnCount)
    var column = [Double](repeating: 0, count: rowCount)
    for j in 0..<columnCount {
      unit[j] = 1
      linearOperator.apply(unit, into: &column)
      unit[j] = 0
      elements.replaceSubrange(j * rowCount..<(j + 1) * rowCount, with: column)
    }
    self.init(rowCount: rowCount, columnCount: columnCount, columnMajorElements: elements)
  }

  public subscript(row: Int, column: Int) -> Double {
    get { elements[row + column * rowCount] }
    set { elements[row + column * rowCount] = newValue }
  }

  /// Whether the matrix is square.
  public var isSquare: Bool { rowCount == columnCount }

  /// Aᵀ.
  public var transposed: DenseMatrix {
    var result = DenseMatrix(rowCount: columnCount, columnCount: rowCount)
    for j in 0..<columnCount { for i in 0..<rowCount { result[j, i] = self[i, j] } }
    return result
  }

  /// Whether every element is finite.
  public var isFinite: Bool { VectorOperations.isFinite(elements) }

  /// result ← A·x (BLAS dgemv).
  public func apply(_ x: [Double], into result: inout [Double]) {
    precondition(x.count == columnCount && result.count == rowCount, "DenseMatrix.apply: size mismatch")
    guard rowCount > 0 else { return }
    guard columnCount > 0 else { VectorOperations.setZero(&result); return }
    cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(rowCount), Int32(columnCount), 1, elements,
                Int32(rowCount), x, 1, 0, &result, 1)
  }

  /// result ← Aᵀ·x (BLAS dgemv with the transpose flag: no copy of A).
  public func applyTranspose(_ x: [Double], into result: inout [Double]) {
    precondition(x.count == rowCount && result.count == columnCount,
                 "DenseMatrix.applyTranspose: size mismatch")
    guard columnCount > 0 else { return }
    guard rowCount > 0 else { VectorOperations.setZero(&result); return }
    cblas_dgemv(CblasColMajor, CblasTrans, Int32(rowCount), Int32(columnCount), 1, elements,
                Int32(rowCount), x, 1, 0, &result, 1)
  }

  /// The product A·B (BLAS dgemm), optionally with either factor transposed: op(A)·op(B).
  public func multiplied(by other: DenseMatrix, transposingSelf: Bool = false,
                         transposingOther: Bool = false) throws(LinearAlgebraError) -> DenseMatrix {
    let m = transposingSelf ? columnCount : rowCount
    let inner = transposingSelf ? rowCount : columnCount
    let otherInner = transposingOther ? other.columnCount : other.rowCount
    let n = transposingOther ? other.rowCount : other.columnCount
    guard inner == otherInner else { throw .dimensionMismatch(expected: inner, actual: otherInner) }
    var result = DenseMatrix(rowCount: m, columnCount: n)
    guard m > 0, n > 0, inner > 0 else { return result }
    cblas_dgemm(CblasColMajor, transposingSelf ? CblasTrans : CblasNoTrans,
                transposingOther ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(inner), 1, elements, Int32(max(1, rowCount)),
                other.elements, Int32(max(1, other.rowCount)), 0, &result.elements, Int32(m))
    return result
  }

  /// A·B; traps on mismatched inner dimensions like any arithmetic operator (use
  /// ``multiplied(by:transposingSelf:transposingOther:)`` for a thrown error).
  public static func * (lhs: DenseMatrix, rhs: DenseMatrix) -> DenseMatrix {
    do { return try lhs.multiplied(by: rhs) } catch { preconditionFailure("DenseMatrix *: \(error)") }
  }

  /// Column j as an array.
  public func column(_ j: Int) -> [Double] {
    Array(elements[j * rowCount..<(j + 1) * rowCount])
  }
}
