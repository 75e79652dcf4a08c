import LinearAlgebra

/// dx*/dθ by implicit differentiation of the force balance F(x*(θ), θ) = 0:
///
///     H u = B,   H = −∂F/∂R (Hessian),   B = ∂F/∂θ at fixed normalised coordinates,
///
/// in physical units, with u = L·dx/dθ (length per θ unit): differentiating
/// F(L(θ)·x(θ); θ) = 0 gives H·(L' x + L x') = ∂F/∂θ|_R + ∂F/∂L·L', and B is exactly the
/// right-hand side minus H L' x, i.e. the derivative of F at fixed x. Forces stay physical (the
/// trap of a fractional-coordinate F, L times too large, does not arise), and then
/// dx/dθ = u/L, dR/dθ = (dL/dθ)·x + u.
///
/// H and B are matrix-free (dual numbers through the pair loop); the d translations are projected
/// out and rattlers excluded (see ``HessianOperator``); the solver is chosen by ``SolverChoice``.
public enum ImplicitSensitivity {
  /// The sensitivity at the minimum `positions` (physical, flat) of `model`.
  public static func compute(
    model: ParticleModel, positions: [Double], parameter: SensitivityParameter,
    holding held: HeldQuantity = .packingFraction, options: ImplicitOptions = ImplicitOptions()
  ) throws(SensitivityError) -> PositionSensitivity {
    let minimum = try PreparedMinimum(model: model, positions: positions, options: options)
    let tangent = try model.tangent(for: parameter, holding: held)
    let fullB = parameterDerivative(minimum, tangent: tangent)
    var b = minimum.space.restrict(fullB)
    minimum.space.projectTranslations(&b)
    let solve = try minimum.solve(b, with: options.solver)
    let u = minimum.space.expand(solve.solution)
    let (physical, normalised) = PositionSensitivity.coordinates(
      fromFixedFrame: u, positions: positions, edges: model.boxEdges, scaleRate: tangent.boxScaleRate)

    var warnings = minimum.warnings
    var report = ValidityReport(
      maximumForce: minimum.maximumForce, residualForceNorm: VectorOperations.norm(minimum.reducedForces),
      solverName: options.solver.method == .dense ? "dense-lu" : options.solver.method.rawValue,
      solverIterations: solve.iterations, solverResidual: solve.relativeResidual, solverConverged: solve.converged,
      rattlers: minimum.rattlers, zeroModesRemoved: minimum.space.zeroModesRemoved)
    if options.validate {
      let spectrum = try? Lanczos(maximumSteps: options.lanczosSteps, tolerance: 1e-8,
                                  projection: { minimum.space.projectTranslations(&$0) })
        .extremeEigenvalues(of: minimum.hessian.projectedHessian)
      if let spectrum {
        report.smallestEigenvalue = spectrum.smallestEigenvalue
        report.largestEigenvalue = spectrum.largestEigenvalue
        report.eigenvalueConverged = spectrum.converged
        if !spectrum.converged { warnings.append("Lanczos did not converge in \(spectrum.steps) steps") }
        let singular = spectrum.smallestEigenvalue <= options.singularityThreshold * abs(spectrum.largestEigenvalue)
        report.singular = singular
        if singular && options.refuseSingular {
          throw .singularHessian(smallestEigenvalue: spectrum.smallestEigenvalue,
                                 largestEigenvalue: spectrum.largestEigenvalue)
        }
        if spectrum.smallestEigenvalue <= 0 {
          warnings.append("smallest non-zero Hessian eigenvalue \(spectrum.smallestEigenvalue) ≤ 0: not a strict minimum (floppy or unstable mode); the sensitivity is not unique")
        } else if singular {
          warnings.append("smallest non-zero Hessian eigenvalue \(spectrum.smallestEigenvalue) ≤ \(options.singularityThreshold)·λ_max: the reduced Hessian is singular (a floppy mode beyond the translations and rattlers); the sensitivity is not unique")
        } else {
          var estimate = ErrorEstimation.estimate(minimum, tangent: tangent, solution: solve.solution,
                                                  smallestEigenvalue: spectrum.smallestEigenvalue)
          let solutionNorm = VectorOperations.norm(solve.solution)
          estimate.solveError = solve.relativeResidual * VectorOperations.norm(b) / spectrum.smallestEigenvalue
          estimate.relativeSolveError = solutionNorm > 0 ? estimate.solveError / solutionNorm : 0
          report.errorEstimate = estimate
        }
      } else {
        warnings.append("Lanczos failed: no eigenvalue estimate")
      }
    }
    report.warnings = warnings
    report.normalisedL1Norm = normalised.reduce(0) { $0 + abs($1) }
    return PositionSensitivity(
      method: .implicit, parameter: parameter, held: held, parameterValue: try model.value(of: parameter),
      positions: positions, boxEdges: model.boxEdges,
      boxEdgeDerivatives: model.boxEdges.map { $0 * tangent.boxScaleRate },
      physical: physical, normalised: normalised, rattlers: minimum.rattlers, validity: report)
  }

  /// B = ∂F/∂θ at fixed normalised coordinates (full d·N) of the backbone (rattlers' pairs dropped):
  /// the tangent of F with θ seeded and the positions moving with the box, Ṙ = R·(1/L)dL/dθ.
  static func parameterDerivative(_ minimum: PreparedMinimum, tangent: ModelTangent, at positions: [Double]? = nil)
    -> [Double]
  {
    let positions = positions ?? minimum.positions
    let map = minimum.model.dualForceMap(neighbours: minimum.backbone, tangent: tangent)
    return map(positions, tangents: positions.map { $0 * tangent.boxScaleRate }).tangents
  }
}
