import DualNumbers

/// A Verlet list stays valid while no two particles together have moved more than the skin since
/// it was built: a pair farther apart than r_c + skin then is still farther than r_c now, since its
/// gap closed by at most |Δxᵢ| + |Δxⱼ| ≤ d₁ + d₂, the two largest displacements. Displacements are
/// measured as minimum images in a periodic box (a particle that crossed the boundary and was
/// wrapped has not moved a box length).
///
/// Why the two largest rather than 2·d₁ (every particle within skin/2, LAMMPS's `check yes`): on a
/// minimiser's path the particle that moved most is often alone in moving that far (a rattler, a
/// local rearrangement), and the list lives longer.
@usableFromInline
struct DriftTest {
  @usableFromInline let skin: Double
  @usableFromInline let periodic: Bool
  @usableFromInline let edges: (Double, Double, Double)

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

  /// |xᵢ − xᵢ(build)|² for particle i at `position` against its place in `reference` (length²).
  @inlinable @inline(__always)
  func squaredDisplacement<Scalar: RealScalar, D: SpatialDimension>(
    _ position: SpatialVector<Scalar>, particle i: Int, from reference: UnsafeBufferPointer<Double>, _: D.Type
  ) -> Double {
    var squared = 0.0
    for k in 0..<D.count {
      var d = position[k].primalValue - reference[i &* D.count &+ k]
      if periodic {
        let length = k == 0 ? edges.0 : k == 1 ? edges.1 : edges.2
        d = minimumImage(d, period: length)
      }
      squared += d * d
    }
    return squared
  }

  /// Whether the list is still valid after displacements whose two largest squares are `largest`:
  /// d₁ + d₂ ≤ skin.
  @inlinable
  func keepsList(_ largest: LargestDisplacements) -> Bool {
    largest.first.squareRoot() + largest.second.squareRoot() <= skin
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
