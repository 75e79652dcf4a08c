import DualNumbers

/// The geometry of the space particles live in: how a displacement between two positions is
/// measured and how a position is mapped back into the simulation cell.
///
/// Potentials and minimisers only ever see displacements, so a new geometry (a sheared or general
/// triclinic periodic cell) is a new conformer of this protocol and touches nothing else.
/// `Scalar` is the type of the geometry's own parameters (a box length that is differentiated is a
/// dual number) and of the positions it acts on.
public protocol Boundary: Sendable {
  associatedtype Scalar: RealScalar
  associatedtype Dimension: SpatialDimension

  /// Replaces the raw displacement rᵢ − rⱼ by the one the interaction uses (the minimum image in
  /// a periodic cell; unchanged in free space).
  func minimumImage(_ displacement: inout SpatialVector<Scalar>)

  /// Replaces the raw displacement rᵢ − rⱼ of an interior pair of a neighbour list (both particles
  /// more than the skin inside the cell along every axis, rᵢ − rⱼ shorter than half the cell minus
  /// twice the skin along each; see ``NeighbourList/interiorEnd``) by the one the interaction uses.
  /// No periodic image of such a pair is nearer while the list holds, so an orthorhombic cell uses
  /// rᵢ − rⱼ as it is and the pair loop saves the minimum image of most pairs. The default takes
  /// the minimum image, which is right for every pair.
  func interiorSeparation(_ displacement: inout SpatialVector<Scalar>)

  /// Maps a position into the primary cell [0, L) (periodic) or leaves it (free space).
  func wrap(_ position: inout SpatialVector<Scalar>)

  /// The plain-number geometry the neighbour list is built on.
  var cellGeometry: CellGeometry { get }

  /// How much longer than a separation in ``cellGeometry`` the separation the interaction sees can
  /// be shorter by, at most: the neighbour list is built to this multiple of the interaction's reach
  /// so that no interacting pair is missed (1 where the two coincide; 1/σ_min(F) in a deformed cell).
  var neighbourReachScale: Double { get }
}

extension Boundary {
  public var neighbourReachScale: Double { 1 }

  @inlinable @inline(__always)
  public func interiorSeparation(_ displacement: inout SpatialVector<Scalar>) { minimumImage(&displacement) }
}

/// The geometry a cell list needs, stripped of derivatives.
public enum CellGeometry: Sendable, Equatable {
  /// An orthorhombic periodic cell with these edge lengths (one per dimension).
  case periodic(edges: [Double])
  /// No boundary: the cell list spans the particles' bounding box.
  case free
}
