import CBLAS
import Foundation

/// A dense column-major matrix of Doubles with the few BLAS products the examples need.
///
/// The examples keep their own light type (rather than `DenseMatrix`) because their hot loops
/// need in-place `gemm` with accumulation (C ← αAB + βC) and row access without copies.
public struct Matrix: Sendable, Equatable {
  public var rowCount: Int
  public var columnCount: Int
  /// Column-major: element (i, j) is `elements[i + j * rowCount]`.
  public var elements: [Double]

  public init(rowCount: Int, columnCount: Int, elements: [Double]? = nil) {
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.elements = elements ?? [Double](repeating: 0, count: rowCount * columnCount)
    precondition(self.elements.count == rowCount * columnCount, "matrix of the wrong size")
  }

  /// From rows (row-major nested arrays).
  public init(rows: [[Double]]) {
    let columns = rows.first?.count ?? 0
    self.init(rowCount: rows.count, columnCount: columns)
    for (i, row) in rows.enumerated() { for j in 0..<columns { self[i, j] = row[j] } }
  }

  public subscript(row: Int, column: Int) -> Double {
    get { elements[row + column * rowCount] }
    set { elements[row + column * rowCount] = newValue }
  }

  public var transposed: Matrix {
    var result = Matrix(rowCount: columnCount, columnCount: rowCount)
    for j in 0..<columnCount { for i in 0..<rowCount { result[j, i] = self[i, j] } }
    return result
  }

  /// Row i as an array.
  public func row(_ i: Int) -> [Double] { (0..<columnCount).map { self[i, $0] } }

  /// The rows listed, in order.
  public func selectingRows(_ indices: [Int]) -> Matrix {
    var result = Matrix(rowCount: indices.count, columnCount: columnCount)
    for j in 0..<columnCount {
      for (r, i) in indices.enumerated() { result[r, j] = self[i, j] }
    }
    return result
  }

  /// C ← α·op(A)·op(B) + β·C (BLAS dgemm).
  public static func multiply(
    _ a: Matrix, transposing transposeA: Bool = false, _ b: Matrix,
    transposing transposeB: Bool = false, scale α: Double = 1, accumulate β: Double = 0,
    into c: inout Matrix
  ) {
    let m = transposeA ? a.columnCount : a.rowCount
    let k = transposeA ? a.rowCount : a.columnCount
    let n = transposeB ? b.rowCount : b.columnCount
    precondition(k == (transposeB ? b.columnCount : b.rowCount), "inner dimensions differ")
    precondition(c.rowCount == m && c.columnCount == n, "output of the wrong size")
    guard m > 0, n > 0 else { return }
    if k == 0 { for index in c.elements.indices { c.elements[index] *= β }; return }
    cblas_dgemm(CblasColMajor, transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), α,
                a.elements, Int32(max(1, a.rowCount)), b.elements, Int32(max(1, b.rowCount)), β,
                &c.elements, Int32(max(1, m)))
  }

  /// α·op(A)·op(B).
  public static func product(
    _ a: Matrix, transposing transposeA: Bool = false, _ b: Matrix,
    transposing transposeB: Bool = false, scale α: Double = 1
  ) -> Matrix {
    var c = Matrix(rowCount: transposeA ? a.columnCount : a.rowCount,
                   columnCount: transposeB ? b.rowCount : b.columnCount)
    multiply(a, transposing: transposeA, b, transposing: transposeB, scale: α, into: &c)
    return c
  }

  /// The largest singular value squared, ‖A‖₂², by power iteration on AᵀA (a Lipschitz constant
  /// of the gradient of ½‖A·‖²; 1% accuracy is plenty for a step size, hence the safety margin
  /// callers add).
  public func spectralNormSquared(iterations: Int = 100) -> Double {
    var vector = Matrix(rowCount: columnCount, columnCount: 1,
                        elements: (0..<columnCount).map { 1 + 0.01 * Double($0 % 7) })
    var estimate = 0.0
    for _ in 0..<iterations {
      let image = Matrix.product(self, vector)
      let back = Matrix.product(self, transposing: true, image)
      let norm = back.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0 else { return 0 }
      let previous = estimate
      estimate = norm / vector.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
      vector.elements = back.elements.map { $0 / norm }
      if abs(estimate - previous) < 1e-10 * estimate { break }
    }
    return estimate
  }
}

/// ⟨a, b⟩ for equally long arrays.
@inlinable
public func dotProduct(_ a: [Double], _ b: [Double]) -> Double {
  precondition(a.count == b.count, "dot of arrays of different lengths")
  var total = 0.0
  for index in a.indices { total += a[index] * b[index] }
  return total
}
