import LinearAlgebra

/// How ``validateRoot(_:residual:parameterTangent:product:nullSpace:options:state:spectrum:linearizationAt:)``
/// checks a derivative.
public struct ValidationOptions: Sendable, Equatable {
  /// The Krylov dimension Lanczos may use for the extreme eigenvalues of P A P (products with A).
  public var lanczosSteps: Int
  /// Lanczos stops when both Ritz residual bounds are ≤ this times max |θ|.
  public var lanczosTolerance: Double
  /// A is called singular on range(P) when λ_min ≤ singularityThreshold·|λ_max|.
  public var singularityThreshold: Double
  /// ε of the central differences along the error direction, in the state's units; nil:
  /// 1e-6·max(1, ‖x̂‖∞) when the state is given, else 1e-6.
  public var differenceStep: Double?

  public init(lanczosSteps: Int = 150, lanczosTolerance: Double = 1e-8, singularityThreshold: Double = 1e-8,
              differenceStep: Double? = nil) {
    self.lanczosSteps = lanczosSteps
    self.lanczosTolerance = lanczosTolerance
    self.singularityThreshold = singularityThreshold
    self.differenceStep = differenceStep
  }
}

/// How far the derivative J·dθ of a root can be trusted: the residual of the root, the linear solve,
/// the spectrum of A on the complement of its null space, and the a-posteriori ``ErrorEstimate``.
public struct RootValidityReport: Sendable, Codable {
  /// ‖P F(x̂, θ)‖, P the null-space projector (I without a null space); F's units.
  public var residualNorm: Double
  /// The linear solver's name ("cg", "dense-lu", ...; ``SolverChoice/Method/name``).
  public var solver: String
  /// Iterations of the solve (products with A; d for the dense solve, which assembles A).
  public var solverIterations: Int
  /// ‖P B·dθ − A Ĵ·dθ‖ / ‖P B·dθ‖ of the returned solution.
  public var solverResidual: Double
  public var solverStatus: LinearSolveStatus
  /// ‖Tᵀ B·dθ‖ / ‖B·dθ‖ with a null space T (nil without one).
  public var nullSpaceComponent: Double?
  /// λ_min and λ_max of P A P on range(P) by Lanczos (of −P A P for an A declared negative definite,
  /// so that the hypothesis of Theorem 1 always reads λ_min > 0); F's units per state unit.
  /// nil for a non-symmetric A, or when Lanczos failed.
  public var smallestEigenvalue: Double?
  public var largestEigenvalue: Double?
  /// Whether Lanczos met its tolerance (nil when it was not run).
  public var eigenvalueConverged: Bool?
  /// Whether λ_min ≤ ``ValidationOptions/singularityThreshold``·|λ_max|: A is singular on range(P)
  /// (a zero mode beyond the stated null space, so J·dθ is one of many) or not definite there
  /// (for an indefinite symmetric A the extreme eigenvalues give no lower bound on |λ|); either way
  /// Theorem 1 does not apply. nil when not checked.
  public var singular: Bool?
  /// The a-posteriori estimate; nil when A is not positive definite on range(P), its spectrum is
  /// unknown, or no displaced linearization was given.
  public var errorEstimate: ErrorEstimate?
  /// What a reader should know: an unconverged Lanczos, a singular or indefinite A, a non-symmetric
  /// A left unchecked, a solve that did not converge.
  public var warnings: [String]

  public init(residualNorm: Double, solver: String, solverIterations: Int, solverResidual: Double,
              solverStatus: LinearSolveStatus, nullSpaceComponent: Double? = nil,
              smallestEigenvalue: Double? = nil, largestEigenvalue: Double? = nil,
              eigenvalueConverged: Bool? = nil, singular: Bool? = nil, errorEstimate: ErrorEstimate? = nil,
              warnings: [String] = []) {
    self.residualNorm = residualNorm
    self.solver = solver
    self.solverIterations = solverIterations
    self.solverResidual = solverResidual
    self.solverStatus = solverStatus
    self.nullSpaceComponent = nullSpaceComponent
    self.smallestEigenvalue = smallestEigenvalue
    self.largestEigenvalue = largestEigenvalue
    self.eigenvalueConverged = eigenvalueConverged
    self.singular = singular
    self.errorEstimate = errorEstimate
    self.warnings = warnings
  }
}

/// Validates the derivative J·dθ at an approximate root x̂ of F(·, θ): how far x̂ is from a root,
/// whether the solve converged, whether A = −∂₁F(x̂, θ) is definite on the complement of its null
/// space, and how far J·dθ is from the derivative at the exact root (Theorem 1 of Blondel et al.
/// 2022; ``ErrorEstimate`` gives the formulas).
///
/// - Spectrum (symmetric A only): Lanczos (``ValidationOptions/lanczosSteps``) on s P A P with the
///   null-space projection, s = −1 for an A declared negative definite, else 1. For a non-symmetric
///   A the extreme eigenvalues say nothing about ‖A⁻¹‖ (that would take the smallest singular value,
///   a Lanczos run on AᵀA, whose smallest eigenvalue converges with the square of A's condition
///   number): the report carries no spectrum and no estimate, and says so.
/// - Error estimate: only when λ_min > 0 and A is not singular, and when `linearizationAt` is given.
///   Costs one product with B and, at each of x̂ ± εu, one with A and one with B.
///
/// - Parameters:
///   - linearization: A and B at x̂.
///   - residual: F(x̂, θ), length d.
///   - parameterTangent: dθ, length n, the tangent `product` was computed for.
///   - product: what ``rootJacobianVectorProduct(_:parameterTangent:linearSolver:nullSpace:)``
///     returned for dθ.
///   - nullSpace: the null space the product was computed with.
///   - options: Lanczos settings, the singularity threshold, the difference step.
///   - state: x̂, used only for the default difference step 1e-6·max(1, ‖x̂‖∞).
///   - known: the spectrum of s P A P when it was already computed (``rootSpectrum(_:nullSpace:options:)``:
///     several tangents at one root share it); nil: computed here.
///   - linearizationAt: A and B at x̂ + δ for a displacement δ of length d; nil: no error estimate.
public func validateRoot(
  _ linearization: some OptimalityLinearization,
  residual: [Double],
  parameterTangent: [Double],
  product: ImplicitProduct,
  nullSpace: NullSpace? = nil,
  options: ValidationOptions = ValidationOptions(),
  state: [Double]? = nil,
  spectrum known: LanczosResult? = nil,
  linearizationAt: ((_ displacement: [Double]) -> any OptimalityLinearization)? = nil
) -> RootValidityReport {
  let dimension = linearization.stateDimension
  precondition(residual.count == dimension, "residual of \(residual.count) for a state of \(dimension)")
  precondition(product.value.count == dimension, "J·dθ of \(product.value.count) for a state of \(dimension)")
  func projected(_ v: [Double]) -> [Double] { nullSpace?.projected(v) ?? v }

  let projectedResidual = projected(residual)
  var report = RootValidityReport(
    residualNorm: VectorOperations.norm(projectedResidual), solver: product.solver ?? "unknown",
    solverIterations: product.linearSolve.iterations, solverResidual: product.linearSolve.relativeResidual,
    solverStatus: product.linearSolve.status, nullSpaceComponent: product.nullSpaceComponent)
  if !product.linearSolve.converged {
    report.warnings.append("the linear solve did not converge: \(product.linearSolve.status)")
  }
  guard linearization.structure.isSymmetric else {
    report.warnings.append("A is not symmetric: no eigenvalue estimate and no error estimate "
      + "(Theorem 1 needs a lower bound on A's smallest singular value)")
    return report
  }

  let spectrum: LanczosResult
  do {
    spectrum = try known ?? rootSpectrum(linearization, nullSpace: nullSpace, options: options)
  } catch {
    report.warnings.append("Lanczos failed (\(error)): no eigenvalue estimate")
    return report
  }
  let smallest = spectrum.smallestEigenvalue
  report.smallestEigenvalue = smallest
  report.largestEigenvalue = spectrum.largestEigenvalue
  report.eigenvalueConverged = spectrum.converged
  if !spectrum.converged { report.warnings.append("Lanczos did not converge in \(spectrum.steps) steps") }
  let singular = smallest <= options.singularityThreshold * abs(spectrum.largestEigenvalue)
  report.singular = singular
  if smallest <= 0 {
    report.warnings.append("smallest eigenvalue \(smallest) of A on the complement of its null space is ≤ 0: "
      + "not a strict minimum (a floppy or unstable mode) or a saddle point; no error estimate")
  } else if singular {
    report.warnings.append("smallest eigenvalue \(smallest) of A on the complement of its null space is "
      + "≤ \(options.singularityThreshold)·λ_max: A is singular there (a zero mode beyond the stated null "
      + "space), so the derivative is not unique")
  } else if let linearizationAt {
    report.errorEstimate = estimateError(
      linearization, projectedResidual: projectedResidual, parameterTangent: parameterTangent,
      product: product, smallestEigenvalue: smallest, projected: projected,
      step: options.differenceStep ?? 1e-6 * max(1, state?.reduce(0) { max($0, abs($1)) } ?? 0),
      linearizationAt: linearizationAt)
  }
  return report
}

/// The ``ErrorEstimate`` (its documentation gives the formulas) at a root whose A has smallest
/// eigenvalue λ_min > 0 on range(P).
private func estimateError(
  _ linearization: some OptimalityLinearization, projectedResidual: [Double], parameterTangent: [Double],
  product: ImplicitProduct, smallestEigenvalue: Double, projected: ([Double]) -> [Double], step: Double,
  linearizationAt: (_ displacement: [Double]) -> any OptimalityLinearization
) -> ErrorEstimate {
  let residualNorm = VectorOperations.norm(projectedResidual)
  let jacobianProduct = product.value
  let productNorm = VectorOperations.norm(jacobianProduct)
  func relative(_ error: Double) -> Double { productNorm > 0 ? error / productNorm : 0 }
  let positionError = residualNorm / smallestEigenvalue
  let solveError = product.linearSolve.relativeResidual
    * VectorOperations.norm(projected(linearization.applyB(parameterTangent))) / smallestEigenvalue
  // The direction x̂ is off in: along P F(x̂) to first order (a Newton step), else along J·dθ.
  var direction = residualNorm > 0 ? projectedResidual : jacobianProduct
  let directionNorm = VectorOperations.norm(direction)
  guard directionNorm > 0, directionNorm.isFinite else {
    return ErrorEstimate(positionError: positionError, lipschitzConstant: 0, sensitivityError: 0,
                         relativeSensitivityError: 0, solveError: solveError,
                         relativeSolveError: relative(solveError))
  }
  VectorOperations.scale(1 / directionNorm, &direction)
  let plus = linearizationAt(direction.map { step * $0 })
  let minus = linearizationAt(direction.map { -step * $0 })
  func centralDifference(_ forward: [Double], _ backward: [Double]) -> [Double] {
    projected(zip(forward, backward).map { ($0 - $1) / (2 * step) })
  }
  // ∂ᵤB·dθ and (∂ᵤA) J·dθ: the two ways the derivative moves when x̂ moves towards x*.
  let parameterSlope = centralDifference(plus.applyB(parameterTangent), minus.applyB(parameterTangent))
  let operatorSlope = centralDifference(plus.applyA(jacobianProduct), minus.applyA(jacobianProduct))
  let constant = (VectorOperations.norm(parameterSlope) + VectorOperations.norm(operatorSlope))
    / smallestEigenvalue
  let sensitivityError = constant * positionError
  return ErrorEstimate(positionError: positionError, lipschitzConstant: constant,
                       sensitivityError: sensitivityError, relativeSensitivityError: relative(sensitivityError),
                       solveError: solveError, relativeSolveError: relative(solveError))
}

/// The extreme eigenvalues of s P A P on range(P) by Lanczos with the null-space projection (s = −1
/// for an A declared negative definite, else 1): the spectrum ``validateRoot(_:residual:parameterTangent:product:nullSpace:options:state:spectrum:linearizationAt:)``
/// judges a root by. Several tangents at one root share A, so a caller validating them computes it
/// once and passes it to each validation.
public func rootSpectrum(
  _ linearization: some OptimalityLinearization, nullSpace: NullSpace? = nil,
  options: ValidationOptions = ValidationOptions()
) throws -> LanczosResult {
  let sign = linearization.structure == .symmetricNegativeDefinite ? -1.0 : 1.0
  let signedA = MatrixFreeOperator(dimension: linearization.stateDimension) { x, result in
    result = linearization.applyA(x)
    if sign < 0 { for index in result.indices { result[index] = -result[index] } }
  }
  let projection: ((inout [Double]) -> Void)? = nullSpace.map { nullSpace in { nullSpace.project(&$0) } }
  return try Lanczos(maximumSteps: options.lanczosSteps, tolerance: options.lanczosTolerance,
                     projection: projection).extremeEigenvalues(of: signedA)
}
