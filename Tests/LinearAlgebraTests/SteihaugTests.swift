import Foundation
import LinearAlgebra
import RandomNumbers
import Testing

@Suite("Truncated (Steihaug) conjugate gradients")
struct SteihaugTests {
  @Test("on a positive definite matrix it is CG: the solution agrees with LAPACK's Cholesky solve")
  func positiveDefinite() throws {
    var generator = SplitMix64(seed: 5)
    let a = TestMatrices.symmetric(eigenvalues: TestMatrices.geometric(40, from: 0.1, to: 10), using: &generator)
    let b = TestMatrices.randomVector(40, using: &generator)
    let reference = try CholeskyFactorization(a).solve(b)
    let result = SteihaugConjugateGradient(tolerance: 1e-13).solve(a, b)
    #expect(result.stop == .converged)
    var difference = reference
    VectorOperations.axpy(-1, result.solution, &difference)
    #expect(VectorOperations.norm(difference) <= 1e-10 * VectorOperations.norm(reference))
  }

  @Test("on an indefinite matrix it stops at non-positive curvature with a descent step of the quadratic model")
  func indefinite() {
    var generator = SplitMix64(seed: 6)
    var eigenvalues = TestMatrices.geometric(30, from: 0.5, to: 5)
    eigenvalues[3] = -2
    let a = TestMatrices.symmetric(eigenvalues: eigenvalues, using: &generator)
    let b = TestMatrices.randomVector(30, using: &generator)
    let result = SteihaugConjugateGradient(tolerance: 1e-13).solve(a, b)
    #expect(result.stop == .nonPositiveCurvature)
    #expect((result.curvature ?? 1) <= 0)
    // q(x) = ½xᵀAx − bᵀx < 0 = q(0): the truncated step lowers the model, and bᵀx > 0.
    let x = result.solution
    let model = 0.5 * VectorOperations.dot(x, a(x)) - VectorOperations.dot(b, x)
    #expect(model < 0)
    #expect(VectorOperations.dot(b, x) > 0)
  }

  @Test("the forcing term is honoured: a loose tolerance stops early with that residual")
  func looseTolerance() {
    var generator = SplitMix64(seed: 7)
    let a = TestMatrices.symmetric(eigenvalues: TestMatrices.geometric(60, from: 1e-3, to: 1), using: &generator)
    let b = TestMatrices.randomVector(60, using: &generator)
    let loose = SteihaugConjugateGradient(tolerance: 1e-2).solve(a, b)
    let tight = SteihaugConjugateGradient(tolerance: 1e-12).solve(a, b)
    #expect(loose.stop == .converged && tight.stop == .converged)
    #expect(loose.iterations < tight.iterations)
    var residual = b
    VectorOperations.axpy(-1, a(loose.solution), &residual)
    #expect(VectorOperations.norm(residual) <= 1.0001e-2 * VectorOperations.norm(b))
  }
}
