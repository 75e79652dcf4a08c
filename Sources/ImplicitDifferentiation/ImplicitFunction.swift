import LinearAlgebra

/// A solution x*(θ) of F(x, θ) = 0 with the linear maps of F there: the object from which any
/// number of JVPs and VJPs are taken without solving again.
public struct ImplicitSolution {
  /// θ.
  public let parameters: [Double]
  /// x*(θ), as the solver returned it.
  public let solution: [Double]
  /// ‖F(x*, θ)‖₂: how far the solver's x* is from a root. The implicit derivative is exact at an
  /// exact root and its error grows in proportion to this residual (Blondel et al., Theorem 1).
  public let optimalityResidualNorm: Double
  /// A = −∂₁F(x*, θ) and B = ∂₂F(x*, θ).
  public let linearization: any OptimalityLinearization
  /// The solver used when a call does not name one (nil: chosen from the structure and size of A).
  public var linearSolver: (any LinearSolver)?

  public init(
    parameters: [Double], solution: [Double], optimalityResidualNorm: Double,
    linearization: any OptimalityLinearization, linearSolver: (any LinearSolver)? = nil
  ) {
    self.parameters = parameters
    self.solution = solution
    self.optimalityResidualNorm = optimalityResidualNorm
    self.linearization = linearization
    self.linearSolver = linearSolver
  }

  /// J·dθ: solves A (J·dθ) = B·dθ.
  public func jacobianVectorProduct(
    along parameterTangent: [Double], linearSolver: (any LinearSolver)? = nil
  ) throws -> ImplicitProduct {
    try rootJacobianVectorProduct(
      linearization, parameterTangent: parameterTangent,
      linearSolver: linearSolver ?? self.linearSolver)
  }

  /// uᵀJ: solves Aᵀw = u and returns wᵀB.
  public func vectorJacobianProduct(
    _ cotangent: [Double], linearSolver: (any LinearSolver)? = nil
  ) throws -> ImplicitProduct {
    try rootVectorJacobianProduct(
      linearization, cotangent: cotangent, linearSolver: linearSolver ?? self.linearSolver)
  }

  /// J = ∂x*/∂θ, `result[i][j]` = ∂x*ᵢ/∂θⱼ.
  public func jacobian(linearSolver: (any LinearSolver)? = nil) throws -> [[Double]] {
    try rootJacobian(linearization, linearSolver: linearSolver ?? self.linearSolver)
  }
}

/// A solver θ ↦ x*(θ) made differentiable by the optimality conditions its output satisfies:
/// JAXopt's `custom_root` (and `custom_fixed_point` through ``init(fixedPoint:solver:linearSolver:)``).
///
/// The solver is any closure; how it found x* does not matter. The derivative comes from the
/// implicit function theorem applied to F(x*(θ), θ) = 0:
///
///     A J = B,   A = −∂₁F(x*, θ),  B = ∂₂F(x*, θ),  J = ∂x*/∂θ.
public struct ImplicitFunction<Mapping: RootMapping> {
  /// F, whose root the solver returns.
  public var mapping: Mapping
  /// θ ↦ x*(θ).
  public var solver: ([Double]) throws -> [Double]
  /// The linear solver for the derivative systems (nil: chosen from the structure and size of A).
  public var linearSolver: (any LinearSolver)?

  /// Pairs a solver with the optimality mapping its output is a root of.
  public init(
    root mapping: Mapping, solver: @escaping ([Double]) throws -> [Double],
    linearSolver: (any LinearSolver)? = nil
  ) {
    self.mapping = mapping
    self.solver = solver
    self.linearSolver = linearSolver
  }

  /// x*(θ).
  public func callAsFunction(_ parameters: [Double]) throws -> [Double] {
    try solve(at: parameters).solution
  }

  /// Runs the solver at θ, checks its output (length, finiteness, F's output length) and
  /// linearises F there.
  public func solve(at parameters: [Double]) throws -> ImplicitSolution {
    try requireFinite(parameters, "parameters θ")
    let solution = try solver(parameters)
    try requireFinite(solution, "solver output x*")
    let residual = mapping(solution, parameters)
    try requireCount(residual, solution.count, "optimality mapping output F(x*, θ)")
    let norm = residual.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let linearization = mapping.linearization(at: solution, parameters)
    return ImplicitSolution(
      parameters: parameters, solution: solution, optimalityResidualNorm: norm,
      linearization: linearization, linearSolver: linearSolver)
  }

  /// x*(θ) and J·dθ.
  public func jacobianVectorProduct(
    at parameters: [Double], along parameterTangent: [Double], linearSolver: (any LinearSolver)? = nil
  ) throws -> (solution: [Double], tangent: [Double]) {
    try requireCount(parameterTangent, parameters.count, "parameter tangent")
    let solved = try solve(at: parameters)
    let product = try solved.jacobianVectorProduct(along: parameterTangent, linearSolver: linearSolver)
    return (solved.solution, product.value)
  }

  /// x*(θ) and uᵀJ.
  public func vectorJacobianProduct(
    at parameters: [Double], cotangent: [Double], linearSolver: (any LinearSolver)? = nil
  ) throws -> (solution: [Double], cotangent: [Double]) {
    let solved = try solve(at: parameters)
    let product = try solved.vectorJacobianProduct(cotangent, linearSolver: linearSolver)
    return (solved.solution, product.value)
  }

  /// J = ∂x*/∂θ at θ.
  public func jacobian(at parameters: [Double], linearSolver: (any LinearSolver)? = nil) throws
    -> [[Double]]
  {
    try solve(at: parameters).jacobian(linearSolver: linearSolver)
  }
}

extension ImplicitFunction {
  /// A solver whose output is a fixed point x* = T(x*, θ): JAXopt's `custom_fixed_point`, the root
  /// of F = T − x.
  public init<Map: FixedPointMapping>(
    fixedPoint map: Map, solver: @escaping ([Double]) throws -> [Double],
    linearSolver: (any LinearSolver)? = nil
  ) where Mapping == FixedPointResidual<Map> {
    self.init(root: FixedPointResidual(map), solver: solver, linearSolver: linearSolver)
  }
}
