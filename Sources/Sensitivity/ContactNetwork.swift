import DualNumbers
import Particles

/// The pairs (i < j) that exert a non-zero force on each other: for soft spheres the overlapping
/// pairs r < σᵢⱼ. Comparing networks tells whether a finite-difference step stayed on the same
/// smooth branch of x*(θ).
public struct ContactNetwork: Sendable, Equatable {
  public var particleCount: Int
  /// Contacts as (i, j), i < j, sorted.
  public var pairs: [ContactPair]

  public init(particleCount: Int, pairs: [ContactPair]) {
    self.particleCount = particleCount
    self.pairs = pairs.sorted()
  }

  /// zᵢ, the number of contacts of every particle.
  public var contactNumbers: [Int] {
    var counts = [Int](repeating: 0, count: particleCount)
    for pair in pairs {
      counts[pair.first] += 1
      counts[pair.second] += 1
    }
    return counts
  }

  /// The pairs in one network and not in the other (both directions).
  public func difference(from other: ContactNetwork) -> (added: [ContactPair], removed: [ContactPair]) {
    let mine = Set(pairs)
    let theirs = Set(other.pairs)
    return (pairs.filter { !theirs.contains($0) }, other.pairs.filter { !mine.contains($0) })
  }
}

/// One contact i < j.
public struct ContactPair: Sendable, Hashable, Comparable {
  public var first: Int
  public var second: Int

  public init(_ i: Int, _ j: Int) {
    first = min(i, j)
    second = max(i, j)
  }

  public static func < (lhs: ContactPair, rhs: ContactPair) -> Bool {
    (lhs.first, lhs.second) < (rhs.first, rhs.second)
  }
}

struct ContactFinder: ModelVisitor {
  typealias Scalar = Double
  let positions: [Double]
  let neighbours: NeighbourList

  func visit<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>(
    _ interaction: PairInteraction<Space, Potential, Diameters>
  ) -> ContactNetwork
  where Space.Scalar == Scalar, Potential.Scalar == Scalar, Diameters.Scalar == Scalar {
    var pairs = [ContactPair]()
    interaction.forEachInteractingPair(positions, neighbours: neighbours) { i, j, _, r, σ in
      // A contact is a pair with a non-zero force, dU/dr ≠ 0, from the same pair energy as the forces.
      if interaction.potential.energyAndSlope(distance: r, diameter: σ).slope != 0 {
        pairs.append(ContactPair(i, j))
      }
    }
    return ContactNetwork(particleCount: interaction.particleCount, pairs: pairs)
  }
}

extension ParticleModel {
  /// The contact network at `positions`.
  public func contactNetwork(at positions: [Double], neighbours: NeighbourList? = nil) -> ContactNetwork {
    try! withInteraction(ContactFinder(positions: positions,
                                       neighbours: neighbours ?? neighbourList(at: positions)))
  }
}
