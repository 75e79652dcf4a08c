import LinearAlgebra
import RandomNumbers
import Testing

/// The specification of every matrix-free solver: on systems it is meant for, it converges to
/// LAPACK's solution within the perturbation bound its residual allows, and it reports the residual
/// it really has.
@Suite("Iterative solvers agree with LAPACK's dense solve")
struct IterativeSolverAgreementTests {
  static func jacobi(_ kind: TestProblem.Kind, absolute: Bool = false) -> JacobiPreconditioner {
    try! JacobiPreconditioner(diagonalOf: TestProblem.make(kind).matrix, usingAbsoluteValues: absolute)
  }

  static let cases: [SolverCase] = [
    SolverCase(label: "CG", solver: ConjugateGradient(), kind: .positiveDefinite),
    SolverCase(label: "CG", solver: ConjugateGradient(tolerance: 1e-9), kind: .positiveDefiniteIllConditioned),
    SolverCase(label: "CG + Jacobi", solver: ConjugateGradient(preconditioner: jacobi(.positiveDefiniteBadlyScaled)),
               kind: .positiveDefiniteBadlyScaled),
    SolverCase(label: "MINRES", solver: MINRES(), kind: .positiveDefinite),
    SolverCase(label: "MINRES", solver: MINRES(tolerance: 1e-9), kind: .positiveDefiniteIllConditioned),
    SolverCase(label: "MINRES", solver: MINRES(), kind: .indefinite),
    SolverCase(label: "MINRES + |Jacobi|",
               solver: MINRES(preconditioner: jacobi(.indefiniteBadlyScaled, absolute: true)),
               kind: .indefiniteBadlyScaled),
    SolverCase(label: "BiCGSTAB", solver: BiCGSTAB(), kind: .positiveDefinite),
    SolverCase(label: "BiCGSTAB", solver: BiCGSTAB(), kind: .indefinite),
    SolverCase(label: "BiCGSTAB", solver: BiCGSTAB(), kind: .nonsymmetric),
    SolverCase(label: "BiCGSTAB", solver: BiCGSTAB(tolerance: 1e-9), kind: .nonsymmetricIllConditioned),
    SolverCase(label: "BiCGSTAB + Jacobi", solver: BiCGSTAB(preconditioner: jacobi(.nonsymmetricBadlyScaled)),
               kind: .nonsymmetricBadlyScaled),
    SolverCase(label: "GMRES(30)", solver: GMRES(), kind: .positiveDefinite),
    // Restarted GMRES(30) stalls on this indefinite spectrum (a known limitation of restarting).
    SolverCase(label: "GMRES(80)", solver: GMRES(restartLength: 80), kind: .indefinite),
    SolverCase(label: "GMRES(30)", solver: GMRES(), kind: .nonsymmetric),
    SolverCase(label: "GMRES(80)", solver: GMRES(tolerance: 1e-9, restartLength: 80),
               kind: .nonsymmetricIllConditioned),
    SolverCase(label: "GMRES(30) + Jacobi", solver: GMRES(preconditioner: jacobi(.nonsymmetricBadlyScaled)),
               kind: .nonsymmetricBadlyScaled),
    SolverCase(label: "CGNR", solver: ConjugateGradientNormalEquations(), kind: .nonsymmetric),
    SolverCase(label: "CGNR", solver: ConjugateGradientNormalEquations(tolerance: 1e-8),
               kind: .nonsymmetricModeratelyConditioned),
    SolverCase(label: "CGNR", solver: ConjugateGradientNormalEquations(), kind: .indefinite),
    SolverCase(label: "dense LU", solver: DenseLinearSolver(), kind: .nonsymmetricIllConditioned),
  ]

  @Test("converges to the LAPACK solution within ‖A⁻¹‖·(residuals)", arguments: cases)
  func agreesWithLAPACK(_ testCase: SolverCase) throws {
    let problem = TestProblem.make(testCase.kind)
    let a = problem.matrix, b = problem.rightHandSide
    let reference = try LUFactorization(a).solve(b)
    let result = testCase.solver.solve(a, b)

    #expect(result.status == .converged, "\(result.status) after \(result.iterations) iterations")
    let tolerance = Self.tolerance(of: testCase.solver)
    #expect(result.relativeResidual <= tolerance)
    let recomputed = TestMatrices.relativeResidual(a, result.solution, b)
    #expect(abs(result.relativeResidual - recomputed) <= 1e-6 * recomputed + 1e-16,
            "reported \(result.relativeResidual), recomputed \(recomputed)")

    let normOfB = VectorOperations.norm(b)
    let referenceResidual = TestMatrices.relativeResidual(a, reference, b)
    let bound = problem.inverseNormBound * (recomputed + referenceResidual) * normOfB
    let error = TestMatrices.distance(result.solution, reference)
    #expect(error <= 1.01 * bound + 1e-14 * VectorOperations.norm(reference), "error \(error), bound \(bound)")
  }

  /// BiCGSTAB's recurrences on an ill-conditioned non-normal matrix stall (ω ≈ 0) at a level set by
  /// the rounding of the inner products, so whether a given matrix of this family converged depended
  /// on the processor's BLAS kernel: with ℓ = 1 and no restarts, 2 of these 40 stagnated with
  /// OpenBLAS's Haswell kernels and 1 (another) with its Prescott kernels. BiCGSTAB(2) with restarts
  /// from the true residual must converge on every one, whichever kernel rounds the sums.
  @Test("BiCGSTAB converges on 40 random ill-conditioned non-normal systems, whatever the BLAS kernel")
  func bicgstabFamily() throws {
    let n = 80
    var failures: [String] = []
    for seed in 0..<40 {
      var generator = SplitMix64(seed: 1000 + UInt64(seed))
      let a = TestMatrices.nonsymmetric(singularValues: TestMatrices.geometric(n, from: 1e-3, to: 1e3),
                                        angle: 0.2, using: &generator)
      let b = TestMatrices.randomVector(n, using: &generator)
      let result = BiCGSTAB(tolerance: 1e-9).solve(a, b)
      let recomputed = TestMatrices.relativeResidual(a, result.solution, b)
      if !result.converged || recomputed > 1.01e-9 {
        failures.append("seed \(seed): \(result.status), residual \(recomputed)")
      }
    }
    #expect(failures.isEmpty, "\(failures)")
  }

  static func tolerance(of solver: any LinearSolver) -> Double {
    switch solver {
    case let solver as ConjugateGradient: return solver.tolerance
    case let solver as MINRES: return solver.tolerance
    case let solver as BiCGSTAB: return solver.tolerance
    case let solver as GMRES: return solver.tolerance
    case let solver as ConjugateGradientNormalEquations: return solver.tolerance
    case let solver as DenseLinearSolver: return solver.tolerance
    default: return 1e-10
    }
  }

  @Test("preconditioning reduces the iteration count on badly scaled systems")
  func preconditioningHelps() {
    let problem = TestProblem.make(.positiveDefiniteBadlyScaled)
    let plain = ConjugateGradient(maximumIterations: 5000).solve(problem.matrix, problem.rightHandSide)
    let preconditioned = ConjugateGradient(preconditioner: Self.jacobi(.positiveDefiniteBadlyScaled))
      .solve(problem.matrix, problem.rightHandSide)
    #expect(preconditioned.converged)
    #expect(preconditioned.iterations < plain.iterations)
  }

  @Test("CG solves a consistent semidefinite system (a null vector, b orthogonal to it) to the minimum-norm solution")
  func semidefiniteConsistent() throws {
    var generator = SplitMix64(seed: 11)
    let n = 60
    var eigenvalues = TestMatrices.geometric(n, from: 0.5, to: 50)
    eigenvalues[0] = 0
    let v = TestMatrices.randomOrthogonal(n, using: &generator)
    let a = TestMatrices.symmetric(eigenvalues: eigenvalues, eigenvectors: v)
    let nullVector = v.column(0)
    var b = TestMatrices.randomVector(n, using: &generator)
    VectorOperations.axpy(-VectorOperations.dot(nullVector, b), nullVector, &b)
    let result = ConjugateGradient().solve(a, b)
    #expect(result.converged)
    // Minimum-norm solution V Λ⁺ Vᵀ b, from the known decomposition.
    var expected = [Double](repeating: 0, count: n)
    for k in 1..<n {
      let column = v.column(k)
      VectorOperations.axpy(VectorOperations.dot(column, b) / eigenvalues[k], column, &expected)
    }
    #expect(TestMatrices.distance(result.solution, expected) <= 1e-8 * VectorOperations.norm(expected))
  }

  @Test("an initial guess is used: starting from the solution converges at once")
  func initialGuess() throws {
    let problem = TestProblem.make(.positiveDefinite)
    let exact = try LUFactorization(problem.matrix).solve(problem.rightHandSide)
    let result = ConjugateGradient().solve(problem.matrix, problem.rightHandSide, initialGuess: exact)
    #expect(result.converged)
    #expect(result.iterations == 0)
  }
}
