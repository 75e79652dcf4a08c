import Models
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

  /// The connected clusters of the network without `excluded` particles (the rattlers): each a list
  /// of particles, ascending, the clusters ordered by their first particle. Pairs are contacts, so
  /// two clusters exert no force on each other and each one's rigid translation costs no energy.
  public func clusters(excluding excluded: [Int] = []) -> [[Int]] {
    // Union–find with path halving; the smaller root becomes the parent, so every root is its
    // cluster's first particle.
    var parent = Array(0..<particleCount)
    func root(_ particle: Int) -> Int {
      var particle = particle
      while parent[particle] != particle {
        parent[particle] = parent[parent[particle]]
        particle = parent[particle]
      }
      return particle
    }
    let isExcluded = Set(excluded)
    for pair in pairs where !isExcluded.contains(pair.first) && !isExcluded.contains(pair.second) {
      let (a, b) = (root(pair.first), root(pair.second))
      if a != b { parent[max(a, b)] = min(a, b) }
    }
    var members = [Int: [Int]]()
    for particle in 0..<particleCount where !isExcluded.contains(particle) {
      members[root(particle), default: []].append(particle)
    }
    return members.keys.sorted().map { members[$0]! }
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

extension ParticleModel {
  /// The contact network at `positions`: the pairs with a non-zero force, ∂U/∂r ≠ 0, from the same
  /// pair energy and geometry as the force loop.
  public func contactNetwork(at positions: [Double], neighbours: NeighbourList? = nil) -> ContactNetwork {
    let kernels = kernels()
    var pairs = [ContactPair]()
    kernels.forEachInteractingPair(positions, neighbours ?? neighbourList(at: positions)) { pair in
      if kernels.pairDerivatives(pair.distance, pair.diameter).slope != 0 {
        pairs.append(ContactPair(pair.first, pair.second))
      }
    }
    return ContactNetwork(particleCount: particleCount, pairs: pairs)
  }
}

/// A connected cluster of the backbone and its rigid-body zero modes: d translations, and the
/// rotations about its centre when it does not wrap around the periodic box (a droplet; in free
/// space always). A cluster joined to its own periodic image (every dense packing) cannot rotate.
public struct RigidCluster: Sendable, Equatable {
  /// Its particles, ascending.
  public var particles: [Int]
  /// Rᵢ − R̄ for every particle in order (flat, d per particle), unwrapped through the contacts; nil
  /// when the cluster wraps around the box and has no rotational zero mode.
  public var offsets: [Double]?

  public init(particles: [Int], offsets: [Double]? = nil) {
    self.particles = particles
    self.offsets = offsets
  }
}

extension ParticleModel {
  /// The clusters of `network` at `positions` without the `excluded` particles, each unwrapped
  /// through its contacts (minimum-image bond vectors from its first particle); a cluster where two
  /// paths reach a particle in different periodic images wraps around the box.
  public func rigidClusters(of network: ContactNetwork, at positions: [Double], excluding excluded: [Int] = [])
    -> [RigidCluster]
  {
    let d = dimension
    var partners = [[Int]](repeating: [], count: network.particleCount)
    for pair in network.pairs {
      partners[pair.first].append(pair.second)
      partners[pair.second].append(pair.first)
    }
    func bond(_ i: Int, _ j: Int) -> [Double] {
      (0..<d).map { k in
        let r = positions[j * d + k] - positions[i * d + k]
        return periodic ? minimumImage(r, period: boxEdges[k]) : r
      }
    }
    let isExcluded = Set(excluded)
    return network.clusters(excluding: excluded).map { particles in
      var unwrapped = [Int: [Double]]()
      unwrapped[particles[0]] = [Double](repeating: 0, count: d)
      var queue = [particles[0]]
      var wraps = false
      let tolerance = 1e-6 * (boxEdges.max() ?? 1)
      while let i = queue.popLast() {
        for j in partners[i] where !isExcluded.contains(j) {
          let reached = zip(unwrapped[i]!, bond(i, j)).map { $0 + $1 }
          if let known = unwrapped[j] {
            if zip(known, reached).contains(where: { abs($0 - $1) > tolerance }) { wraps = true }
          } else {
            unwrapped[j] = reached
            queue.append(j)
          }
        }
      }
      guard !wraps else { return RigidCluster(particles: particles) }
      let centre = (0..<d).map { k in particles.reduce(0.0) { $0 + unwrapped[$1]![k] } / Double(particles.count) }
      return RigidCluster(particles: particles,
                          offsets: particles.flatMap { p in (0..<d).map { unwrapped[p]![$0] - centre[$0] } })
    }
  }
}
