import LinearAlgebra
import RandomNumbers
import Testing

@Suite("Dense matrices and LAPACK factorisations")
struct DenseFactorizationTests {
  @Test("storage is column-major and products match explicit sums")
  func productsMatchSums() throws {
    var generator = SplitMix64(seed: 1)
    let a = TestMatrices.randomMatrix(7, 5, using: &generator)
    let b = TestMatrices.randomMatrix(5, 4, using: &generator)
    #expect(a.elements[2 + 3 * 7] == a[2, 3])
    let x = TestMatrices.randomVector(5, using: &generator)
    let y = TestMatrices.randomVector(7, using: &generator)
    let ax = a(x)
    let aty = a.applyTranspose(y)
    for i in 0..<7 {
      let expected = (0..<5).reduce(0) { $0 + a[i, $1] * x[$1] }
      #expect(abs(ax[i] - expected) <= 1e-14)
    }
    for j in 0..<5 {
      let expected = (0..<7).reduce(0) { $0 + a[$1, j] * y[$1] }
      #expect(abs(aty[j] - expected) <= 1e-14)
    }
    let ab = a * b
    for i in 0..<7 {
      for j in 0..<4 {
        let expected = (0..<5).reduce(0) { $0 + a[i, $1] * b[$1, j] }
        #expect(abs(ab[i, j] - expected) <= 1e-14)
      }
    }
    let atA = try a.multiplied(by: a, transposingSelf: true)
    #expect(TestMatrices.distance(atA.elements, (a.transposed * a).elements) <= 1e-13)
    #expect(throws: LinearAlgebraError.dimensionMismatch(expected: 5, actual: 7)) { try a.multiplied(by: a) }
  }

  @Test("a matrix assembled from an operator's products on unit vectors equals the matrix")
  func assemblyFromOperator() {
    var generator = SplitMix64(seed: 2)
    let a = TestMatrices.randomMatrix(6, 4, using: &generator)
    let wrapped = MatrixFreeOperator(rowCount: 6, columnCount: 4) { x, result in a.apply(x, into: &result) }
    #expect(DenseMatrix(assembling: wrapped) == a)
  }

  @Test("LU solves A x = b to rounding and reuses the factorisation for many right-hand sides")
  func luSolve() throws {
    var generator = SplitMix64(seed: 3)
    let a = TestMatrices.randomMatrix(60, 60, using: &generator)
    let b = TestMatrices.randomVector(60, using: &generator)
    let x = try a.solve(b)
    #expect(TestMatrices.relativeResidual(a, x, b) <= 1e-12)
    let rightHandSides = TestMatrices.randomMatrix(60, 3, using: &generator)
    let solutions = try LUFactorization(a).solve(rightHandSides)
    let residual = a * solutions
    #expect(TestMatrices.distance(residual.elements, rightHandSides.elements) <= 1e-11)
  }

  @Test("LU throws a typed error with the pivot index on singular input")
  func luSingular() throws {
    let exactlySingular = DenseMatrix(rows: [[1, 2], [2, 4]])
    #expect(throws: LinearAlgebraError.singularMatrix(pivotIndex: 1)) { try LUFactorization(exactlySingular) }
    // Rank 5 of 8 in floating point: no exact zero pivot, caught by the condition estimate.
    var generator = SplitMix64(seed: 4)
    let left = TestMatrices.randomMatrix(8, 5, using: &generator)
    let right = TestMatrices.randomMatrix(5, 8, using: &generator)
    #expect {
      try LUFactorization(left * right)
    } throws: { error in
      if case LinearAlgebraError.singularMatrix = error { return true } else { return false }
    }
  }

  @Test("bad input throws typed errors rather than crashing or returning NaN")
  func badInput() {
    #expect(throws: LinearAlgebraError.nonFiniteInput) {
      try LUFactorization(DenseMatrix(rows: [[1, .nan], [0, 1]]))
    }
    #expect(throws: LinearAlgebraError.dimensionMismatch(expected: 2, actual: 3)) {
      try LUFactorization(DenseMatrix(rowCount: 2, columnCount: 3))
    }
    #expect(throws: LinearAlgebraError.dimensionMismatch(expected: 2, actual: 3)) {
      try LUFactorization(DenseMatrix.identity(2)).solve([1, 2, 3])
    }
    #expect(throws: LinearAlgebraError.nonFiniteInput) {
      try CholeskyFactorization(DenseMatrix.identity(2)).solve([1, .infinity])
    }
    #expect(throws: LinearAlgebraError.notSymmetric(row: 1, column: 0)) {
      try SymmetricEigendecomposition(DenseMatrix(rows: [[1, 2], [3, 4]]))
    }
  }

  @Test("Cholesky solves SPD systems and reports the failing leading minor of indefinite ones")
  func cholesky() throws {
    var generator = SplitMix64(seed: 5)
    let a = TestMatrices.symmetric(eigenvalues: TestMatrices.geometric(50, from: 0.1, to: 100),
                                   using: &generator)
    let b = TestMatrices.randomVector(50, using: &generator)
    let factorization = try CholeskyFactorization(a)
    #expect(TestMatrices.relativeResidual(a, try factorization.solve(b), b) <= 1e-12)
    let l = factorization.lowerFactor
    #expect(TestMatrices.distance((try l.multiplied(by: l, transposingOther: true)).elements, a.elements) <= 1e-11)
    let indefinite = DenseMatrix(rows: [[4, 2, 0], [2, 1, 0], [0, 0, 1]])
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinorOrder: 2)) {
      try CholeskyFactorization(indefinite)
    }
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinorOrder: 1)) {
      try CholeskyFactorization(DenseMatrix.diagonal([-1, 1]))
    }
  }

  @Test("the symmetric eigendecomposition satisfies A V = V Λ with orthonormal V, eigenvalues ascending")
  func eigendecomposition() throws {
    var generator = SplitMix64(seed: 6)
    let eigenvalues = [-3.0, -0.5, 0, 1e-3, 2, 2, 7, 40]
    let a = TestMatrices.symmetric(eigenvalues: eigenvalues, using: &generator)
    let decomposition = try SymmetricEigendecomposition(a)
    #expect(zip(decomposition.eigenvalues, eigenvalues).allSatisfy { abs($0 - $1) <= 1e-12 })
    #expect(decomposition.eigenvalues == decomposition.eigenvalues.sorted())
    let v = decomposition.eigenvectors
    var scaled = v
    for j in 0..<8 { for i in 0..<8 { scaled[i, j] *= decomposition.eigenvalues[j] } }
    #expect(TestMatrices.distance((a * v).elements, scaled.elements) <= 1e-12)
    let gram = try v.multiplied(by: v, transposingSelf: true)
    #expect(TestMatrices.distance(gram.elements, DenseMatrix.identity(8).elements) <= 1e-13)
  }
}
