import LinearAlgebra
import RandomNumbers
import Testing

/// How solvers fail: always with a status that says so and a residual that is the real one, never
/// with NaN passed off as a solution.
@Suite("Iterative solvers report failure honestly")
struct SolverFailureTests {
  static let solvers: [SolverCase] = [
    SolverCase(label: "CG", solver: ConjugateGradient(maximumIterations: 3), kind: .positiveDefinite),
    SolverCase(label: "MINRES", solver: MINRES(maximumIterations: 3), kind: .indefinite),
    SolverCase(label: "BiCGSTAB", solver: BiCGSTAB(maximumIterations: 3), kind: .nonsymmetric),
    SolverCase(label: "GMRES", solver: GMRES(maximumIterations: 3), kind: .nonsymmetric),
    SolverCase(label: "GMRES(2)", solver: GMRES(maximumIterations: 3, restartLength: 2), kind: .nonsymmetric),
    SolverCase(label: "CGNR", solver: ConjugateGradientNormalEquations(maximumIterations: 3),
               kind: .nonsymmetric),
  ]

  @Test("too few iterations: maximumIterationsReached, not converged, with the true residual",
        arguments: solvers)
  func tooFewIterations(_ testCase: SolverCase) {
    let problem = TestProblem.make(testCase.kind)
    let result = testCase.solver.solve(problem.matrix, problem.rightHandSide)
    #expect(result.status == .maximumIterationsReached)
    #expect(!result.converged)
    // BiCGSTAB(ℓ) stops at the last whole sweep of ℓ iterations within the limit.
    #expect(result.iterations <= 3 && result.iterations >= 2)
    let recomputed = TestMatrices.relativeResidual(problem.matrix, result.solution, problem.rightHandSide)
    #expect(abs(result.relativeResidual - recomputed) <= 1e-12 * recomputed)
    #expect(result.relativeResidual > 1e-6)
  }

  @Test("b = 0 gives x = 0, converged, without iterating", arguments: solvers)
  func zeroRightHandSide(_ testCase: SolverCase) {
    let problem = TestProblem.make(testCase.kind)
    let zero = [Double](repeating: 0, count: problem.rightHandSide.count)
    let result = testCase.solver.solve(problem.matrix, zero, initialGuess: problem.rightHandSide)
    #expect(result.converged)
    #expect(result.iterations == 0)
    #expect(result.solution == zero)
    #expect(result.relativeResidual == 0)
  }

  @Test("NaN from the operator or in b is reported as nonFinite", arguments: solvers)
  func nonFinite(_ testCase: SolverCase) {
    let problem = TestProblem.make(testCase.kind)
    let n = problem.rightHandSide.count
    let poisoned = MatrixFreeTransposableOperator(
      rowCount: n, columnCount: n,
      product: { x, result in problem.matrix.apply(x, into: &result); result[n / 2] = .nan },
      transposeProduct: { x, result in problem.matrix.applyTranspose(x, into: &result); result[0] = .nan })
    let result = testCase.solver.solve(poisoned, problem.rightHandSide)
    #expect(result.status == .nonFinite)
    var badB = problem.rightHandSide
    badB[3] = .infinity
    #expect(testCase.solver.solve(problem.matrix, badB).status == .nonFinite)
  }

  @Test("mismatched sizes are reported, not trapped", arguments: solvers)
  func dimensionMismatch(_ testCase: SolverCase) {
    let problem = TestProblem.make(testCase.kind)
    let result = testCase.solver.solve(problem.matrix, [1, 2, 3])
    #expect(!result.converged)
    guard case .breakdown(let reason) = result.status else {
      Issue.record("expected a breakdown, got \(result.status)")
      return
    }
    #expect(reason.contains("dimension mismatch"))
  }

  @Test("BiCGSTAB meets ρ = r̂ᵀr = 0, restarts from the true residual and converges")
  func bicgstabRhoBreakdownRestarts() {
    // First row and column chosen so that Σ_{j≥2} a₁ⱼ aⱼ₁ = 0: with ℓ = 1, (A s)₁ = 0 after the
    // first step, r₁ ⟂ r̂ = e₁ exactly, while r₁ ≠ 0. A fresh shadow vector r̂ = r₁ gets past it.
    let a = DenseMatrix(rows: [[2, 1, 1], [1, 3, 1], [-1, 0, 4]])
    for degree in [1, 2] {
      let result = BiCGSTAB(degree: degree).solve(a, [1, 0, 0])
      #expect(result.status == .converged, "ℓ = \(degree): \(result.status)")
      #expect(VectorOperations.isFinite(result.solution))
      let recomputed = TestMatrices.relativeResidual(a, result.solution, [1, 0, 0])
      #expect(recomputed <= 1e-10)
    }
  }

  @Test("BiCGSTAB on a rotation by 90° (A r ⟂ r) breaks down with a finite iterate")
  func bicgstabRotationBreakdown() {
    let rotation = DenseMatrix(rows: [[0, -1], [1, 0]])
    let result = BiCGSTAB().solve(rotation, [1, 0])
    #expect(result.status == .breakdown("alpha"))
    #expect(result.solution == [0, 0])
    #expect(result.relativeResidual == 1)
    // GMRES solves it: the rotation is perfectly conditioned.
    #expect(GMRES().solve(rotation, [1, 0]).converged)
  }

  @Test("GMRES(1) makes no progress on a rotation and reports stagnation")
  func gmresStagnation() {
    var rotation = DenseMatrix.identity(4)
    rotation[0, 0] = 0; rotation[1, 1] = 0; rotation[0, 1] = -1; rotation[1, 0] = 1
    rotation[2, 2] = 0; rotation[3, 3] = 0; rotation[2, 3] = -1; rotation[3, 2] = 1
    let result = GMRES(restartLength: 1, stagnationWindow: 20).solve(rotation, [1, 0, 1, 0])
    #expect(result.status == .stagnated)
    #expect(result.iterations == 20)
  }

  @Test("CG reports the zero curvature of an indefinite matrix as a breakdown")
  func conjugateGradientIndefinite() {
    let result = ConjugateGradient().solve(DenseMatrix.diagonal([1, -1]), [1, 1])
    guard case .breakdown(let reason) = result.status else {
      Issue.record("expected a breakdown, got \(result.status)")
      return
    }
    #expect(reason.contains("curvature"))
  }

  @Test("MINRES rejects an indefinite preconditioner")
  func minresIndefinitePreconditioner() throws {
    let problem = TestProblem.make(.indefinite)
    let signed = try JacobiPreconditioner(diagonal: (0..<80).map { $0 % 2 == 0 ? 1 : -1 })
    let result = MINRES(preconditioner: signed).solve(problem.matrix, problem.rightHandSide)
    #expect(result.status == .breakdown("preconditioner not positive definite"))
  }

  @Test("CGNR needs Aᵀ: a plain operator is refused, a closure pair works")
  func normalEquationsNeedTranspose() {
    let problem = TestProblem.make(.nonsymmetric)
    let a = problem.matrix
    let plain = MatrixFreeOperator(dimension: 80) { x, result in a.apply(x, into: &result) }
    #expect(ConjugateGradientNormalEquations().solve(plain, problem.rightHandSide).status
            == .breakdown("transpose unavailable"))
    let pair = MatrixFreeTransposableOperator(
      rowCount: 80, columnCount: 80,
      product: { x, result in a.apply(x, into: &result) },
      transposeProduct: { x, result in a.applyTranspose(x, into: &result) })
    #expect(ConjugateGradientNormalEquations().solve(pair, problem.rightHandSide).converged)
  }

  @Test("CGNR solves an overdetermined consistent system")
  func normalEquationsRectangular() throws {
    var generator = SplitMix64(seed: 21)
    let a = TestMatrices.randomMatrix(40, 15, using: &generator)
    let exact = TestMatrices.randomVector(15, using: &generator)
    let b = a(exact)
    let result = ConjugateGradientNormalEquations().solveNormalEquations(a, b)
    #expect(result.converged)
    #expect(TestMatrices.distance(result.solution, exact) <= 1e-8)
  }

  @Test("the dense reference solver reports a singular operator as a breakdown")
  func denseSingular() {
    let result = DenseLinearSolver().solve(DenseMatrix(rows: [[1, 2], [2, 4]]), [1, 1])
    guard case .breakdown(let reason) = result.status else {
      Issue.record("expected a breakdown, got \(result.status)")
      return
    }
    #expect(reason.contains("singular"))
  }

  @Test("the Jacobi preconditioner refuses zero and non-finite diagonals")
  func jacobiValidation() {
    #expect(throws: LinearAlgebraError.singularMatrix(pivotIndex: 1)) {
      try JacobiPreconditioner(diagonal: [1, 0, 2])
    }
    #expect(throws: LinearAlgebraError.nonFiniteInput) { try JacobiPreconditioner(diagonal: [1, .nan]) }
  }
}
