/// The pairs of a Verlet list whose separation needs no periodic image while the list holds.
///
/// A coordinate is interior when it lies more than the skin inside its period, s < cₖ < Lₖ − s. A
/// pair is interior when both particles are interior along every axis and its raw separation
/// satisfies |dₖ| + 2s < Lₖ/2 on each. While the list holds, no particle has moved more than the
/// skin (``DriftTest``), so neither particle of such a pair has crossed a face and been wrapped, and
/// its separation has changed by at most 2s: rᵢ − rⱼ is still shorter than half the cell along
/// every axis, its own minimum image bit for bit. The pair loop takes it as it is
/// (``Boundary/interiorSeparation(_:)``); in a box of 10⁴ particles most pairs are interior.
///
/// In free space every pair is interior (there are no images). On positions a caller hands in
/// (`NeighbourList.update`), the drift test measures an interior coordinate's displacement without
/// an image, so that a particle moved by a whole period rebuilds the list instead of leaving a
/// stale interior pair; the displacing pass's positions are wrapped and need no such care.
@usableFromInline
struct InteriorPairs {
  @usableFromInline let skin: Double
  /// Periodic edges (zero in free space and for an absent third axis).
  @usableFromInline let edges: (Double, Double, Double)
  @usableFromInline let periodic: Bool

  @inlinable
  init(skin: Double, geometry: CellGeometry) {
    self.skin = skin
    if case .periodic(let lengths) = geometry {
      periodic = true
      edges = (lengths[0], lengths.count > 1 ? lengths[1] : 0, lengths.count > 2 ? lengths[2] : 0)
    } else {
      periodic = false
      edges = (0, 0, 0)
    }
  }

  @inlinable @inline(__always)
  func edge(_ k: Int) -> Double { k == 0 ? edges.0 : k == 1 ? edges.1 : edges.2 }

  /// s < c < L − s along axis k (false for a non-finite c).
  @inlinable @inline(__always)
  func isInterior(_ coordinate: Double, axis k: Int) -> Bool {
    !periodic || (coordinate > skin && coordinate < edge(k) - skin)
  }

  /// Whether particle i at its place in `positions` (flat, `D.count` per particle) is interior
  /// along every axis.
  @inlinable @inline(__always)
  func isInterior<D: SpatialDimension>(particle i: Int, in positions: UnsafeBufferPointer<Double>, _: D.Type) -> Bool {
    for k in 0..<D.count where !isInterior(positions[i &* D.count &+ k], axis: k) { return false }
    return true
  }

  /// Reorders `row[0..<count]`, the partners of the interior particle i, so that the interior pairs
  /// come first, each group keeping its order (the partners in range first; see ``NeighbourList``),
  /// and returns how many are interior. `scratch` must have room for `count` entries.
  @inlinable
  func partition<D: SpatialDimension>(
    _ row: UnsafeMutablePointer<Int32>, count: Int, of i: Int, positions: UnsafeBufferPointer<Double>, _: D.Type,
    scratch: UnsafeMutablePointer<Int32>
  ) -> Int {
    guard periodic else { return count }
    var interior = 0
    var others = 0
    for slot in 0..<count {
      let j = row[slot]
      var inside = true
      for k in 0..<D.count {
        let coordinate = positions[Int(j) &* D.count &+ k]
        let separation = positions[i &* D.count &+ k] - coordinate
        inside = inside && isInterior(coordinate, axis: k) && abs(separation) + 2 * skin < 0.5 * edge(k)
      }
      // Written to both places, kept by counting (an unpredictable branch costs more).
      row[interior] = j
      scratch[others] = j
      let kept = Int(unsafeBitCast(inside, to: UInt8.self))
      interior &+= kept
      others &+= 1 &- kept
    }
    if others > 0 { (row + interior).update(from: scratch, count: others) }
    return interior
  }
}
