import DualNumbers
import ImplicitDifferentiation
import LinearAlgebra
import Testing

// MARK: Problems with known solution derivatives

/// The lasso min_x ½‖Xx − y‖² + λ Σ_{i ∈ L} |xᵢ| (L the penalised components), θ = (y, λ).
///
/// On the support S of x* (with strict complementarity) the solution is
/// x*_S = (X_SᵀX_S)⁻¹(X_Sᵀy − λ s_S), s the signs (zero for unpenalised components), which gives
/// the reference Jacobian ∂x*_S/∂y = (X_SᵀX_S)⁻¹X_Sᵀ, ∂x*_S/∂λ = −(X_SᵀX_S)⁻¹s_S, zero off S.
struct LassoProblem {
  let design: [[Double]]
  let targets: [Double]
  let strength: Double
  /// Which components carry the ℓ1 penalty.
  let penalised: [Bool]

  init(samples: Int = 9, features: Int = 5, strength: Double = 0.4, penalised: [Bool]? = nil,
       seed: UInt64 = 7) {
    var random = ImplicitTestRandom(seed: seed)
    design = random.matrix(samples, features)
    targets = random.vector(samples, -2...2)
    self.strength = strength
    self.penalised = penalised ?? [Bool](repeating: true, count: features)
  }

  var parameters: [Double] { targets + [strength] }
  var lipschitz: Double { design.joined().reduce(0) { $0 + $1 * $1 } }

  /// Proximal-gradient iterations to convergence, then the exact solution on the support found.
  func solve(_ θ: [Double]) -> [Double] {
    let m = design.count
    let y = Array(θ[0..<m])
    let λ = θ[m]
    let d = design[0].count
    let η = 1 / lipschitz
    let transposed = Dense.transpose(design)
    var x = [Double](repeating: 0, count: d)
    for _ in 0..<20_000 {
      let residual = zip(Dense.multiply(design, x), y).map { $0 - $1 }
      let gradient = Dense.multiply(transposed, residual)
      var next = x
      for i in 0..<d {
        let step = x[i] - η * gradient[i]
        next[i] = penalised[i] ? (abs(step) > η * λ ? step - η * λ * (step > 0 ? 1 : -1) : 0) : step
      }
      let change = Dense.maximumDifference(next, x)
      x = next
      if change < 1e-13 { break }
    }
    let support = supportOf(x)
    let gram = support.map { i in support.map { j in Dense.dot(Dense.column(design, i), Dense.column(design, j)) } }
    let rhs = support.map { i in Dense.dot(Dense.column(design, i), y) - λ * sign(x, i) }
    let exact = Dense.solve(gram, rhs)
    var refined = [Double](repeating: 0, count: d)
    for (k, i) in support.enumerated() { refined[i] = exact[k] }
    return refined
  }

  func supportOf(_ x: [Double]) -> [Int] {
    x.indices.filter { !penalised[$0] || x[$0] != 0 }
  }

  func sign(_ x: [Double], _ i: Int) -> Double {
    penalised[i] ? (x[i] > 0 ? 1 : -1) : 0
  }

  func referenceJacobian(at solution: [Double]) -> [[Double]] {
    let d = solution.count
    let m = design.count
    let support = supportOf(solution)
    let gram = support.map { i in support.map { j in Dense.dot(Dense.column(design, i), Dense.column(design, j)) } }
    var jacobian = [[Double]](repeating: [Double](repeating: 0, count: m + 1), count: d)
    for j in 0..<m {
      let column = Dense.solve(gram, support.map { design[j][$0] })
      for (k, i) in support.enumerated() { jacobian[i][j] = column[k] }
    }
    let strengthColumn = Dense.solve(gram, support.map { -sign(solution, $0) })
    for (k, i) in support.enumerated() { jacobian[i][m] = strengthColumn[k] }
    return jacobian
  }
}

/// min ½xᵀQx − cᵀx over the simplex {x ≥ 0, Σx = r}, θ = (c, r).
///
/// On the support S: [Q_SS 1; 1ᵀ 0][x_S; ν] = [c_S; r], so ∂(x_S, ν)/∂θ is that bordered matrix's
/// inverse applied to ∂(c_S, r)/∂θ; components off S have zero derivative.
struct SimplexQuadraticProblem {
  let matrix: [[Double]]
  let linear: [Double]
  let radius: Double

  init(dimension: Int = 5, seed: UInt64 = 11, linear: [Double]? = nil) {
    var random = ImplicitTestRandom(seed: seed)
    matrix = randomPositiveDefinite(dimension, shift: 0.5, using: &random)
    self.linear = linear ?? random.vector(dimension, -3...3)
    radius = 1
  }

  var parameters: [Double] { linear + [radius] }
  var objective: Quadratic { Quadratic(matrix: matrix) }
  var stepSize: Double { 1 / matrix.joined().reduce(0) { $0 + $1 * $1 }.squareRoot() }

  func bordered(_ support: [Int]) -> [[Double]] {
    var system = support.map { i in support.map { j in matrix[i][j] } + [1] }
    system.append([Double](repeating: 1, count: support.count) + [0])
    return system
  }

  /// Projected-gradient iterations, then the exact solution of the bordered system on the support.
  func solve(_ θ: [Double]) -> [Double] {
    let d = matrix.count
    let c = Array(θ[0..<d])
    let r = θ[d]
    let projection = SimplexProjection()
    var x = [Double](repeating: r / Double(d), count: d)
    for _ in 0..<20_000 {
      let gradient = zip(Dense.multiply(matrix, x), c).map { $0 - $1 }
      let next = projection(zip(x, gradient).map { $0 - stepSize * $1 }, [r])
      let change = Dense.maximumDifference(next, x)
      x = next
      if change < 1e-14 { break }
    }
    let support = x.indices.filter { x[$0] > 0 }
    let exact = Dense.solve(bordered(support), support.map { c[$0] } + [r])
    var refined = [Double](repeating: 0, count: d)
    for (k, i) in support.enumerated() { refined[i] = exact[k] }
    return refined
  }

  /// The multiplier ν of Σx = r at the solution (from the bordered system).
  func equalityMultiplier(_ θ: [Double], _ solution: [Double]) -> Double {
    let support = solution.indices.filter { solution[$0] > 0 }
    return Dense.solve(bordered(support), support.map { θ[$0] } + [θ[matrix.count]]).last!
  }

  func referenceJacobian(at solution: [Double]) -> [[Double]] {
    let d = matrix.count
    let support = solution.indices.filter { solution[$0] > 0 }
    let system = bordered(support)
    var jacobian = [[Double]](repeating: [Double](repeating: 0, count: d + 1), count: d)
    for j in 0...d {
      let rhs = support.map { j == $0 ? 1.0 : 0.0 } + [j == d ? 1 : 0]
      let column = Dense.solve(system, rhs)
      for (k, i) in support.enumerated() { jacobian[i][j] = column[k] }
    }
    return jacobian
  }
}

/// Σₖ softplus(aₖᵀx − θₖ) + ½‖x‖²: strictly convex, not quadratic (for Newton's method).
struct SoftplusObjective: Objective {
  let rows: [[Double]]
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> S {
    var total = S(0)
    for (k, row) in rows.enumerated() {
      var argument = -θ[k]
      for (i, a) in row.enumerated() { argument += S.scaled(x[i], by: a) }
      total += S.softplus(argument)
    }
    for value in x { total += S.scaled(value * value, by: 0.5) }
    return total
  }
}

/// Σz − r = 0 with r = θ[d].
struct SumConstraint: ConstraintMapping {
  let dimension: Int
  var constraintCount: Int { 1 }
  func callAsFunction<S: RealScalar>(_ z: [S], _ θ: [S]) -> [S] {
    var total = -θ[dimension]
    for value in z { total += value }
    return [total]
  }
}

/// −z ≤ 0.
struct NonNegativity: ConstraintMapping {
  let constraintCount: Int
  func callAsFunction<S: RealScalar>(_ z: [S], _ θ: [S]) -> [S] { z.map { -$0 } }
}

// MARK: Tests

@Suite("Optimality conditions of Table 1: JVPs and VJPs against known derivatives")
struct ImplicitOptimalityConditionTests {
  @Test("proximal gradient (lasso, soft thresholding): ∂x*/∂(y, λ) matches the support closed form")
  func proximalGradient() throws {
    let problem = LassoProblem()
    let m = problem.targets.count
    let map = ProximalGradientFixedPoint(
      objective: LeastSquares(design: problem.design), proximalOperator: TestSoftThreshold(),
      stepSize: 0.5 / problem.lipschitz, objectiveParameters: 0..<m, proximalParameters: m..<(m + 1))
    let lasso = ImplicitFunction(fixedPoint: map, solver: problem.solve)
    let solved = try lasso.solve(at: problem.parameters)
    let support = problem.supportOf(solved.solution)
    #expect(support.count > 0 && support.count < solved.solution.count, "support \(support)")
    #expect(solved.optimalityResidualNorm <= 1e-12)
    try expectDerivativesMatch(solved, problem.referenceJacobian(at: solved.solution), tolerance: 1e-10)
  }

  @Test("proximal gradient with the library's LassoProximalOperator gives the same derivative")
  func proximalGradientLibraryOperator() throws {
    let problem = LassoProblem()
    let m = problem.targets.count
    let map = ProximalGradientFixedPoint(
      objective: LeastSquares(design: problem.design), proximalOperator: LassoProximalOperator(),
      stepSize: 0.9 / problem.lipschitz, objectiveParameters: 0..<m, proximalParameters: m..<(m + 1))
    let solved = try ImplicitFunction(fixedPoint: map, solver: problem.solve).solve(at: problem.parameters)
    try expectDerivativesMatch(
      solved, problem.referenceJacobian(at: solved.solution), tolerance: 1e-10,
      linearSolver: GMRES(tolerance: 1e-13))
  }

  @Test("block proximal gradient (ℓ1 on one block, none on the other, separate step sizes)")
  func blockProximalGradient() throws {
    let problem = LassoProblem(strength: 1.5, penalised: [true, true, true, false, false], seed: 5)
    let m = problem.targets.count
    let map = BlockProximalGradientFixedPoint(
      objective: LeastSquares(design: problem.design),
      blocks: [
        ProximalBlock(range: 0..<3, stepSize: 0.7 / problem.lipschitz,
                      proximalOperator: TestSoftThreshold(), proximalParameters: m..<(m + 1)),
        ProximalBlock(range: 3..<5, stepSize: 0.3 / problem.lipschitz),
      ],
      objectiveParameters: 0..<m)
    let solved = try ImplicitFunction(fixedPoint: map, solver: problem.solve).solve(at: problem.parameters)
    let zeros = (0..<3).filter { solved.solution[$0] == 0 }
    #expect(!zeros.isEmpty && zeros.count < 3, "penalised block \(solved.solution[0..<3])")
    #expect(solved.optimalityResidualNorm <= 1e-12)
    try expectDerivativesMatch(solved, problem.referenceJacobian(at: solved.solution), tolerance: 1e-10)
  }

  @Test("projected gradient on the simplex: ∂x*/∂(c, r) matches the bordered-system closed form")
  func projectedGradient() throws {
    let problem = SimplexQuadraticProblem()
    let d = problem.matrix.count
    let map = ProjectedGradientFixedPoint(
      objective: problem.objective, projection: SimplexProjection(), stepSize: problem.stepSize,
      objectiveParameters: 0..<d, projectionParameters: d..<(d + 1))
    let solved = try ImplicitFunction(fixedPoint: map, solver: problem.solve).solve(at: problem.parameters)
    let support = solved.solution.indices.filter { solved.solution[$0] > 0 }
    #expect(support.count > 1 && support.count < d, "support \(support)")
    #expect(solved.optimalityResidualNorm <= 1e-12)
    try expectDerivativesMatch(solved, problem.referenceJacobian(at: solved.solution), tolerance: 1e-10)
  }

  @Test("KKT conditions of the same simplex-constrained quadratic program give the same ∂z*/∂θ")
  func karushKuhnTucker() throws {
    let problem = SimplexQuadraticProblem()
    let d = problem.matrix.count
    let conditions = KarushKuhnTuckerConditions(
      objective: problem.objective, equalities: SumConstraint(dimension: d),
      inequalities: NonNegativity(constraintCount: d), primalDimension: d)
    // The solver returns the primal solution and its multipliers: ν from the bordered system,
    // λ = Qz − c + ν1 (zero on the support, positive off it).
    let solver = { (θ: [Double]) -> [Double] in
      let z = problem.solve(θ)
      let ν = problem.equalityMultiplier(θ, z)
      let gradient = zip(Dense.multiply(problem.matrix, z), θ[0..<d]).map { $0 - $1 }
      let λ = z.indices.map { z[$0] > 0 ? 0 : gradient[$0] + ν }
      return conditions.stack(primal: z, equalityDuals: [ν], inequalityDuals: λ)
    }
    let solved = try ImplicitFunction(root: conditions, solver: solver).solve(at: problem.parameters)
    #expect(solved.linearization.stateDimension == 2 * d + 1)
    #expect(solved.optimalityResidualNorm <= 1e-12)
    let (z, _, λ) = conditions.split(solved.solution)
    #expect(λ.allSatisfy { $0 >= 0 } && λ.contains { $0 > 0 }, "strict complementarity: λ = \(λ)")
    let reference = problem.referenceJacobian(at: z)
    for j in 0...d {
      var unit = [Double](repeating: 0, count: d + 1)
      unit[j] = 1
      let tangent = try solved.jacobianVectorProduct(along: unit).value
      #expect(Dense.maximumDifference(Array(tangent[0..<d]), Dense.column(reference, j)) <= 1e-10)
    }
    for i in 0..<d {
      var unit = [Double](repeating: 0, count: 2 * d + 1)
      unit[i] = 1
      let cotangent = try solved.vectorJacobianProduct(unit).value
      #expect(Dense.maximumDifference(cotangent, reference[i]) <= 1e-10)
    }
  }

  @Test("mirror descent (KL geometry) on the simplex: interior solution, iteration converges, derivative matches")
  func mirrorDescent() throws {
    // c = Q x₀ + 0.3·1 makes the interior point x₀ (Σx₀ = 1) the minimiser over the simplex.
    var random = ImplicitTestRandom(seed: 3)
    let interior = { (v: [Double]) in v.map { $0 / v.reduce(0, +) } }(random.vector(4, 0.5...1.5))
    let base = SimplexQuadraticProblem(dimension: 4, seed: 3)
    let c = Dense.multiply(base.matrix, interior).map { $0 + 0.3 }
    let problem = SimplexQuadraticProblem(dimension: 4, seed: 3, linear: c)
    let map = MirrorDescentFixedPoint(problem.objective, stepSize: 0.5 * problem.stepSize)
    // Iterating T converges to x₀.
    var x = [Double](repeating: 0.25, count: 4)
    for _ in 0..<3_000 { x = map(x, c) }
    #expect(Dense.maximumDifference(x, interior) <= 1e-9)

    // The solver may be anything: here the exact bordered solve (θ = c, the sum stays 1).
    let solver = { (θ: [Double]) in problem.solve(θ + [1]) }
    let solved = try ImplicitFunction(fixedPoint: map, solver: solver).solve(at: c)
    #expect(solved.optimalityResidualNorm <= 1e-12)
    let reference = problem.referenceJacobian(at: solved.solution).map { Array($0[0..<4]) }
    try expectDerivativesMatch(solved, reference, tolerance: 1e-10)
  }

  @Test("Newton fixed point: A = ηI at the root, derivative matches central differences of re-solves")
  func newtonFixedPoint() throws {
    var random = ImplicitTestRandom(seed: 17)
    let objective = SoftplusObjective(rows: random.matrix(6, 3))
    let θ = random.vector(6)
    let newton = NewtonFixedPoint(objective, stepSize: 1)
    let solve = { (θ: [Double]) -> [Double] in
      var x = [Double](repeating: 0, count: 3)
      for _ in 0..<50 {
        let next = newton(x, θ)
        if Dense.maximumDifference(next, x) == 0 { break }
        x = next
      }
      return x
    }
    let solved = try ImplicitFunction(fixedPoint: newton, solver: solve).solve(at: θ)
    #expect(solved.optimalityResidualNorm <= 1e-13)
    let differences = centralDifferenceJacobian(at: θ, step: 1e-5, solve: solve)
    try expectDerivativesMatch(solved, differences, tolerance: 1e-8)

    // The same derivative as the stationary point, to rounding.
    let stationary = try ImplicitFunction(root: StationaryPoint(objective), solver: solve).jacobian(at: θ)
    #expect(Dense.maximumDifference(try solved.jacobian(), stationary) <= 1e-12)

    // Differentiating T itself (through the Hessian and its elimination, third-order nesting)
    // agrees at the root, where the neglected term vanishes.
    let automatic = AutomaticLinearization(
      mapping: FixedPointResidual(newton), state: solved.solution, parameters: θ)
    #expect(Dense.maximumDifference(try rootJacobian(automatic), stationary) <= 1e-10)
  }

  @Test("stationary point of a non-quadratic objective matches central differences")
  func stationaryPointNonQuadratic() throws {
    var random = ImplicitTestRandom(seed: 23)
    let objective = SoftplusObjective(rows: random.matrix(5, 4))
    let θ = random.vector(5)
    let newton = NewtonFixedPoint(objective)
    let solve = { (θ: [Double]) -> [Double] in
      var x = [Double](repeating: 0, count: 4)
      for _ in 0..<50 { x = newton(x, θ) }
      return x
    }
    let solved = try ImplicitFunction(root: StationaryPoint(objective), solver: solve).solve(at: θ)
    try expectDerivativesMatch(
      solved, centralDifferenceJacobian(at: θ, step: 1e-5, solve: solve), tolerance: 1e-8)
  }
}
