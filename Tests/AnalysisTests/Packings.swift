import Minimization
import Models
import Particles
import Simulation

/// The configurations the analysis tests measure (debug builds are slow: N ≤ 100).
enum Packings {
  /// A 2D periodic bidisperse harmonic packing (half 1.0, half 1.4) at packing fraction φ.
  static func bidisperse(count: Int = 64, packingFraction: Double = 0.88) -> ParticleModel {
    let diameters = (0..<count).map { $0 % 2 == 0 ? 1.0 : 1.4 }
    let area = diameters.reduce(0) { $0 + Double.pi * $1 * $1 / 4 }
    let side = (area / packingFraction).squareRoot()
    return ParticleModel(dimension: 2, boxEdges: [side, side], potential: .softSphere(epsilon: 1, alpha: 2),
                         diameters: .particles(diameters), threads: 1)
  }

  /// FIRE from a seeded uniform start to max force 1e-13.
  static func minimum(of model: ParticleModel, seed: UInt64 = 7) -> [Double] {
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: seed)
    let choice = MinimizerChoice(FIRE(forceTolerance: 1e-13, maximumSteps: 200_000), largestDiameter: model.largestDiameter)
    return try! model.minimize(from: start, using: choice).positions
  }

  /// A triangular lattice of `columns` × `rows` sites (rows even) with spacing a = 1 in a periodic
  /// box that fits it, harmonic discs of diameter σ > a: six compressed contacts per particle.
  static func triangular(columns: Int = 6, rows: Int = 6, diameter: Double = 1.1) -> (model: ParticleModel, positions: [Double]) {
    let height = 3.0.squareRoot() / 2
    var positions = [Double]()
    for row in 0..<rows {
      for column in 0..<columns {
        positions += [Double(column) + (row % 2 == 0 ? 0 : 0.5), Double(row) * height]
      }
    }
    let model = ParticleModel(dimension: 2, boxEdges: [Double(columns), Double(rows) * height],
                              potential: .softSphere(epsilon: 1, alpha: 2),
                              diameters: .particles([Double](repeating: diameter, count: columns * rows)), threads: 1)
    return (model, positions)
  }

  /// σᵢⱼ = (σᵢ + σⱼ)/2 of a model with one diameter per particle.
  static func diameter(_ model: ParticleModel, _ i: Int, _ j: Int) -> Double {
    guard case .particles(let values) = model.diameters else { fatalError("per-particle diameters expected") }
    return (values[i] + values[j]) / 2
  }

  /// The minimum-image distance of two particles, from the definition.
  static func distance(_ model: ParticleModel, _ positions: [Double], _ i: Int, _ j: Int) -> Double {
    let d = model.dimension
    return (0..<d).reduce(0.0) { sum, k in
      let r = minimumImage(positions[i * d + k] - positions[j * d + k], period: model.boxEdges[k])
      return sum + r * r
    }.squareRoot()
  }
}
