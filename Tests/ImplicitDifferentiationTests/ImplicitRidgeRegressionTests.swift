import DualNumbers
import ImplicitDifferentiation
import LinearAlgebra
import Testing

/// The ridge regression of Figure 1 of Blondel et al.: f(x, θ) = ½‖Xx − y‖² + ½θ‖x‖², whose
/// solution x*(θ) = (XᵀX + θI)⁻¹Xᵀy has the closed-form derivative ∂x*/∂θ = −(XᵀX + θI)⁻¹x*.
struct RidgeObjective: Objective {
  let design: [[Double]]
  let targets: [Double]
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> S {
    var residual = S(0)
    for (row, features) in design.enumerated() {
      var prediction = S(-targets[row])
      for (column, feature) in features.enumerated() { prediction += S.scaled(x[column], by: feature) }
      residual += prediction * prediction
    }
    var squaredNorm = S(0)
    for value in x { squaredNorm += value * value }
    return S.scaled(residual + θ[0] * squaredNorm, by: 0.5)
  }
}

struct RidgeProblem {
  let design: [[Double]]
  let targets: [Double]
  let strength: Double

  init(design: [[Double]], targets: [Double], strength: Double = 0.7) {
    self.design = design
    self.targets = targets
    self.strength = strength
  }

  init(samples: Int = 12, features: Int = 5, strength: Double = 0.7, seed: UInt64 = 1) {
    var random = ImplicitTestRandom(seed: seed)
    design = random.matrix(samples, features)
    targets = random.vector(samples)
    self.strength = strength
  }

  var objective: RidgeObjective { RidgeObjective(design: design, targets: targets) }

  /// XᵀX + θI.
  func regularisedGram(_ θ: Double) -> [[Double]] {
    var gram = Dense.multiply(Dense.transpose(design), design)
    for i in gram.indices { gram[i][i] += θ }
    return gram
  }

  /// x*(θ) = (XᵀX + θI)⁻¹Xᵀy: the solver handed to the engine.
  func solve(_ θ: [Double]) -> [Double] {
    Dense.solve(regularisedGram(θ[0]), Dense.multiply(Dense.transpose(design), targets))
  }

  /// −(XᵀX + θI)⁻¹x*, as a d × 1 Jacobian.
  var closedFormJacobian: [[Double]] {
    let solution = solve([strength])
    return Dense.solve(regularisedGram(strength), solution).map { [-$0] }
  }
}

@Suite("Ridge regression (Figure 1 of Blondel et al.)")
struct ImplicitRidgeRegressionTests {
  let problem = RidgeProblem()

  @Test("the root formulation F = ∇₁f gives ∂x*/∂θ = −(XᵀX + θI)⁻¹x* to 1e-10")
  func stationaryPoint() throws {
    let ridge = ImplicitFunction(root: StationaryPoint(problem.objective), solver: problem.solve)
    let jacobian = try ridge.jacobian(at: [problem.strength])
    #expect(Dense.maximumDifference(jacobian, problem.closedFormJacobian) <= 1e-10)
    try expectDerivativesMatch(
      ridge.solve(at: [problem.strength]), problem.closedFormJacobian, tolerance: 1e-10)
  }

  @Test("the fixed-point formulation T = x − η∇₁f gives the same Jacobian to 1e-10")
  func gradientDescentFixedPoint() throws {
    let map = GradientDescentFixedPoint(problem.objective, stepSize: 0.05)
    let ridge = ImplicitFunction(fixedPoint: map, solver: problem.solve)
    let jacobian = try ridge.jacobian(at: [problem.strength])
    #expect(Dense.maximumDifference(jacobian, problem.closedFormJacobian) <= 1e-10)
  }

  @Test("differentiating T automatically (reverse over reverse for Aᵀ) agrees with the closed form")
  func automaticFixedPoint() throws {
    let map = GradientDescentFixedPoint(problem.objective, stepSize: 0.05)
    let solution = problem.solve([problem.strength])
    let linearization = AutomaticLinearization(
      mapping: FixedPointResidual(map), state: solution, parameters: [problem.strength])
    let solved = ImplicitSolution(
      parameters: [problem.strength], solution: solution, optimalityResidualNorm: 0,
      linearization: linearization)
    try expectDerivativesMatch(solved, problem.closedFormJacobian, tolerance: 1e-10)
    // One recording served every Aᵀ·w and wᵀB product.
    #expect(linearization.counts.tapeRecordings == 1)
  }

  @Test("every Krylov solver reproduces the closed form", arguments: [
    "cg", "minres", "gmres", "bicgstab", "cgnr",
  ])
  func krylovSolvers(name: String) throws {
    let solver: any LinearSolver = switch name {
    case "cg": ConjugateGradient(tolerance: 1e-13)
    case "minres": MINRES(tolerance: 1e-13)
    case "gmres": GMRES(tolerance: 1e-13)
    case "bicgstab": BiCGSTAB(tolerance: 1e-13)
    default: ConjugateGradientNormalEquations(tolerance: 1e-13)
    }
    let ridge = ImplicitFunction(
      root: StationaryPoint(problem.objective), solver: problem.solve, linearSolver: solver)
    try expectDerivativesMatch(
      ridge.solve(at: [problem.strength]), problem.closedFormJacobian, tolerance: 1e-10)
  }

  @Test("a caller-supplied Hessian-vector product gives the same derivative")
  func suppliedLinearization() throws {
    let gram = problem.regularisedGram(problem.strength)
    let solution = problem.solve([problem.strength])
    // F = ∇₁f = (XᵀX + θI)x − Xᵀy: A = −(XᵀX + θI), B = x.
    let maps = SuppliedLinearization(
      stateDimension: solution.count, parameterDimension: 1, structure: .symmetricNegativeDefinite,
      productA: { v in Dense.multiply(gram, v).map { -$0 } },
      productB: { u in solution.map { $0 * u[0] } },
      transposeProductB: { w in [Dense.dot(solution, w)] })
    let jacobian = try rootJacobian(maps)
    #expect(Dense.maximumDifference(jacobian, problem.closedFormJacobian) <= 1e-10)
  }

  @Test("the RidgeRegression article's code runs as written and agrees with the closed form")
  func articleExample() throws {
    let X = problem.design
    let y = problem.targets
    let u = [Double](repeating: 1, count: X[0].count)
    func solveNormalEquations(_ X: [[Double]], _ y: [Double], strength: Double) -> [Double] {
      RidgeProblem(design: X, targets: y).solve([strength])
    }
    let ridge = RidgeObjective(design: X, targets: y)
    let solution = ImplicitFunction(root: StationaryPoint(ridge)) { θ in
      solveNormalEquations(X, y, strength: θ[0])
    }
    let solved = try solution.solve(at: [10.0])
    let jacobian = try solved.jacobian()
    let tangent = try solved.jacobianVectorProduct(along: [1]).value
    let gradient = try solved.vectorJacobianProduct(u).value
    let fixedPoint = ImplicitFunction(
      fixedPoint: GradientDescentFixedPoint(ridge, stepSize: 0.01)
    ) { θ in solveNormalEquations(X, y, strength: θ[0]) }
    let sameJacobian = try fixedPoint.jacobian(at: [10.0])
    let viaCG = try solved.jacobian(linearSolver: ConjugateGradient(tolerance: 1e-12))

    let reference = RidgeProblem(design: X, targets: y, strength: 10).closedFormJacobian
    #expect(Dense.maximumDifference(jacobian, reference) <= 1e-10)
    #expect(Dense.maximumDifference(tangent, Dense.column(reference, 0)) <= 1e-10)
    #expect(abs(gradient[0] - Dense.dot(u, Dense.column(reference, 0))) <= 1e-10)
    #expect(Dense.maximumDifference(sameJacobian, reference) <= 1e-10)
    #expect(Dense.maximumDifference(viaCG, reference) <= 1e-10)
    #expect(solved.optimalityResidualNorm <= 1e-12)
  }
}
