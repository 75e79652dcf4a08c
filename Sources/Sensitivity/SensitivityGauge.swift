import Models

/// The gauge every method reports a sensitivity in, the implicit method's: rattlers get zero
/// sensitivity, and the rigid-body modes of every cluster of the backbone (``ReducedSpace``) are
/// projected out, so that each cluster's centre (and a droplet's orientation) does not move.
///
/// The implicit solve lands in this gauge by construction (its solution lies in the complement of the
/// engine's null space); finite differences and unrolled differentiation are brought into it, so
/// that the three compare component by component. The projection acts on the fixed-frame motion
/// u = L·dx/dθ (length per θ unit), where rotations are rotations whatever the box's aspect.
public struct SensitivityGauge: Sendable {
  public let space: ReducedSpace
  public let edges: [Double]

  /// The gauge of the minimum `positions` of `model`: its rattlers (unless `excludeRattlers` is
  /// false) and the clusters of its contact network.
  public init(model: ParticleModel, positions: [Double], excludeRattlers: Bool = true) {
    let network = model.contactNetwork(at: positions)
    let rattlers = excludeRattlers
      ? RattlerDetection.rattlers(in: network, dimension: model.dimension, minimumContacts: model.rattlerContactThreshold)
      : []
    space = ReducedSpace(backboneOf: model, at: positions, network: network, rattlers: rattlers)
    edges = model.boxEdges
  }

  public var rattlers: [Int] { space.rattlers }

  /// dx/dθ (normalised, flat) in the gauge.
  public func apply(toNormalised normalised: [Double]) -> [Double] {
    let d = space.dimension
    var motion = space.restrict(normalised.indices.map { normalised[$0] * edges[$0 % d] })
    space.projectTranslations(&motion)
    let full = space.expand(motion)
    return full.indices.map { full[$0] / edges[$0 % d] }
  }
}
