import Foundation
import LinearAlgebra
import RandomNumbers

/// Test matrices with a known spectrum or singular-value decomposition, so that condition numbers
/// and ‖A⁻¹‖ are known exactly rather than estimated.
enum TestMatrices {
  static func randomVector(_ count: Int, using generator: inout SplitMix64) -> [Double] {
    (0..<count).map { _ in Double.random(in: -1...1, using: &generator) }
  }

  static func randomMatrix(_ rows: Int, _ columns: Int, using generator: inout SplitMix64) -> DenseMatrix {
    DenseMatrix(rowCount: rows, columnCount: columns,
                columnMajorElements: randomVector(rows * columns, using: &generator))
  }

  /// A random orthogonal matrix: Gram–Schmidt (applied twice) on random columns.
  static func randomOrthogonal(_ n: Int, using generator: inout SplitMix64) -> DenseMatrix {
    var q = randomMatrix(n, n, using: &generator)
    for j in 0..<n {
      var column = q.column(j)
      for _ in 0..<2 {
        for k in 0..<j {
          let previous = q.column(k)
          VectorOperations.axpy(-VectorOperations.dot(previous, column), previous, &column)
        }
      }
      VectorOperations.scale(1 / VectorOperations.norm(column), &column)
      for i in 0..<n { q[i, j] = column[i] }
    }
    return q
  }

  /// n values geometrically spaced from `smallest` to `largest`.
  static func geometric(_ n: Int, from smallest: Double, to largest: Double) -> [Double] {
    (0..<n).map { smallest * pow(largest / smallest, Double($0) / Double(max(1, n - 1))) }
  }

  /// V·diag(λ)·Vᵀ with a random orthogonal V: symmetric with exactly the given eigenvalues.
  static func symmetric(eigenvalues: [Double], using generator: inout SplitMix64) -> DenseMatrix {
    let v = randomOrthogonal(eigenvalues.count, using: &generator)
    return symmetric(eigenvalues: eigenvalues, eigenvectors: v)
  }

  static func symmetric(eigenvalues: [Double], eigenvectors v: DenseMatrix) -> DenseMatrix {
    var scaled = v
    for j in 0..<eigenvalues.count { for i in 0..<v.rowCount { scaled[i, j] *= eigenvalues[j] } }
    var a = try! scaled.multiplied(by: v, transposingOther: true)
    // Exact symmetry, so symmetric solvers see a symmetric operator up to BLAS rounding only.
    for j in 0..<a.columnCount { for i in 0..<j { let mean = (a[i, j] + a[j, i]) / 2; a[i, j] = mean; a[j, i] = mean } }
    return a
  }

  /// U·diag(σ)·Vᵀ with V = U·G, G a product of rotations by `angle` in disjoint planes: a
  /// non-symmetric matrix with exactly the given singular values whose eigenvalues stay in the right
  /// half-plane for small angles (so Krylov methods for general matrices converge).
  static func nonsymmetric(singularValues: [Double], angle: Double,
                           using generator: inout SplitMix64) -> DenseMatrix {
    let n = singularValues.count
    let u = randomOrthogonal(n, using: &generator)
    var rotation = DenseMatrix.identity(n)
    var i = 0
    while i + 1 < n {
      rotation[i, i] = cos(angle); rotation[i + 1, i + 1] = cos(angle)
      rotation[i, i + 1] = -sin(angle); rotation[i + 1, i] = sin(angle)
      i += 2
    }
    let v = u * rotation
    var scaled = u
    for j in 0..<n { for r in 0..<n { scaled[r, j] *= singularValues[j] } }
    return try! scaled.multiplied(by: v, transposingOther: true)
  }

  /// An SPD matrix with a wildly varying diagonal, D^½·B·D^½ (B well conditioned): the case Jacobi
  /// preconditioning is for.
  static func badlyScaled(_ base: DenseMatrix, scales: [Double]) -> DenseMatrix {
    var a = base
    for j in 0..<a.columnCount { for i in 0..<a.rowCount { a[i, j] *= (scales[i] * scales[j]).squareRoot() } }
    return a
  }

  /// ‖b − A·x‖ / ‖b‖ computed independently of the solvers (BLAS product, explicit loop).
  static func relativeResidual(_ a: DenseMatrix, _ x: [Double], _ b: [Double]) -> Double {
    let product = a(x)
    var sum = 0.0, normB = 0.0
    for i in 0..<b.count { sum += (b[i] - product[i]) * (b[i] - product[i]); normB += b[i] * b[i] }
    return (sum / normB).squareRoot()
  }

  static func distance(_ x: [Double], _ y: [Double]) -> Double {
    zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
  }
}

