import Particles
import RandomNumbers

/// Uniformly random starting positions: particle by particle, axis by axis, xᵢₖ = Lₖ·uᵢₖ with
/// uᵢₖ ∈ [0, 1) drawn in that order from `SeededGenerator` (xoshiro256** seeded by SplitMix64).
/// The same seed gives the same positions on every machine.
public enum RandomConfiguration {
  public static func uniform(count: Int, edges: [Double], seed: UInt64) -> [Double] {
    var generator = SeededGenerator(seed: seed)
    var positions = [Double]()
    positions.reserveCapacity(count * edges.count)
    for _ in 0..<count {
      for length in edges { positions.append(length * generator.nextUnit()) }
    }
    return positions
  }
}
