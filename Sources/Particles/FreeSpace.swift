import DualNumbers

/// Open space without walls: displacements are plain differences, positions are never wrapped.
public struct FreeSpace<Dimension: SpatialDimension, Scalar: RealScalar>: Boundary {
  @inlinable
  public init() {}

  @inlinable @inline(__always)
  public func minimumImage(_ displacement: inout SpatialVector<Scalar>) {}

  @inlinable @inline(__always)
  public func wrap(_ position: inout SpatialVector<Scalar>) {}

  public var cellGeometry: CellGeometry { .free }
}
