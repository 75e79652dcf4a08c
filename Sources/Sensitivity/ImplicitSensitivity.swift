import ImplicitDifferentiation
import LinearAlgebra
import Models

/// dx*/dθ by implicit differentiation of the force balance F(x*(θ), θ) = 0, as one Jacobian-vector
/// product of the implicit-differentiation engine:
///
///     H u = B,   H = −∂F/∂R (Hessian),   B = ∂F/∂θ at fixed normalised coordinates,
///
/// in physical units, with u = L·dx/dθ (length per θ unit): differentiating
/// F(L(θ)·x(θ); θ) = 0 gives H·(L' x + L x') = ∂F/∂θ|_R + ∂F/∂L·L', and B is exactly the
/// right-hand side minus H L' x, i.e. the derivative of F at fixed x. Forces stay physical (the
/// trap of a fractional-coordinate F, L times too large, does not arise), and then
/// dx/dθ = u/L, dR/dθ = (dL/dθ)·x + u.
///
/// What is particular to particles is `ParticleMinimum`'s (rattlers, the reduced space, the
/// rigid-body null space); the solve, its solver choice, the consistency check of B against the null
/// space and the validity report are the engine's (`rootJacobianVectorProduct(_:parameterTangent:linearSolver:nullSpace:)`,
/// `validateRoot(_:residual:parameterTangent:product:nullSpace:options:linearizationAt:)`).
public enum ImplicitSensitivity {
  /// The sensitivity at the minimum `positions` (physical, flat) of `model`.
  public static func compute(
    model: ParticleModel, positions: [Double], parameter: SensitivityParameter,
    holding held: HeldQuantity = .packingFraction, options: ImplicitOptions = ImplicitOptions()
  ) throws(SensitivityError) -> PositionSensitivity {
    try compute(model: model, positions: positions, parameters: [parameter], holding: held, options: options)[0]
  }

  /// The sensitivities to several parameters at once: one prepared minimum, one block of right-hand
  /// sides B = [b₁ … b_n] and one block solve H [u₁ … u_n] = B, in which the Hessian is applied to
  /// all unconverged columns in one pass over the pairs (the engine's
  /// `rootJacobianVectorProducts(_:parameterTangents:linearSolver:nullSpace:)`). Each result, with
  /// its own validity report, is the one ``compute(model:positions:parameter:holding:options:)``
  /// gives for its parameter alone (to the solver's tolerance).
  public static func compute(
    model: ParticleModel, positions: [Double], parameters: [SensitivityParameter],
    holding held: HeldQuantity = .packingFraction, options: ImplicitOptions = ImplicitOptions()
  ) throws(SensitivityError) -> [PositionSensitivity] {
    guard !parameters.isEmpty else { return [] }
    let minimum = try ParticleMinimum(model: model, positions: positions, options: options)
    return try solve(at: minimum, parameters: parameters, holding: held, options: options).sensitivities
  }

  /// The block solve at a prepared minimum, with the force derivatives bₖ it solved for (full d·N,
  /// over the backbone): what the elastic constants contract the non-affine fields with.
  static func solve(
    at minimum: ParticleMinimum, parameters: [SensitivityParameter], holding held: HeldQuantity,
    options: ImplicitOptions
  ) throws(SensitivityError) -> (sensitivities: [PositionSensitivity], forceDerivatives: [[Double]]) {
    let model = minimum.model
    var tangents = [ModelTangent]()
    for parameter in parameters { tangents.append(try model.tangent(for: parameter, holding: held)) }
    let forceDerivatives = tangents.map { minimum.parameterDerivative($0) }
    let linearization = minimum.linearization(.columns(forceDerivatives))
    let units = parameters.indices.map { k in parameters.indices.map { $0 == k ? 1.0 : 0.0 } }
    let products: [ImplicitProduct]
    do {
      products = try rootJacobianVectorProducts(
        linearization, parameterTangents: units, linearSolver: try minimum.solver(options.solver, preconditioner: options.preconditioner),
        nullSpace: minimum.nullSpace)
    } catch {
      throw SensitivityError(error)
    }
    // Every column shares H: its spectrum is computed once (a failed Lanczos is left to each report).
    let spectrum = options.validate
      ? try? rootSpectrum(linearization, nullSpace: minimum.nullSpace, options: validationOptions(options, model))
      : nil
    var results = [PositionSensitivity]()
    for (k, product) in products.enumerated() {
      results.append(try sensitivity(
        product, of: parameters[k], tangent: tangents[k], forceDerivative: forceDerivatives[k], at: minimum,
        holding: held, options: options, spectrum: spectrum))
    }
    return (results, forceDerivatives)
  }

  /// The sensitivity u = J·e_k of one parameter, in both coordinate systems, with its validity report.
  private static func sensitivity(
    _ product: ImplicitProduct, of parameter: SensitivityParameter, tangent: ModelTangent,
    forceDerivative: [Double], at minimum: ParticleMinimum, holding held: HeldQuantity, options: ImplicitOptions,
    spectrum: LanczosResult?
  ) throws(SensitivityError) -> PositionSensitivity {
    let model = minimum.model
    let positions = minimum.positions
    let linearization = minimum.linearization(.single(forceDerivative))
    let u = minimum.space.expand(product.value)
    let (physical, normalised) = PositionSensitivity.coordinates(
      fromFixedFrame: u, positions: positions, edges: model.boxEdges, scaleRate: tangent.boxScaleRate)

    let residual = minimum.space.restrict(minimum.backboneForces)
    var root = RootValidityReport(
      residualNorm: VectorOperations.norm(minimum.nullSpace?.projected(residual) ?? residual), solver: "",
      solverIterations: product.linearSolve.iterations, solverResidual: product.linearSolve.relativeResidual,
      solverStatus: product.linearSolve.status, nullSpaceComponent: product.nullSpaceComponent)
    if options.validate {
      root = validateRoot(
        linearization, residual: residual, parameterTangent: [1],
        product: product, nullSpace: minimum.nullSpace, options: validationOptions(options, model),
        spectrum: spectrum, linearizationAt: { minimum.displacedLinearization($0, tangent: tangent) })
      if root.singular == true, options.refuseSingular, let smallest = root.smallestEigenvalue,
         let largest = root.largestEigenvalue {
        throw .singularHessian(smallestEigenvalue: smallest, largestEigenvalue: largest)
      }
    }
    root.solver = product.solver ?? options.solver.name(for: linearization)
    let report = ValidityReport(
      maximumForce: minimum.maximumForce, rattlers: minimum.rattlers,
      zeroModesRemoved: minimum.space.zeroModesRemoved, root: root,
      normalisedL1Norm: normalised.reduce(0) { $0 + abs($1) },
      warnings: minimum.warnings + root.warnings)
    return PositionSensitivity(
      method: .implicit, parameter: parameter, held: held, parameterValue: try model.value(of: parameter),
      positions: positions, boxEdges: model.boxEdges,
      boxEdgeDerivatives: model.boxEdges.map { $0 * tangent.boxScaleRate },
      physical: physical, normalised: normalised, rattlers: minimum.rattlers, validity: report)
  }
}

extension ImplicitSensitivity {
  /// The engine's validation settings for a particle minimum: the options' Lanczos steps and
  /// singularity threshold, differences along the error direction of 10⁻⁶ box lengths.
  static func validationOptions(_ options: ImplicitOptions, _ model: ParticleModel) -> ValidationOptions {
    ValidationOptions(lanczosSteps: options.lanczosSteps, singularityThreshold: options.singularityThreshold,
                      differenceStep: 1e-6 * model.boxLength)
  }
}

extension SolverChoice {
  /// The name of the method this choice resolves to for `linearization`'s operator.
  func name(for linearization: some OptimalityLinearization) -> String {
    resolvedMethod(structure: linearization.structure, dimension: linearization.stateDimension).name
  }
}
