import LinearAlgebra
import RandomNumbers
import Testing

@Suite("Lanczos extreme eigenvalues")
struct LanczosTests {
  @Test("the smallest and largest eigenvalues of a random SPD matrix match dsyevd")
  func matchesLAPACK() throws {
    var generator = SplitMix64(seed: 31)
    let n = 120
    // BᵀB + I: a random SPD matrix whose spectrum was not chosen by hand.
    let random = TestMatrices.randomMatrix(n, n, using: &generator)
    var a = try random.multiplied(by: random, transposingSelf: true)
    for i in 0..<n { a[i, i] += 1 }
    let reference = try SymmetricEigendecomposition(a).eigenvalues
    let result = try Lanczos(maximumSteps: 120, tolerance: 1e-10).extremeEigenvalues(of: a)
    #expect(result.converged)
    #expect(abs(result.smallestEigenvalue - reference[0]) <= 1e-8 * reference[n - 1])
    #expect(abs(result.largestEigenvalue - reference[n - 1]) <= 1e-8 * reference[n - 1])
    // The bound is the true residual of the Ritz pair.
    let y = result.smallestEigenvector
    var residual = a(y)
    VectorOperations.axpy(-result.smallestEigenvalue, y, &residual)
    #expect(abs(VectorOperations.norm(residual) - result.smallestResidualBound) <= 1e-8 * reference[n - 1])
    #expect(abs(VectorOperations.norm(y) - 1) <= 1e-12)
  }

  @Test("with a projection removing a known null vector it returns the smallest non-zero eigenvalue")
  func projectionRemovesNullVector() throws {
    var generator = SplitMix64(seed: 32)
    let n = 90
    // Like a periodic Hessian: the uniform translation (1, …, 1)/√n is a zero mode.
    let uniform = [Double](repeating: 1 / Double(n).squareRoot(), count: n)
    let v = TestMatrices.randomOrthogonal(n, using: &generator)
    var basis = DenseMatrix.identity(n)
    // An orthonormal basis whose first vector is the uniform one (Gram–Schmidt of [u, V]).
    var columns: [[Double]] = [uniform]
    for k in 0..<n where columns.count < n {
      var column = v.column(k)
      for _ in 0..<2 { for previous in columns { VectorOperations.axpy(-VectorOperations.dot(previous, column), previous, &column) } }
      let norm = VectorOperations.norm(column)
      if norm > 1e-8 { VectorOperations.scale(1 / norm, &column); columns.append(column) }
    }
    for j in 0..<n { for i in 0..<n { basis[i, j] = columns[j][i] } }
    var eigenvalues = TestMatrices.geometric(n, from: 0.02, to: 20)
    eigenvalues[0] = 0
    let hessian = TestMatrices.symmetric(eigenvalues: eigenvalues, eigenvectors: basis)
    let reference = try SymmetricEigendecomposition(hessian).eigenvalues

    let removeTranslation: (inout [Double]) -> Void = { vector in
      let mean = vector.reduce(0, +) / Double(vector.count)
      for i in vector.indices { vector[i] -= mean }
    }
    let projected = try Lanczos(maximumSteps: 90, tolerance: 1e-10, projection: removeTranslation)
      .extremeEigenvalues(of: hessian)
    #expect(abs(projected.smallestEigenvalue - reference[1]) <= 1e-8 * reference[n - 1])
    #expect(abs(projected.smallestEigenvalue - eigenvalues[1]) <= 1e-8)
    #expect(abs(projected.smallestEigenvector.reduce(0, +)) <= 1e-10)

    // Without the projection the zero mode is what it finds.
    let plain = try Lanczos(maximumSteps: 90, tolerance: 1e-10).extremeEigenvalues(of: hessian)
    #expect(abs(plain.smallestEigenvalue) <= 1e-8 * reference[n - 1])
  }

  @Test("few steps give an upper bound on λ_min whose distance to it is within the residual bound")
  func earlyStopBound() throws {
    var generator = SplitMix64(seed: 33)
    let eigenvalues = TestMatrices.geometric(100, from: 1, to: 100)
    let a = TestMatrices.symmetric(eigenvalues: eigenvalues, using: &generator)
    let result = try Lanczos(maximumSteps: 8).extremeEigenvalues(of: a)
    #expect(!result.converged)
    #expect(result.steps == 8)
    #expect(result.smallestEigenvalue >= 1 - 1e-12)
    // Some eigenvalue lies within the bound of the Ritz value.
    #expect(eigenvalues.contains { abs($0 - result.smallestEigenvalue) <= result.smallestResidualBound + 1e-12 })
    #expect(result.largestEigenvalue <= 100 + 1e-12)
  }

  @Test("a projection that annihilates everything is a typed error")
  func annihilatingProjection() {
    #expect(throws: LinearAlgebraError.self) {
      try Lanczos(projection: { vector in for i in vector.indices { vector[i] = 0 } })
        .extremeEigenvalues(of: DenseMatrix.identity(3))
    }
  }
}
