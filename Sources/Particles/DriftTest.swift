import DualNumbers

/// A Verlet list stays valid while every particle is within skin/2 of where it was when the list
/// was built: |xᵢ − xᵢ(build)|² ≤ (skin/2)², measured as a minimum image in a periodic box (a
/// particle that crossed the boundary and was wrapped has not moved a box length).
@usableFromInline
struct DriftTest {
  @usableFromInline let limit: Double
  @usableFromInline let periodic: Bool
  @usableFromInline let edges: (Double, Double, Double)

  @inlinable
  init(skin: Double, geometry: CellGeometry) {
    limit = (skin / 2) * (skin / 2)
    if case .periodic(let lengths) = geometry {
      periodic = true
      edges = (lengths[0], lengths.count > 1 ? lengths[1] : 0, lengths.count > 2 ? lengths[2] : 0)
    } else {
      periodic = false
      edges = (0, 0, 0)
    }
  }

  /// Whether particle i at `position` is farther than skin/2 from its place in `reference`.
  @inlinable @inline(__always)
  func movedTooFar<Scalar: RealScalar, D: SpatialDimension>(
    _ position: SpatialVector<Scalar>, particle i: Int, from reference: UnsafeBufferPointer<Double>, _: D.Type
  ) -> Bool {
    var squared = 0.0
    for k in 0..<D.count {
      var d = position[k].primalValue - reference[i &* D.count &+ k]
      if periodic {
        let length = k == 0 ? edges.0 : k == 1 ? edges.1 : edges.2
        d = minimumImage(d, period: length)
      }
      squared += d * d
    }
    return squared > limit
  }
}
