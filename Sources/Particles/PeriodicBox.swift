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

  @inlinable @inline(__always)
  public func minimumImage(_ displacement: inout SpatialVector<Scalar>) {
    for k in 0..<Dimension.count {
      let length = edges[k]
      let half = 0.5 * length.primalValue
      // Positions live in [0, L), so a separation needs at most one image shift (−L, 0 or +L),
      // chosen without a branch or a division; the rounding call for anything farther sits on a
      // cold path, so that the pair loop keeps its registers.
      let component = displacement[k].primalValue
      let shift: Double = component > half ? 1 : (component < -half ? -1 : 0)
      displacement[k] -= Scalar.scaled(length, by: shift)
      if _slowPath(Swift.abs(displacement[k].primalValue) > half) {
        displacement[k] = Self.nearestImage(displacement[k], length)
      }
    }
  }

  /// d − L·round(d/L) for separations more than one box length away (rare: unwrapped positions).
  @inlinable @inline(never)
  static func nearestImage(_ d: Scalar, _ length: Scalar) -> Scalar {
    let images = (d.primalValue / length.primalValue).rounded(.toNearestOrEven)
    return d - Scalar.scaled(length, by: images)
  }

  @inlinable
  public func wrap(_ position: inout SpatialVector<Scalar>) {
    for k in 0..<Dimension.count {
      let length = edges[k]
      let coordinate = position[k].primalValue
      guard coordinate < 0 || coordinate >= length.primalValue else { continue }
      let images = (coordinate / length.primalValue).rounded(.down)
      if images != 0 { position[k] -= Scalar.scaled(length, by: images) }
      // Rounding can leave exactly L (a tiny negative coordinate plus L); [0, L) is the contract.
      if position[k].primalValue >= length.primalValue { position[k] -= length }
    }
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
