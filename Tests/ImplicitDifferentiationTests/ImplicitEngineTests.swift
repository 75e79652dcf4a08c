import DualNumbers
import ImplicitDifferentiation
import LinearAlgebra
import Testing

/// F(x, θ) = Xᵀ(Xx − θ) + ridge·x written by hand as a general root mapping (no symmetry
/// declared), with the targets θ ∈ ℝᵐ as parameters: dim θ grows with m while d stays fixed.
struct LeastSquaresResidual: RootMapping {
  let design: [[Double]]
  let ridge: Double
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    var output = x.map { S.scaled($0, by: ridge) }
    for (row, features) in design.enumerated() {
      var residual = -θ[row]
      for (column, feature) in features.enumerated() { residual += S.scaled(x[column], by: feature) }
      for (column, feature) in features.enumerated() { output[column] += S.scaled(residual, by: feature) }
    }
    return output
  }

  func solve(_ θ: [Double]) -> [Double] {
    var gram = Dense.multiply(Dense.transpose(design), design)
    for i in gram.indices { gram[i][i] += ridge }
    return Dense.solve(gram, Dense.multiply(Dense.transpose(design), θ))
  }
}

/// A mapping whose output is one component short: a shape error the engine must report.
struct TruncatedMapping: RootMapping {
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] { Array(x.dropLast()) }
}

/// F(x, θ) = (x₀ + x₁ − θ₀, x₀ + x₁ − θ₀): a singular ∂₁F.
struct SingularMapping: RootMapping {
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    [x[0] + x[1] - θ[0], x[0] + x[1] - θ[0]]
  }
}

@Suite("The implicit engine: adjoint consistency, cost, errors")
struct ImplicitEngineTests {
  @Test("uᵀ(J v) = (uᵀJ) v for random u, v (general A: proximal gradient on a lasso)", arguments: [1, 2, 3] as [UInt64])
  func adjointConsistencyGeneral(seed: UInt64) throws {
    let problem = LassoProblem(seed: 7)
    let m = problem.targets.count
    let map = ProximalGradientFixedPoint(
      objective: LeastSquares(design: problem.design), proximalOperator: TestSoftThreshold(),
      stepSize: 0.5 / problem.lipschitz, objectiveParameters: 0..<m, proximalParameters: m..<(m + 1))
    let solved = try ImplicitFunction(fixedPoint: map, solver: problem.solve).solve(at: problem.parameters)
    #expect(!solved.linearization.structure.isSymmetric)
    var random = ImplicitTestRandom(seed: seed)
    let u = random.vector(solved.solution.count)
    let v = random.vector(problem.parameters.count)
    for solver in [nil, GMRES(tolerance: 1e-14) as (any LinearSolver)?, BiCGSTAB(tolerance: 1e-14)] {
      let forward = try solved.jacobianVectorProduct(along: v, linearSolver: solver).value
      let reverse = try solved.vectorJacobianProduct(u, linearSolver: solver).value
      #expect(abs(Dense.dot(u, forward) - Dense.dot(reverse, v)) <= 1e-10)
    }
  }

  @Test("uᵀ(J v) = (uᵀJ) v for random u, v (KKT system and ridge stationary point)", arguments: [4, 5] as [UInt64])
  func adjointConsistencyOthers(seed: UInt64) throws {
    var random = ImplicitTestRandom(seed: seed)
    let problem = SimplexQuadraticProblem()
    let d = problem.matrix.count
    let conditions = KarushKuhnTuckerConditions(
      objective: problem.objective, equalities: SumConstraint(dimension: d),
      inequalities: NonNegativity(constraintCount: d), primalDimension: d)
    let z = problem.solve(problem.parameters)
    let ν = problem.equalityMultiplier(problem.parameters, z)
    let gradient = zip(Dense.multiply(problem.matrix, z), problem.linear).map { $0 - $1 }
    let λ = z.indices.map { z[$0] > 0 ? 0 : gradient[$0] + ν }
    let state = conditions.stack(primal: z, equalityDuals: [ν], inequalityDuals: λ)
    let linearization = conditions.linearization(at: state, problem.parameters)
    let u = random.vector(state.count)
    let v = random.vector(problem.parameters.count)
    let forward = try rootJacobianVectorProduct(linearization, parameterTangent: v).value
    let reverse = try rootVectorJacobianProduct(linearization, cotangent: u).value
    #expect(abs(Dense.dot(u, forward) - Dense.dot(reverse, v)) <= 1e-10)

    let ridge = RidgeProblem(seed: seed)
    let solved = try ImplicitFunction(root: StationaryPoint(ridge.objective), solver: ridge.solve)
      .solve(at: [ridge.strength])
    let uRidge = random.vector(solved.solution.count)
    let vRidge = [random.uniform()]
    let forwardRidge = try solved.jacobianVectorProduct(along: vRidge).value
    let reverseRidge = try solved.vectorJacobianProduct(uRidge).value
    #expect(abs(Dense.dot(uRidge, forwardRidge) - Dense.dot(reverseRidge, vRidge)) <= 1e-10)
  }

  @Test("a VJP costs one tape recording and d + 2 sweeps whatever dim θ is (general F)")
  func vectorJacobianCostIndependentOfParameterDimension() throws {
    var random = ImplicitTestRandom(seed: 31)
    let d = 4
    for m in [10, 100, 1_000] {
      let mapping = LeastSquaresResidual(design: random.matrix(m, d), ridge: 0.5)
      let θ = random.vector(m)
      let linearization = AutomaticLinearization(mapping: mapping, state: mapping.solve(θ), parameters: θ)
      let cotangent = random.vector(d)
      let product = try rootVectorJacobianProduct(linearization, cotangent: cotangent)
      #expect(product.value.count == m)
      // F evaluated once, on the tape; Aᵀ assembled densely by d sweeps, one more for the dense
      // solver's residual check, one for wᵀB. Nothing scales with m.
      #expect(linearization.counts.tapeRecordings == 1)
      #expect(linearization.counts.reverseSweeps == d + 2)
      #expect(linearization.counts.forwardEvaluations == 0)
      // The whole d × m Jacobian takes d VJPs (d < m), never m JVPs.
      _ = try rootJacobian(linearization)
      #expect(linearization.counts.forwardEvaluations == 0)
      #expect(linearization.counts.tapeRecordings == 1)
    }
  }

  @Test("an objective's VJP costs d + 2 reverse-over-forward passes whatever dim θ is")
  func objectiveVectorJacobianCost() throws {
    var random = ImplicitTestRandom(seed: 37)
    let d = 3
    for m in [10, 100, 1_000] {
      let mapping = LeastSquaresResidual(design: random.matrix(m, d), ridge: 0.5)
      let objective = LeastSquares(design: mapping.design, ridge: 0.5)
      let θ = random.vector(m)
      let linearization = ObjectiveLinearization(objective: objective, state: mapping.solve(θ), parameters: θ)
      let cotangent = random.vector(d)
      let product = try rootVectorJacobianProduct(linearization, cotangent: cotangent)
      // d Hessian-vector products to assemble A, one for the residual check, one for wᵀB.
      #expect(linearization.counts.tapeRecordings == d + 2)
      #expect(linearization.counts.reverseSweeps == d + 2)
      // And it is the VJP of the hand-written gradient ∇₁f = Xᵀ(Xx − θ) + ridge·x.
      let reference = try rootVectorJacobianProduct(
        AutomaticLinearization(mapping: mapping, state: mapping.solve(θ), parameters: θ),
        cotangent: cotangent)
      #expect(Dense.maximumDifference(product.value, reference.value) <= 1e-10)
    }
  }

  @Test("wrong lengths are typed errors")
  func dimensionMismatch() throws {
    let ridge = RidgeProblem()
    let function = ImplicitFunction(root: StationaryPoint(ridge.objective), solver: ridge.solve)
    let solved = try function.solve(at: [ridge.strength])
    #expect(throws: ImplicitDifferentiationError.dimensionMismatch(
      quantity: "parameter tangent", expected: 1, actual: 2)) {
      try solved.jacobianVectorProduct(along: [1, 2])
    }
    #expect(throws: ImplicitDifferentiationError.dimensionMismatch(
      quantity: "cotangent", expected: 5, actual: 3)) {
      try solved.vectorJacobianProduct([1, 2, 3])
    }
    let truncated = ImplicitFunction(root: TruncatedMapping(), solver: { _ in [1, 2, 3] })
    #expect(throws: ImplicitDifferentiationError.dimensionMismatch(
      quantity: "optimality mapping output F(x*, θ)", expected: 3, actual: 2)) {
      try truncated.solve(at: [0])
    }
  }

  @Test("NaN inputs are typed errors")
  func nonFiniteInputs() throws {
    let ridge = RidgeProblem()
    let function = ImplicitFunction(root: StationaryPoint(ridge.objective), solver: ridge.solve)
    #expect(throws: ImplicitDifferentiationError.nonFinite(quantity: "parameters θ", index: 0)) {
      try function.solve(at: [.nan])
    }
    let solved = try function.solve(at: [ridge.strength])
    #expect(throws: ImplicitDifferentiationError.nonFinite(quantity: "cotangent", index: 2)) {
      try solved.vectorJacobianProduct([0, 1, .infinity, 0, 0])
    }
    #expect(throws: ImplicitDifferentiationError.nonFinite(quantity: "parameter tangent", index: 0)) {
      try solved.jacobianVectorProduct(along: [.nan])
    }
    let broken = ImplicitFunction(root: StationaryPoint(ridge.objective), solver: { _ in
      [0, .nan, 0, 0, 0]
    })
    #expect(throws: ImplicitDifferentiationError.nonFinite(quantity: "solver output x*", index: 1)) {
      try broken.solve(at: [ridge.strength])
    }
  }

  @Test("a solve that does not converge is a typed error with its iterations and residual")
  func nonConvergingSolve() throws {
    let ridge = RidgeProblem(samples: 30, features: 12, strength: 1e-3)
    let function = ImplicitFunction(
      root: StationaryPoint(ridge.objective), solver: ridge.solve,
      linearSolver: ConjugateGradient(tolerance: 1e-14, maximumIterations: 2, stagnationWindow: 0))
    do {
      _ = try function.jacobian(at: [ridge.strength])
      Issue.record("a two-iteration CG solve should not reach 1e-14")
    } catch ImplicitDifferentiationError.linearSolveFailed(let solver, let status, let iterations, let residual) {
      #expect(solver == "cg")
      #expect(status == .maximumIterationsReached)
      #expect(iterations == 2)
      #expect(residual > 1e-14 && residual.isFinite)
    }
  }

  @Test("a singular A is reported, never returned as NaNs")
  func singularSystem() throws {
    let function = ImplicitFunction(root: SingularMapping(), solver: { θ in [θ[0], 0] })
    let solved = try function.solve(at: [1])
    do {
      _ = try solved.jacobianVectorProduct(along: [1])
      Issue.record("a singular system should not be solved")
    } catch ImplicitDifferentiationError.linearSolveFailed(let solver, let status, _, _) {
      #expect(solver == "dense-lu")
      if case .breakdown = status {} else { Issue.record("unexpected status \(status)") }
    }
  }

  @Test("the default solver follows the structure of A and its size")
  func defaultSolverChoice() {
    #expect(defaultLinearSolver(structure: .general, dimension: 10).name == "dense-lu")
    #expect(defaultLinearSolver(structure: .general, dimension: 1_000).name == GMRES().name)
    #expect(defaultLinearSolver(structure: .symmetric, dimension: 1_000).name == MINRES().name)
    #expect(defaultLinearSolver(structure: .symmetricNegativeDefinite, dimension: 1_000).name == "cg")
  }
}
