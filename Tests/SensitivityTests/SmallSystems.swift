import Foundation
import Minimization
import Sensitivity
import Simulation
import Models
import ImplicitDifferentiation

/// Small systems the tests minimise themselves (debug builds are slow: N ≤ 128).
enum SmallSystems {
  /// A 2D periodic bidisperse harmonic packing of `count` discs (half 1.0, half 1.4) at packing
  /// fraction `packingFraction`, with one diameter per particle.
  static func bidisperse(count: Int = 32, packingFraction: Double = 0.9) -> ParticleModel {
    let diameters = (0..<count).map { $0 < count / 2 ? 1.0 : 1.4 }
    let area = diameters.reduce(0) { $0 + Double.pi * $1 * $1 / 4 }
    let side = (area / packingFraction).squareRoot()
    return ParticleModel(dimension: 2, boxEdges: [side, side], potential: .softSphere(epsilon: 1, alpha: 2),
                         diameters: .particles(diameters), threads: 1)
  }

  /// The same packing described by two species (for species-diameter parameters).
  static func bidisperseSpecies(count: Int = 32, packingFraction: Double = 0.9) -> ParticleModel {
    var model = bidisperse(count: count, packingFraction: packingFraction)
    model.diameters = .species(species: (0..<count).map { $0 < count / 2 ? 0 : 1 },
                               table: [[1.0, 1.2], [1.2, 1.4]])
    return model
  }

  /// FIRE from a seeded uniform start to max force `tolerance`.
  static func minimum(of model: ParticleModel, seed: UInt64, tolerance: Double = 1e-13) -> MinimizationOutcome {
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: seed)
    return try! model.minimize(from: start, using: MinimizerChoice(FIRE(forceTolerance: tolerance, maximumSteps: 200_000), largestDiameter: model.largestDiameter))
  }

  /// The converged minimum of the first seed in `seeds` that has the property a test needs (a
  /// particle with one bond, say). Which seeds have it depends on FIRE's rounding, which changes
  /// with the order of the pair sums; a fixture pinned to one seed would test that order.
  static func firstMinimum(of model: ParticleModel, seeds: ClosedRange<UInt64> = 1...40,
                           where property: (MinimizationOutcome) throws -> Bool) rethrows
    -> (seed: UInt64, minimum: MinimizationOutcome)?
  {
    for seed in seeds {
      let candidate = minimum(of: model, seed: seed)
      if candidate.converged, try property(candidate) { return (seed, candidate) }
    }
    return nil
  }
}
