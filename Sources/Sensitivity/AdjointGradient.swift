import DualNumbers
import LinearAlgebra
import Particles

/// d obs(x*(d), d) / d dₖ for every particle diameter dₖ at once, by one adjoint solve:
///
///     H w = ∂obs/∂R,    d obs/d dₖ = wᵀ ∂F/∂dₖ + ∂obs/∂dₖ,
///
/// (H symmetric, so Hᵀ = H). With σᵢⱼ = (dᵢ + dⱼ)/2 and fᵢⱼ = −U'(r; σᵢⱼ) rᵢⱼ/r the force on i
/// from j, wᵀ ∂F/∂dₖ = Σ over pairs containing k of ½ (wᵢ − wⱼ)·∂fᵢⱼ/∂σ, gathered in one pass over
/// the pairs with ∂²U/∂r∂σ from the pair energy on nested dual numbers. The box is held fixed.
///
/// **The same solve as the forward sensitivity.** H w = g is solved by ``PreparedMinimum``, like
/// ``ImplicitSensitivity``'s H u = B: the same backbone (rattlers removed), the same reduced space,
/// the same operator A = P H P + μ (I − P) and the same ``SolverChoice``. The adjoint therefore
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
  public var solverIterations: Int
  public var solverResidual: Double
  public var warnings: [String]

  /// The gradient at the minimum `positions` of `model`, whose diameters must be per particle
  /// (``DiameterRule/particles(_:)``; see ``ParticleModel/withParticleDiameters()``).
  public static func compute(model: ParticleModel, positions: [Double], observable: MinimumObservable,
                             options: ImplicitOptions = ImplicitOptions()) throws(SensitivityError) -> AdjointGradient {
    guard case .particles = model.diameters else {
      throw .unsupportedParameter("the adjoint gradient needs one diameter per particle (DiameterRule.particles)")
    }
    let minimum = try PreparedMinimum(model: model, positions: positions, options: options)
    let (value, fullGradient) = observable.evaluate(positions: positions, forces: minimum.forces,
                                                    energy: minimum.energy, model: model)
    var g = minimum.space.restrict(fullGradient)
    minimum.space.projectTranslations(&g)
    let w: [Double]
    var iterations = 0
    var residual = 0.0
    if g.allSatisfy({ $0 == 0 }) {
      w = [Double](repeating: 0, count: minimum.space.count)
    } else {
      let solve = try minimum.solve(g, with: options.solver)
      w = solve.solution
      iterations = solve.iterations
      residual = solve.relativeResidual
    }
    // wᵀ ∂F/∂dₖ over the backbone's pairs (rattlers removed); ∂E/∂dₖ over every pair (the energy is
    // the whole system's; a rattler's contacts carry no force, and it has no adjoint component).
    let pass = try! model.withInteraction(
      DiameterPairPass(positions: positions, neighbours: minimum.backbone, adjoint: minimum.space.expand(w)))
    var explicit = [Double](repeating: 0, count: model.particleCount)
    if observable == .energy {
      explicit = minimum.rattlers.isEmpty
        ? pass.energySlopes
        : try! model.withInteraction(DiameterPairPass(positions: positions, neighbours: minimum.neighbours,
                                                      adjoint: minimum.space.expand(w))).energySlopes
    }
    let gradient = zip(pass.adjointProducts, explicit).map { $0 + $1 }
    return AdjointGradient(value: value, gradient: gradient, explicitPart: explicit, rattlers: minimum.rattlers,
                           maximumForce: minimum.maximumForce, solverIterations: iterations,
                           solverResidual: residual, warnings: minimum.warnings)
  }
}

/// One pass over the pairs gathering, per particle k, wᵀ ∂F/∂dₖ and ∂E/∂dₖ.
struct DiameterPairPass: ModelVisitor {
  typealias Scalar = Double
  let positions: [Double]
  let neighbours: NeighbourList
  /// The adjoint w, full d·N (zero at rattlers).
  let adjoint: [Double]

  func visit<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>(
    _ interaction: PairInteraction<Space, Potential, Diameters>
  ) -> (adjointProducts: [Double], energySlopes: [Double])
  where Space.Scalar == Scalar, Potential.Scalar == Scalar, Diameters.Scalar == Scalar {
    let dimension = Space.Dimension.count
    var products = [Double](repeating: 0, count: interaction.particleCount)
    var slopes = products
    interaction.forEachInteractingPair(positions, neighbours: neighbours) { i, j, d, r, σ in
      // Inner dual: d/dr; outer dual: d/dσ.
      let distance = Dual<Dual<Double>>(Dual(r, tangent: 1), tangent: Dual(0, tangent: 0))
      let diameter = Dual<Dual<Double>>(Dual(σ, tangent: 0), tangent: Dual(1, tangent: 0))
      let u = interaction.potential.energy(distance: distance, diameter: diameter,
                                           lift: { Dual(constant: Dual(constant: $0)) })
      let energySlope = u.tangent.value        // ∂U/∂σ
      let mixedSlope = u.tangent.tangent       // ∂²U/∂r∂σ
      // ∂fᵢⱼ/∂σ = −(∂²U/∂r∂σ) d/r; contracted with (wᵢ − wⱼ).
      var contraction = 0.0
      for k in 0..<dimension {
        contraction += (adjoint[i * dimension + k] - adjoint[j * dimension + k]) * (-mixedSlope * d[k] / r)
      }
      // ∂σᵢⱼ/∂dᵢ = ∂σᵢⱼ/∂dⱼ = ½.
      products[i] += 0.5 * contraction
      products[j] += 0.5 * contraction
      slopes[i] += 0.5 * energySlope
      slopes[j] += 0.5 * energySlope
    }
    return (products, slopes)
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
