/// The degrees of freedom a sensitivity is solved on: every position component of the particles
/// that are not rattlers, optionally with the d global translations projected out.
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
  /// Whether uniform translations of the active particles are projected out.
  public let projectsTranslations: Bool

  public init(dimension: Int, particleCount: Int, rattlers: [Int], projectsTranslations: Bool) {
    self.dimension = dimension
    self.particleCount = particleCount
    self.rattlers = rattlers.sorted()
    let excluded = Set(rattlers)
    self.activeParticles = (0..<particleCount).filter { !excluded.contains($0) }
    self.projectsTranslations = projectsTranslations
  }

  /// d·(N − rattlers).
  public var count: Int { dimension * activeParticles.count }

  /// Zero modes removed: d per rattler, plus d translations when projected.
  public var zeroModesRemoved: Int {
    dimension * rattlers.count + (projectsTranslations && !activeParticles.isEmpty ? dimension : 0)
  }

  /// The components of the active particles.
  @inlinable
  public func restrict(_ full: [Double]) -> [Double] {
    // Without rattlers the reduced space is the full one: no copy (every H·v passes through here).
    if activeParticles.count == particleCount { return full }
    var reduced = [Double](repeating: 0, count: count)
    for (slot, particle) in activeParticles.enumerated() {
      for k in 0..<dimension { reduced[slot * dimension + k] = full[particle * dimension + k] }
    }
    return reduced
  }

  /// A full d·N vector with zeros at the rattlers.
  @inlinable
  public func expand(_ reduced: [Double]) -> [Double] {
    if activeParticles.count == particleCount { return reduced }
    var full = [Double](repeating: 0, count: dimension * particleCount)
    for (slot, particle) in activeParticles.enumerated() {
      for k in 0..<dimension { full[particle * dimension + k] = reduced[slot * dimension + k] }
    }
    return full
  }

  /// v ← P v, P = I − T Tᵀ the orthogonal projector off the translations (T's columns: a unit shift
  /// of every active particle along one axis, normalised): subtracts each component's mean.
  @inlinable
  public func projectTranslations(_ v: inout [Double]) {
    guard projectsTranslations, !activeParticles.isEmpty else { return }
    let active = activeParticles.count
    for k in 0..<dimension {
      var mean = 0.0
      for slot in 0..<active { mean += v[slot * dimension + k] }
      mean /= Double(active)
      for slot in 0..<active { v[slot * dimension + k] -= mean }
    }
  }
}
