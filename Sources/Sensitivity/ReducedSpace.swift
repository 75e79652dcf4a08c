import Models

/// The degrees of freedom a sensitivity is solved on: every position component of the particles
/// that are not rattlers, optionally with the translations projected out.
///
/// The rigid-body modes are those of every cluster (``RigidCluster``): particles that no contact
/// joins exert no force on each other, so each connected cluster of the backbone can be shifted
/// rigidly at no cost in energy, and, when it does not wrap around the periodic box (a droplet),
/// rotated too. H has d zero modes per cluster plus d(d − 1)/2 per droplet, not only the d global
/// translations. A dense packing is one wrapping cluster (the global translations alone); a dilute
/// Lennard-Jones system at a minimum is one or more droplets. Every force derivative B is orthogonal
/// to all of these modes (Newton's third law and zero torque of central forces inside each cluster),
/// so the forward solve H u = B is consistent either way; an adjoint right-hand side ∂obs/∂R is not
/// (a particle's position moves with its cluster), and H w = ∂obs/∂R has a solution only once they
/// are all projected out. The projection is the gauge: each cluster's centre and orientation held.
///
/// Vectors "in the reduced space" have d·(N − rattlers) components, particle by particle in
/// ascending index; ``expand(_:)`` puts zeros back at the rattlers, which is their sensitivity.
public struct ReducedSpace: Sendable, Equatable {
  public let dimension: Int
  public let particleCount: Int
  /// Excluded particles, ascending.
  public let rattlers: [Int]
  /// The remaining particles, ascending.
  public let activeParticles: [Int]
  /// Whether the rigid translations of every cluster are projected out.
  public let projectsTranslations: Bool
  /// The slots of every cluster's particles, ascending; one cluster holding every slot when the
  /// active particles form a single rigid network.
  public let clusterSlots: [[Int]]
  /// Per cluster, its rotations when it has them (nil: it wraps around the box).
  public let clusterRotations: [ClusterRotation?]

  /// The rotations of one cluster about its centre: the offsets oᵢ = Rᵢ − R̄ (flat, in the order of
  /// its slots) and the inverse of its inertia tensor I = Σ (|oᵢ|² 1 − oᵢ oᵢᵀ) (1×1 in 2D, 3×3 in 3D),
  /// the Gram matrix of the rotation generators ωₐ × oᵢ.
  public struct ClusterRotation: Sendable, Equatable {
    public let offsets: [Double]
    public let inverseInertia: [Double]
  }

  /// `clusters` partitions the active particles (`ParticleModel/rigidClusters(of:at:excluding:)`);
  /// nil: one cluster of them all, translations only.
  public init(dimension: Int, particleCount: Int, rattlers: [Int], projectsTranslations: Bool,
              clusters: [RigidCluster]? = nil) {
    self.dimension = dimension
    self.particleCount = particleCount
    self.rattlers = rattlers.sorted()
    let excluded = Set(rattlers)
    let activeParticles = (0..<particleCount).filter { !excluded.contains($0) }
    self.activeParticles = activeParticles
    self.projectsTranslations = projectsTranslations
    guard let clusters, clusters.count > 1 || clusters.first?.offsets != nil else {
      clusterSlots = activeParticles.isEmpty ? [] : [Array(activeParticles.indices)]
      clusterRotations = clusterSlots.map { _ in nil }
      return
    }
    let slotOf = Dictionary(uniqueKeysWithValues: activeParticles.enumerated().map { ($1, $0) })
    precondition(clusters.map(\.particles.count).reduce(0, +) == activeParticles.count
                   && clusters.allSatisfy { $0.particles.allSatisfy { slotOf[$0] != nil } },
                 "the clusters must partition the particles that are not rattlers")
    clusterSlots = clusters.map { $0.particles.map { slotOf[$0]! } }
    clusterRotations = clusters.map { cluster in
      cluster.offsets.flatMap { Self.rotation(offsets: $0, dimension: dimension) }
    }
  }

  /// The backbone of `model` at `positions`: every particle but the `rattlers`, with (when
  /// `projectsTranslations`) the rigid-body modes of each cluster of `network` projected out.
  public init(backboneOf model: ParticleModel, at positions: [Double], network: ContactNetwork, rattlers: [Int],
              projectsTranslations: Bool = true) {
    self.init(dimension: model.dimension, particleCount: model.particleCount, rattlers: rattlers,
              projectsTranslations: projectsTranslations,
              clusters: model.rigidClusters(of: network, at: positions, excluding: rattlers))
  }

  /// The rotation of a cluster with these offsets; nil when its inertia is singular (a line of
  /// particles, which has fewer rotations: left to the validity report).
  static func rotation(offsets: [Double], dimension: Int) -> ClusterRotation? {
    let count = offsets.count / dimension
    if dimension == 2 {
      let inertia = offsets.reduce(0) { $0 + $1 * $1 }
      return inertia > 0 ? ClusterRotation(offsets: offsets, inverseInertia: [1 / inertia]) : nil
    }
    var inertia = [Double](repeating: 0, count: 9)
    for i in 0..<count {
      let o = offsets[(i * 3)..<(i * 3 + 3)].map { $0 }
      let squared = o[0] * o[0] + o[1] * o[1] + o[2] * o[2]
      for a in 0..<3 {
        for b in 0..<3 { inertia[a * 3 + b] += (a == b ? squared : 0) - o[a] * o[b] }
      }
    }
    // The inverse by cofactors; refused below a relative determinant of 1e-12 (I is symmetric).
    func m(_ a: Int, _ b: Int) -> Double { inertia[a * 3 + b] }
    var cofactors = [Double](repeating: 0, count: 9)
    for a in 0..<3 {
      for b in 0..<3 {
        let (a1, a2, b1, b2) = ((a + 1) % 3, (a + 2) % 3, (b + 1) % 3, (b + 2) % 3)
        cofactors[b * 3 + a] = m(a1, b1) * m(a2, b2) - m(a1, b2) * m(a2, b1)
      }
    }
    let determinant = (0..<3).reduce(0.0) { $0 + m(0, $1) * cofactors[$1 * 3] }
    let trace = m(0, 0) + m(1, 1) + m(2, 2)
    guard trace > 0, determinant > 1e-12 * trace * trace * trace else { return nil }
    return ClusterRotation(offsets: offsets, inverseInertia: cofactors.map { $0 / determinant })
  }

  /// d·(N − rattlers).
  public var count: Int { dimension * activeParticles.count }

  /// The rigid-body modes projected out (the dimension of the engine's null space): d translations
  /// per cluster and d(d − 1)/2 rotations per cluster that has them; 0 when not projected.
  public var rigidModeCount: Int {
    guard projectsTranslations else { return 0 }
    let rotations = clusterRotations.filter { $0 != nil }.count * dimension * (dimension - 1) / 2
    return dimension * clusterSlots.count + rotations
  }

  /// Zero modes removed: d per rattler, plus, when projected, d translations per cluster and
  /// d(d − 1)/2 rotations per cluster that has them.
  public var zeroModesRemoved: Int { dimension * rattlers.count + rigidModeCount }

  /// The components of the active particles.
  @inlinable
  public func restrict(_ full: [Double]) -> [Double] {
    // Without rattlers the reduced space is the full one: no copy (every H·v passes through here).
    if activeParticles.count == particleCount { return full }
    var reduced = [Double]()
    restrict(full, into: &reduced)
    return reduced
  }

  /// A full d·N vector with zeros at the rattlers.
  @inlinable
  public func expand(_ reduced: [Double]) -> [Double] {
    if activeParticles.count == particleCount { return reduced }
    var full = [Double]()
    expand(reduced, into: &full)
    return full
  }

  /// full ← the reduced vector with zeros at the rattlers, reusing `full`'s storage when it has
  /// d·N components (a solver's products call it once per iteration).
  @inlinable
  public func expand(_ reduced: [Double], into full: inout [Double]) {
    let d = dimension
    if full.count != d * particleCount { full = [Double](repeating: 0, count: d * particleCount) }
    full.withUnsafeMutableBufferPointer { full in
      reduced.withUnsafeBufferPointer { reduced in
        activeParticles.withUnsafeBufferPointer { particles in
          for slot in particles.indices {
            for k in 0..<d { full[particles[slot] &* d &+ k] = reduced[slot &* d &+ k] }
          }
        }
        // The rattlers' components are zero whatever `full` held before.
        for rattler in rattlers { for k in 0..<d { full[rattler &* d &+ k] = 0 } }
      }
    }
  }

  /// reduced ← the components of the active particles of `full`, reusing `reduced`'s storage.
  @inlinable
  public func restrict(_ full: [Double], into reduced: inout [Double]) {
    let d = dimension
    if reduced.count != count { reduced = [Double](repeating: 0, count: count) }
    reduced.withUnsafeMutableBufferPointer { reduced in
      full.withUnsafeBufferPointer { full in
        activeParticles.withUnsafeBufferPointer { particles in
          for slot in particles.indices {
            for k in 0..<d { reduced[slot &* d &+ k] = full[particles[slot] &* d &+ k] }
          }
        }
      }
    }
  }

  /// v ← P v, P the orthogonal projector off the rigid-body modes (T's columns: a unit shift of
  /// every particle of one cluster along one axis; for a cluster that rotates, also ωₐ × oᵢ):
  /// subtracts each component's mean over each cluster, then the rigid rotation ω × oᵢ with
  /// ω = I⁻¹ Σ oᵢ × vᵢ (the rotations are orthogonal to the translations, Σ oᵢ = 0).
  ///
  /// Every solver iteration projects its vectors, so the translations are removed in two passes over
  /// each cluster (all d sums in one, each still summed in slot order) through buffer pointers.
  @inlinable
  public func projectTranslations(_ v: inout [Double]) {
    guard projectsTranslations else { return }
    let d = dimension
    precondition(v.count == count, "projectTranslations: \(v.count) components for a space of \(count)")
    for (slots, rotation) in zip(clusterSlots, clusterRotations) {
      v.withUnsafeMutableBufferPointer { v in
        slots.withUnsafeBufferPointer { slots in
          var (x, y, z) = (0.0, 0.0, 0.0)
          for slot in slots {
            x += v[slot &* d]
            y += v[slot &* d &+ 1]
            if d == 3 { z += v[slot &* d &+ 2] }
          }
          let size = Double(slots.count)
          (x, y, z) = (x / size, y / size, z / size)
          for slot in slots {
            v[slot &* d] -= x
            v[slot &* d &+ 1] -= y
            if d == 3 { v[slot &* d &+ 2] -= z }
          }
        }
      }
      if let rotation { rotation.remove(from: &v, slots: slots, dimension: dimension) }
    }
  }

  /// diag(A) from diag(H) on the reduced space, A = P H P + μ (I − P): μ diag(I − P) is added
  /// (1/nᵢ per slot of a cluster of nᵢ particles, plus its rotations' share); nothing when the
  /// modes are not projected.
  public func shiftedDiagonal(_ diagonal: [Double], shift μ: Double) -> [Double] {
    guard projectsTranslations else { return diagonal }
    var shifted = diagonal
    for (slots, rotation) in zip(clusterSlots, clusterRotations) {
      let size = Double(slots.count)
      for (member, slot) in slots.enumerated() {
        for k in 0..<dimension {
          shifted[slot * dimension + k] += μ / size
          if let rotation { shifted[slot * dimension + k] += μ * rotation.diagonal(member: member, component: k, dimension: dimension) }
        }
      }
    }
    return shifted
  }

}

extension ReducedSpace.ClusterRotation {
  /// The generator ωₐ × oᵢ of rotation a at one member (2D: the single rotation, a = 0).
  @inlinable
  func generator(_ a: Int, member i: Int, dimension: Int) -> (Double, Double, Double) {
    if dimension == 2 { return (-offsets[i * 2 + 1], offsets[i * 2], 0) }
    let o = (offsets[i * 3], offsets[i * 3 + 1], offsets[i * 3 + 2])
    switch a {
    case 0: return (0, -o.2, o.1)
    case 1: return (o.2, 0, -o.0)
    default: return (-o.1, o.0, 0)
    }
  }

  /// v ← v − Σₐᵦ Rₐ (I⁻¹)ₐᵦ (Rᵦ·v) over one cluster's slots.
  @inlinable
  func remove(from v: inout [Double], slots: [Int], dimension: Int) {
    let rotations = dimension == 2 ? 1 : 3
    var moments = [Double](repeating: 0, count: rotations)
    for (member, slot) in slots.enumerated() {
      for a in 0..<rotations {
        let g = generator(a, member: member, dimension: dimension)
        moments[a] += g.0 * v[slot * dimension] + g.1 * v[slot * dimension + 1]
          + (dimension == 3 ? g.2 * v[slot * dimension + 2] : 0)
      }
    }
    var ω = [Double](repeating: 0, count: rotations)
    for a in 0..<rotations {
      for b in 0..<rotations { ω[a] += inverseInertia[a * rotations + b] * moments[b] }
    }
    for (member, slot) in slots.enumerated() {
      for a in 0..<rotations {
        let g = generator(a, member: member, dimension: dimension)
        v[slot * dimension] -= ω[a] * g.0
        v[slot * dimension + 1] -= ω[a] * g.1
        if dimension == 3 { v[slot * dimension + 2] -= ω[a] * g.2 }
      }
    }
  }

  /// diag(Σₐᵦ Rₐ (I⁻¹)ₐᵦ Rᵦᵀ) at one member's component k.
  func diagonal(member: Int, component k: Int, dimension: Int) -> Double {
    let rotations = dimension == 2 ? 1 : 3
    func pick(_ g: (Double, Double, Double)) -> Double { k == 0 ? g.0 : k == 1 ? g.1 : g.2 }
    var sum = 0.0
    for a in 0..<rotations {
      for b in 0..<rotations {
        sum += pick(generator(a, member: member, dimension: dimension)) * inverseInertia[a * rotations + b]
          * pick(generator(b, member: member, dimension: dimension))
      }
    }
    return sum
  }
}
