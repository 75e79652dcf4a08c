import DualNumbers

/// A Verlet list stays valid while no two particles together have moved more than the skin since
/// it was built: a pair farther apart than r_c + skin then is still farther than r_c now, since its
/// gap closed by at most |Δxᵢ| + |Δxⱼ| ≤ d₁ + d₂, the two largest displacements. Displacements are
/// measured as minimum images in a periodic box (a particle that crossed the boundary and was
/// wrapped has not moved a box length).
///
/// Positions a caller hands in need not be wrapped the way the build's were: there a coordinate
/// more than the skin inside the cell at the build is measured as it is, so that one moved by a
/// whole period rebuilds the list (its interior pairs take separations as they are; see
/// `InteriorPairs`). The displacing pass needs no such care: its positions are wrapped, and an
/// interior coordinate within the skin of where it was cannot have crossed a face.
///
/// Why the two largest rather than 2·d₁ (every particle within skin/2, LAMMPS's `check yes`): on a
/// minimiser's path the particle that moved most is often alone in moving that far (a rattler, a
/// local rearrangement), and the list lives longer.
@usableFromInline
struct DriftTest {
  /// The skin, the cell, and which coordinates lie deep inside it.
  @usableFromInline let cell: InteriorPairs

  @inlinable
  init(skin: Double, geometry: CellGeometry) {
    self.cell = InteriorPairs(skin: skin, geometry: geometry)
  }

  /// |xᵢ − xᵢ(build)|² for particle i at `position` against its place in `reference` (length²);
  /// `wrapped`: whether the position is the displacing pass's (wrapped into the cell).
  @inlinable @inline(__always)
  func squaredDisplacement<Scalar: RealScalar, D: SpatialDimension>(
    _ position: SpatialVector<Scalar>, particle i: Int, from reference: UnsafeBufferPointer<Double>, _: D.Type,
    wrapped: Bool = true
  ) -> Double {
    var squared = 0.0
    for k in 0..<D.count {
      let start = reference[i &* D.count &+ k]
      var d = position[k].primalValue - start
      if cell.periodic {
        let imaged = minimumImage(d, period: cell.edge(k))
        if wrapped || imaged == d || !cell.isInterior(start, axis: k) { d = imaged }
      }
      squared += d * d
    }
    return squared
  }

  /// Whether the list is still valid after displacements whose two largest squares are `largest`:
  /// d₁ + d₂ ≤ skin.
  @inlinable
  func keepsList(_ largest: LargestDisplacements) -> Bool {
    largest.first.squareRoot() + largest.second.squareRoot() <= cell.skin
  }
}

/// The two largest squared displacements d₁² ≥ d₂² met so far (length²), gathered particle by
/// particle and merged chunk by chunk.
@usableFromInline
struct LargestDisplacements {
  @usableFromInline var first = 0.0
  @usableFromInline var second = 0.0

  @inlinable
  init() {}

  @inlinable @inline(__always)
  mutating func include(_ squared: Double) {
    guard squared > second else { return }
    if squared > first {
      second = first
      first = squared
    } else {
      second = squared
    }
  }

  @inlinable
  func merged(with other: LargestDisplacements) -> LargestDisplacements {
    var result = self
    result.include(other.first)
    result.include(other.second)
    return result
  }
}
