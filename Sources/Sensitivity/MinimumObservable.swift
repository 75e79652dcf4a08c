import Models
import Particles

/// A scalar function of a minimum, whose gradient with respect to every particle's diameter the
/// adjoint method computes.
public enum MinimumObservable: Sendable, Equatable {
  /// E(x*; d) (energy units). Depends on the diameters directly too (∂E/∂dₖ).
  case energy
  /// One component of one particle's position (length units), in the gauge where the centre (and,
  /// for a droplet, the orientation) of every cluster of the rigid network does not move.
  case position(particle: Int, component: Int)
  /// (1/N) Σᵢ |Rᵢ − Rᵢ,ref|² with minimum-image differences (length² units).
  case meanSquareDisplacement(reference: [Double])

  /// The observable and ∂obs/∂R (flat, d·N) at `positions`.
  func evaluate(positions: [Double], forces: [Double], energy: Double, model: ParticleModel)
    -> (value: Double, gradient: [Double])
  {
    switch self {
    case .energy:
      // ∂E/∂R = −F.
      return (energy, forces.map { -$0 })
    case .position(let particle, let component):
      var gradient = [Double](repeating: 0, count: positions.count)
      gradient[particle * model.dimension + component] = 1
      return (positions[particle * model.dimension + component], gradient)
    case .meanSquareDisplacement(let reference):
      let count = Double(model.particleCount)
      var gradient = [Double](repeating: 0, count: positions.count)
      var value = 0.0
      for index in positions.indices {
        var difference = positions[index] - reference[index]
        if model.periodic { difference = minimumImage(difference, period: model.boxEdges[index % model.dimension]) }
        value += difference * difference / count
        gradient[index] = 2 * difference / count
      }
      return (value, gradient)
    }
  }
}
