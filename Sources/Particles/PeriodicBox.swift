import DualNumbers

/// An orthorhombic periodic cell [0, L₁) × [0, L₂) (× [0, L₃)) with minimum-image displacements:
/// dₖ ← dₖ − Lₖ·round(dₖ / Lₖ).
///
/// The rounding uses the primal value, so a box length that is a dual number still carries its
/// derivative through dₖ (the image index is piecewise constant in L).
public struct PeriodicBox<Dimension: SpatialDimension, Scalar: RealScalar>: Boundary {
  /// Edge lengths Lₖ (length units); `z` is unused in two dimensions.
  public var edges: SpatialVector<Scalar>

  @inlinable
  public init(edges: SpatialVector<Scalar>) {
    self.edges = edges
  }

  /// A square or cubic box of side `length`.
  @inlinable
  public init(side length: Scalar) {
    self.edges = SpatialVector(length, length, Dimension.count == 3 ? length : 0)
  }

  /// dₖ ← dₖ − Lₖ·round(dₖ / Lₖ) for every axis (``minimumImage(_:period:)``).
  @inlinable @inline(__always)
  public func minimumImage(_ displacement: inout SpatialVector<Scalar>) {
    for k in 0..<Dimension.count { displacement[k] = Particles.minimumImage(displacement[k], period: edges[k]) }
  }

  /// rᵢ − rⱼ itself: an interior pair's separation is its own minimum image bit for bit (every
  /// |dₖ| < Lₖ/2, where the image index is 0).
  @inlinable @inline(__always)
  public func interiorSeparation(_ displacement: inout SpatialVector<Scalar>) {}

  @inlinable @inline(__always)
  public func wrap(_ position: inout SpatialVector<Scalar>) {
    for k in 0..<Dimension.count { position[k] = wrappedCoordinate(position[k], period: edges[k]) }
  }

  public var cellGeometry: CellGeometry {
    .periodic(edges: (0..<Dimension.count).map { edges[$0].primalValue })
  }

  /// The volume (area in two dimensions) ∏ Lₖ.
  @inlinable
  public var volume: Scalar {
    Dimension.count == 3 ? edges.x * edges.y * edges.z : edges.x * edges.y
  }
}
