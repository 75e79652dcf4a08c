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
    let minimum = try ParticleMinimum(model: model, positions: positions, options: options)
    let tangent = try model.tangent(for: parameter, holding: held)
    let linearization = minimum.linearization(.single(minimum.parameterDerivative(tangent)))
    let product: ImplicitProduct
    do {
      product = try rootJacobianVectorProduct(
        linearization, parameterTangent: [1], linearSolver: try minimum.solver(options.solver),
        nullSpace: minimum.nullSpace)
    } catch {
      throw SensitivityError(error)
    }
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
        product: product, nullSpace: minimum.nullSpace,
        options: ValidationOptions(lanczosSteps: options.lanczosSteps, singularityThreshold: options.singularityThreshold,
                                   differenceStep: 1e-6 * model.boxLength),
        linearizationAt: { minimum.displacedLinearization($0, tangent: tangent) })
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

extension SolverChoice {
  /// The name of the method this choice resolves to for `linearization`'s operator.
  func name(for linearization: some OptimalityLinearization) -> String {
    resolvedMethod(structure: linearization.structure, dimension: linearization.stateDimension).name
  }
}
