import LinearAlgebra

/// An implicit derivative product together with the linear solve that produced it, so that callers
/// can report iterations and residuals next to the sensitivity.
public struct ImplicitProduct: Sendable {
  /// J·dθ (length d) for a JVP, uᵀJ (length n) for a VJP.
  public var value: [Double]
  /// The solve of A·z = B·dθ (JVP) or Aᵀ·w = u (VJP).
  public var linearSolve: LinearSolveResult

  public init(value: [Double], linearSolve: LinearSolveResult) {
    self.value = value
    self.linearSolve = linearSolve
  }
}

/// Solves A·z = rhs (or Aᵀ·z = rhs), negating both sides when A is negative definite so that CG
/// sees a positive definite operator, and turns a failed solve into a typed error.
@usableFromInline
func solveImplicitSystem(
  _ linearization: some OptimalityLinearization, transposed: Bool, _ rhs: [Double],
  linearSolver: (any LinearSolver)?
) throws -> LinearSolveResult {
  let dimension = linearization.stateDimension
  // A zero right-hand side has the zero solution, whatever the solver would make of ‖b‖ = 0.
  if rhs.allSatisfy({ $0 == 0 }) {
    return LinearSolveResult(solution: [Double](repeating: 0, count: dimension), iterations: 0,
                             relativeResidual: 0, status: .converged)
  }
  let structure = linearization.structure
  let solver = linearSolver ?? defaultLinearSolver(structure: structure, dimension: dimension)
  let negate = structure == .symmetricNegativeDefinite
  let matrix = transposed && !structure.isSymmetric
    ? linearization.operatorATranspose(negated: negate) : linearization.operatorA(negated: negate)
  let result = solver.solve(matrix, negate ? rhs.map { -$0 } : rhs, initialGuess: nil)
  guard result.converged, result.solution.allSatisfy(\.isFinite) else {
    throw ImplicitDifferentiationError.linearSolveFailed(
      solver: solver.name, status: result.converged ? .nonFinite : result.status,
      iterations: result.iterations, relativeResidual: result.relativeResidual)
  }
  return result
}

/// The Jacobian-vector product J·dθ of the root x*(θ) of F, JAXopt's `root_jvp`:
///
///     A (J·dθ) = B·dθ,   A = −∂₁F(x*, θ),  B = ∂₂F(x*, θ).
///
/// One product with B and one linear solve with A.
///
/// - Parameters:
///   - linearization: the linear maps of F at the root.
///   - parameterTangent: dθ, of length n.
///   - linearSolver: any solver; nil picks one from the structure and size of A
///     (``defaultLinearSolver(structure:dimension:)``).
/// - Throws: ``ImplicitDifferentiationError`` on a wrong length, a non-finite tangent or B·dθ, or a
///   solve that does not converge.
public func rootJacobianVectorProduct(
  _ linearization: some OptimalityLinearization, parameterTangent: [Double],
  linearSolver: (any LinearSolver)? = nil
) throws -> ImplicitProduct {
  try requireCount(parameterTangent, linearization.parameterDimension, "parameter tangent")
  try requireFinite(parameterTangent, "parameter tangent")
  let rhs = linearization.applyB(parameterTangent)
  try requireCount(rhs, linearization.stateDimension, "B·dθ")
  try requireFinite(rhs, "B·dθ")
  let solve = try solveImplicitSystem(
    linearization, transposed: false, rhs, linearSolver: linearSolver)
  return ImplicitProduct(value: solve.solution, linearSolve: solve)
}

/// The vector-Jacobian product uᵀJ of the root x*(θ) of F, JAXopt's `root_vjp`:
///
///     Aᵀ w = u,   uᵀJ = wᵀB.
///
/// One solve with Aᵀ and one product wᵀB serve every component of θ: the cost does not grow with n.
///
/// - Parameters:
///   - linearization: the linear maps of F at the root.
///   - cotangent: u, of length d.
///   - linearSolver: any solver; nil picks one from the structure and size of A.
/// - Returns: the row vector uᵀJ (length n) as an array.
/// - Throws: ``ImplicitDifferentiationError`` on a wrong length, a non-finite cotangent, or a solve
///   that does not converge.
public func rootVectorJacobianProduct(
  _ linearization: some OptimalityLinearization, cotangent: [Double],
  linearSolver: (any LinearSolver)? = nil
) throws -> ImplicitProduct {
  try requireCount(cotangent, linearization.stateDimension, "cotangent")
  try requireFinite(cotangent, "cotangent")
  let solve = try solveImplicitSystem(
    linearization, transposed: true, cotangent, linearSolver: linearSolver)
  let value = linearization.applyBTranspose(solve.solution)
  try requireCount(value, linearization.parameterDimension, "wᵀB")
  try requireFinite(value, "wᵀB")
  return ImplicitProduct(value: value, linearSolve: solve)
}

/// The full Jacobian J = ∂x*/∂θ (d rows, n columns; `result[i][j]` = ∂x*ᵢ/∂θⱼ), from n JVPs or
/// d VJPs, whichever is fewer.
public func rootJacobian(
  _ linearization: some OptimalityLinearization, linearSolver: (any LinearSolver)? = nil
) throws -> [[Double]] {
  let d = linearization.stateDimension
  let n = linearization.parameterDimension
  var jacobian = [[Double]](repeating: [Double](repeating: 0, count: n), count: d)
  if n <= d {
    for column in 0..<n {
      var unit = [Double](repeating: 0, count: n)
      unit[column] = 1
      let product = try rootJacobianVectorProduct(
        linearization, parameterTangent: unit, linearSolver: linearSolver)
      for row in 0..<d { jacobian[row][column] = product.value[row] }
    }
  } else {
    for row in 0..<d {
      var unit = [Double](repeating: 0, count: d)
      unit[row] = 1
      jacobian[row] = try rootVectorJacobianProduct(
        linearization, cotangent: unit, linearSolver: linearSolver
      ).value
    }
  }
  return jacobian
}
