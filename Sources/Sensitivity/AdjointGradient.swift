import ImplicitDifferentiation
import LinearAlgebra
import Models

/// d obs(x*(d), d) / d dₖ for every particle diameter dₖ at once, by one adjoint solve:
///
///     H w = ∂obs/∂R,    d obs/d dₖ = wᵀ ∂F/∂dₖ + ∂obs/∂dₖ,
///
/// (H symmetric, so Hᵀ = H). With σᵢⱼ = (dᵢ + dⱼ)/2 and fᵢⱼ = −U'(r; σᵢⱼ) rᵢⱼ/r the force on i
/// from j, wᵀ ∂F/∂dₖ = Σ over pairs containing k of ½ (wᵢ − wⱼ)·∂fᵢⱼ/∂σ, gathered in one pass over
/// the pairs with ∂²U/∂r∂σ from the pair energy on nested dual numbers. The box is held fixed.
///
/// **The same solve as the forward sensitivity.** H w = g is the engine's VJP on `ParticleMinimum`, like
/// ``ImplicitSensitivity``'s JVP H u = B: the same backbone (rattlers removed), the same reduced space,
/// the same null space of rigid-body modes and the same `SolverChoice`. The adjoint therefore
/// succeeds wherever the forward solve does, and wᵀ B = gᵀ u for every B, which a test checks.
///
/// **The gauge.** x*(d) is a minimum only up to the rigid-body modes of its clusters (d
/// translations each, and the rotations of a droplet that does not wrap around the box; see
/// ``ReducedSpace``), and the forward solve fixes them by holding each cluster's centre and
/// orientation: u ∈ range(P). Unlike a force derivative B (orthogonal to those modes by Newton's
/// third law and zero torque), g = ∂obs/∂R need not be: position:I:K moves with particle I's cluster,
/// the energy's −F has rounding-level components along every mode. The solve uses P g: the observable
/// of a minimum is defined only in a gauge, and in the forward solve's gauge gᵀ u = (P g)ᵀ u. With
/// the global translations alone w would just pick up (Tᵀ g)/μ along them, which B does not see; but
/// a mode left in the reduced space is a zero eigenvalue of A, H w = g then has no solution (BiCGSTAB
/// stagnates, LU finds a zero pivot) while H u = B still has one, which is why every cluster's
/// modes belong to the reduced space both solves share.
public struct AdjointGradient: Sendable, Codable {
  /// obs at x̂.
  public var value: Double
  /// d obs / d dₖ for every particle k (obs units per length unit).
  public var gradient: [Double]
  /// The explicit part ∂obs/∂dₖ (non-zero for the energy).
  public var explicitPart: [Double]
  public var rattlers: [Int]
  public var maximumForce: Double
  /// The adjoint solve: the solver's name, iterations, relative residual and typed status.
  public var solverName: String
  public var solverIterations: Int
  public var solverResidual: Double
  public var solverStatus: LinearSolveStatus
  public var warnings: [String]

  /// The gradient at the minimum `positions` of `model`, whose diameters must be per particle
  /// (`DiameterRule/particles(_:)`; see `ParticleModel/withParticleDiameters()`).
  public static func compute(model: ParticleModel, positions: [Double], observable: MinimumObservable,
                             options: ImplicitOptions = ImplicitOptions()) throws(SensitivityError) -> AdjointGradient {
    guard case .particles = model.diameters else {
      throw .unsupportedParameter("the adjoint gradient needs one diameter per particle (DiameterRule.particles)")
    }
    let minimum = try ParticleMinimum(model: model, positions: positions, options: options)
    let (value, fullGradient) = observable.evaluate(positions: positions, forces: minimum.forces,
                                                    energy: minimum.energy, model: model)
    // wᵀ ∂F/∂dₖ over the backbone's pairs (rattlers removed).
    let diameters = DiameterDerivative(kernels: minimum.kernels, positions: positions, neighbours: minimum.backbone,
                                       dimension: model.dimension)
    let linearization = minimum.linearization(diameters.parameterDerivative)
    let product: ImplicitProduct
    do {
      product = try rootVectorJacobianProduct(
        linearization, cotangent: minimum.space.restrict(fullGradient),
        linearSolver: try minimum.solver(options.solver, preconditioner: options.preconditioner), nullSpace: minimum.nullSpace)
    } catch {
      throw SensitivityError(error)
    }
    // ∂E/∂dₖ over every pair: the energy is the whole system's (a rattler's contacts carry no force,
    // and it has no adjoint component).
    let explicit = observable == .energy
      ? DiameterDerivative(kernels: minimum.kernels, positions: positions, neighbours: minimum.neighbours,
                           dimension: model.dimension).energySlopes()
      : [Double](repeating: 0, count: model.particleCount)
    let gradient = zip(product.value, explicit).map { $0 + $1 }
    return AdjointGradient(value: value, gradient: gradient, explicitPart: explicit, rattlers: minimum.rattlers,
                           maximumForce: minimum.maximumForce,
                           solverName: product.solver ?? options.solver.name(for: linearization),
                           solverIterations: product.linearSolve.iterations,
                           solverResidual: product.linearSolve.relativeResidual,
                           solverStatus: product.linearSolve.status, warnings: minimum.warnings)
  }
}

extension ParticleModel {
  /// The same model with one diameter per particle, dᵢ = σ of its species; throws when the
  /// species table is not additive (σₐᵦ ≠ (σₐₐ + σᵦᵦ)/2), which per-particle diameters cannot express.
  public func withParticleDiameters() throws(SensitivityError) -> ParticleModel {
    guard case .species(_, let table) = diameters else { return self }
    for a in table.indices {
      for b in table.indices where abs(table[a][b] - (table[a][a] + table[b][b]) / 2) > 1e-12 * table[a][b] {
        throw .unsupportedParameter("the σ table is not additive at (\(a), \(b))")
      }
    }
    var model = self
    model.diameters = .particles(diameters.particleDiameters)
    return model
  }
}
