import LinearAlgebra

/// An implicit derivative product together with the linear solve that produced it, so that callers
/// can report iterations and residuals next to the sensitivity.
public struct ImplicitProduct: Sendable {
  /// J·dθ (length d) for a JVP, uᵀJ (length n) for a VJP.
  public var value: [Double]
  /// The solve of A·z = B·dθ (JVP) or Aᵀ·w = u (VJP); with a null space, of the system on its
  /// complement, the solution projected onto it.
  public var linearSolve: LinearSolveResult
  /// With a ``NullSpace`` T: ‖Tᵀ b‖ / ‖b‖ of the right-hand side, b = B·dθ for a JVP (accepted only
  /// below ``NullSpace/consistencyTolerance``) or the cotangent u for a VJP (a gauge component,
  /// removed); nil without a null space.
  public var nullSpaceComponent: Double?
  /// The name of the linear solver that was used (`LinearSolver.name`: "cg", "dense-lu", ...),
  /// so that a report can say which method the automatic choice made; nil when not recorded.
  public var solver: String?

  public init(value: [Double], linearSolve: LinearSolveResult, nullSpaceComponent: Double? = nil,
              solver: String? = nil) {
    self.value = value
    self.linearSolve = linearSolve
    self.nullSpaceComponent = nullSpaceComponent
    self.solver = solver
  }
}

/// Solves A·zⱼ = bⱼ (or Aᵀ·zⱼ = bⱼ) for every right-hand side, negating both sides when A is negative
/// definite so that CG sees a positive definite operator, and turns a failed solve into a typed
/// error (the first failed column's).
///
/// With a null space T the system solved is (P A P + μ (I − P)) zⱼ = P bⱼ (``NullSpace``), and
/// the solutions returned are P zⱼ. Several right-hand sides go to the solver as one block when it is
/// a `BlockLinearSolver`; a single one goes to its plain `solve`, exactly as before blocks existed.
func solveImplicitSystems(
  _ linearization: some OptimalityLinearization, transposed: Bool, _ rightHandSides: [[Double]],
  linearSolver: (any LinearSolver)?, nullSpace: NullSpace?
) throws -> (results: [LinearSolveResult], solver: String) {
  let dimension = linearization.stateDimension
  let structure = linearization.structure
  let negate = structure == .symmetricNegativeDefinite
  var matrix = ImplicitSystemOperator(
    linearization, transposed: transposed, negated: negate, nullSpace: nullSpace)
  var rhs = rightHandSides.map { negate ? $0.map { -$0 } : $0 }
  if let nullSpace {
    for index in rhs.indices { nullSpace.project(&rhs[index]) }
  }
  let zero = LinearSolveResult(solution: [Double](repeating: 0, count: dimension), iterations: 0,
                               relativeResidual: 0, status: .converged)
  // A zero right-hand side has the zero solution, whatever the solver would make of ‖b‖ = 0.
  let nonZero = rhs.indices.filter { !rhs[$0].allSatisfy { $0 == 0 } }
  var results = rhs.map { _ in zero }
  let solver = linearSolver ?? defaultLinearSolver(structure: structure, dimension: dimension)
  guard !nonZero.isEmpty else { return (results, solver.name) }
  if let nullSpace {
    matrix.shift = nullSpace.shift ?? nullSpace.estimatedShift(of: matrix.signedOperator)
  }
  let solves = nonZero.count == 1
    ? [solver.solve(matrix, rhs[nonZero[0]], initialGuess: nil)]
    : solver.solveEachColumn(matrix, nonZero.map { rhs[$0] })
  for (index, result) in zip(nonZero, solves) {
    guard result.converged, result.solution.allSatisfy(\.isFinite) else {
      throw ImplicitDifferentiationError.linearSolveFailed(
        solver: solver.name, status: result.converged ? .nonFinite : result.status,
        iterations: result.iterations, relativeResidual: result.relativeResidual)
    }
    results[index] = result
    if let nullSpace { nullSpace.project(&results[index].solution) }
  }
  return (results, solver.name)
}

/// Checks that a null space fits the linearization: a symmetric A and vectors of length d.
func requireUsable(_ nullSpace: NullSpace, for linearization: some OptimalityLinearization) throws {
  guard linearization.structure.isSymmetric else {
    throw ImplicitDifferentiationError.nullSpaceNeedsSymmetricOperator(structure: linearization.structure)
  }
  if let basis = nullSpace.basis {
    for (index, vector) in basis.enumerated() {
      try requireCount(vector, linearization.stateDimension, "null-space basis vector \(index)")
    }
  } else if let dimension = nullSpace.stateDimension, dimension != linearization.stateDimension {
    throw ImplicitDifferentiationError.dimensionMismatch(
      quantity: "null-space projector", expected: linearization.stateDimension, actual: dimension)
  }
}

/// The relative null-space component of a JVP right-hand side b = B·dθ, refused above the
/// tolerance: then Tᵀ b ≠ 0 and A z = b has no solution (Tᵀ A = 0 for a symmetric A).
func requireConsistent(_ rhs: [Double], _ nullSpace: NullSpace, _ quantity: String) throws -> Double {
  let component = nullSpace.relativeComponent(of: rhs)
  guard component <= nullSpace.consistencyTolerance else {
    throw ImplicitDifferentiationError.inconsistentRightHandSide(
      quantity: quantity, nullSpaceComponent: component, tolerance: nullSpace.consistencyTolerance)
  }
  return component
}

/// The Jacobian-vector product J·dθ of the root x*(θ) of F, JAXopt's `root_jvp`:
///
///     A (J·dθ) = B·dθ,   A = −∂₁F(x*, θ),  B = ∂₂F(x*, θ).
///
/// One product with B and one linear solve with A.
///
/// With a null space T of a symmetric A (``NullSpace``, P = I − T Tᵀ), the system is solved on the
/// complement, (P A P + μ (I − P)) J·dθ = P B·dθ, and J·dθ is the minimum-norm solution, in
/// range(P): Tᵀ J·dθ = 0. The system is consistent only when B·dθ has no component in the null
/// space; its relative size ‖Tᵀ B·dθ‖ / ‖B·dθ‖ is reported in ``ImplicitProduct/nullSpaceComponent``
/// and refused above ``NullSpace/consistencyTolerance``.
///
/// - Parameters:
///   - linearization: the linear maps of F at the root.
///   - parameterTangent: dθ, of length n.
///   - linearSolver: any solver; nil picks one from the structure and size of A
///     (``SolverChoice``, ``SolverChoice/Method/automatic``).
///   - nullSpace: a known null space of A; nil (the default): A is taken to be non-singular.
/// - Throws: ``ImplicitDifferentiationError`` on a wrong length, a non-finite tangent or B·dθ, a
///   solve that does not converge, a null space for a non-symmetric A, or a B·dθ with a component
///   in the null space (``ImplicitDifferentiationError/inconsistentRightHandSide(quantity:nullSpaceComponent:tolerance:)``).
public func rootJacobianVectorProduct(
  _ linearization: some OptimalityLinearization, parameterTangent: [Double],
  linearSolver: (any LinearSolver)? = nil, nullSpace: NullSpace? = nil
) throws -> ImplicitProduct {
  try requireCount(parameterTangent, linearization.parameterDimension, "parameter tangent")
  try requireFinite(parameterTangent, "parameter tangent")
  if let nullSpace { try requireUsable(nullSpace, for: linearization) }
  let rhs = linearization.applyB(parameterTangent)
  try requireCount(rhs, linearization.stateDimension, "B·dθ")
  try requireFinite(rhs, "B·dθ")
  let component = try nullSpace.map { try requireConsistent(rhs, $0, "B·dθ") }
  let (solves, solver) = try solveImplicitSystems(
    linearization, transposed: false, [rhs], linearSolver: linearSolver, nullSpace: nullSpace)
  return ImplicitProduct(value: solves[0].solution, linearSolve: solves[0], nullSpaceComponent: component,
                         solver: solver)
}

/// The Jacobian-vector products J·dθ₁ … J·dθ_k of the root x*(θ) of F for k tangents at once:
///
///     A [J·dθ₁ … J·dθ_k] = B [dθ₁ … dθ_k].
///
/// One block product with B (``OptimalityLinearization/applyB(block:)``) and one block solve with
/// A: with a `BlockLinearSolver` (the default solvers for a definite A and for small d are), A is
/// applied to the block of all unconverged columns once per iteration
/// (``OptimalityLinearization/applyA(block:)``), so that a linearization whose product is a pass
/// over a large structure makes one pass per iteration for every tangent. Other solvers solve
/// column by column. Each product is the one ``rootJacobianVectorProduct(_:parameterTangent:linearSolver:nullSpace:)``
/// gives for its tangent alone, with its own iterations, residual and status.
///
/// - Parameters:
///   - linearization: the linear maps of F at the root.
///   - parameterTangents: dθ₁ … dθ_k, each of length n.
///   - linearSolver: any solver; nil picks one from the structure and size of A.
///   - nullSpace: a known null space of A, as for a single tangent; every B·dθⱼ must be
///     consistent with it.
/// - Returns: one product per tangent, in order.
/// - Throws: ``ImplicitDifferentiationError`` as for a single tangent; the quantity names the
///   offending tangent ("parameter tangent 2", "B·dθ 2"), and a failed solve is the first failed
///   column's.
public func rootJacobianVectorProducts(
  _ linearization: some OptimalityLinearization, parameterTangents: [[Double]],
  linearSolver: (any LinearSolver)? = nil, nullSpace: NullSpace? = nil
) throws -> [ImplicitProduct] {
  for (index, tangent) in parameterTangents.enumerated() {
    try requireCount(tangent, linearization.parameterDimension, "parameter tangent \(index)")
    try requireFinite(tangent, "parameter tangent \(index)")
  }
  guard !parameterTangents.isEmpty else { return [] }
  if let nullSpace { try requireUsable(nullSpace, for: linearization) }
  let rhs = linearization.applyB(block: parameterTangents)
  guard rhs.count == parameterTangents.count else {
    throw ImplicitDifferentiationError.dimensionMismatch(
      quantity: "block B·dθ (columns)", expected: parameterTangents.count, actual: rhs.count)
  }
  var components = [Double?](repeating: nil, count: rhs.count)
  for (index, column) in rhs.enumerated() {
    try requireCount(column, linearization.stateDimension, "B·dθ \(index)")
    try requireFinite(column, "B·dθ \(index)")
    components[index] = try nullSpace.map { try requireConsistent(column, $0, "B·dθ \(index)") }
  }
  let (solves, solver) = try solveImplicitSystems(
    linearization, transposed: false, rhs, linearSolver: linearSolver, nullSpace: nullSpace)
  return zip(solves, components).map {
    ImplicitProduct(value: $0.solution, linearSolve: $0, nullSpaceComponent: $1, solver: solver)
  }
}

/// The vector-Jacobian product uᵀJ of the root x*(θ) of F, JAXopt's `root_vjp`:
///
///     Aᵀ w = u,   uᵀJ = wᵀB.
///
/// One solve with Aᵀ and one product wᵀB serve every component of θ: the cost does not grow with n.
///
/// With a null space T of a symmetric A (``NullSpace``, P = I − T Tᵀ), J is the gauge solution of
/// the JVP, J ∈ range(P), so uᵀJ = (P u)ᵀJ: the cotangent's component in the null space does not
/// contribute and is removed, not refused (a position's cotangent usually has one: moving the whole
/// system changes an observable of one particle). The solve is (P A P + μ (I − P)) w = P u,
/// ‖Tᵀ u‖ / ‖u‖ is reported in ``ImplicitProduct/nullSpaceComponent``, and wᵀB = (P u)ᵀJ = uᵀJ.
///
/// - Parameters:
///   - linearization: the linear maps of F at the root.
///   - cotangent: u, of length d.
///   - linearSolver: any solver; nil picks one from the structure and size of A.
///   - nullSpace: a known null space of A; nil (the default): A is taken to be non-singular.
/// - Returns: the row vector uᵀJ (length n) as an array.
/// - Throws: ``ImplicitDifferentiationError`` on a wrong length, a non-finite cotangent, a solve
///   that does not converge, or a null space for a non-symmetric A.
public func rootVectorJacobianProduct(
  _ linearization: some OptimalityLinearization, cotangent: [Double],
  linearSolver: (any LinearSolver)? = nil, nullSpace: NullSpace? = nil
) throws -> ImplicitProduct {
  try requireCount(cotangent, linearization.stateDimension, "cotangent")
  try requireFinite(cotangent, "cotangent")
  if let nullSpace { try requireUsable(nullSpace, for: linearization) }
  let (solves, solver) = try solveImplicitSystems(
    linearization, transposed: true, [cotangent], linearSolver: linearSolver, nullSpace: nullSpace)
  let value = linearization.applyBTranspose(solves[0].solution)
  try requireCount(value, linearization.parameterDimension, "wᵀB")
  try requireFinite(value, "wᵀB")
  return ImplicitProduct(value: value, linearSolve: solves[0],
                         nullSpaceComponent: nullSpace?.relativeComponent(of: cotangent), solver: solver)
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
