import DualNumbers
import Minimization
import Particles

/// Runs a minimiser on the model's interaction in `Scalar` (Double for re-minimisation, Dual<Double>
/// for unrolled differentiation): the same FIRE code either way.
struct MinimizeVisitor<Scalar: SeedableScalar, Method: Minimizer>: ModelVisitor {
  let start: [Scalar]
  let minimizer: Method
  let skin: Double
  var interval = 0
  var observer: MinimizationObserver<Scalar>? = nil

  func visit<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>(
    _ interaction: PairInteraction<Space, Potential, Diameters>
  ) -> MinimizationResult<Scalar>
  where Space.Scalar == Scalar, Potential.Scalar == Scalar, Diameters.Scalar == Scalar {
    var landscape = ParticleLandscape(interaction, skin: skin)
    return minimizer.minimize(&landscape, from: start, every: interval, observer: observer)
  }
}

extension ParticleModel {
  /// Minimises the model's energy from `start` (physical, flat) with `minimizer`.
  public func minimize<Method: Minimizer>(from start: [Double], with minimizer: Method, skin: Double? = nil)
    -> MinimizationResult<Double>
  {
    let largest = diameters.particleDiameters.max() ?? 1
    return try! withInteraction(MinimizeVisitor(start: start, minimizer: minimizer, skin: skin ?? 0.2 * largest))
  }
}
