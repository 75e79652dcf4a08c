import DualNumbers

/// When a Verlet list must be rebuilt. The list holds every pair within reach + skin at its build,
/// and a pair closes in by at most the sum of its two particles' displacements since then, so the
/// list stays valid while the two largest displacements add up to at most the skin:
///
///     d₁ + d₂ ≤ skin,   dᵢ = |xᵢ − xᵢ(build)| (a minimum image in a periodic box: a particle that
///                        crossed the boundary and was wrapped has not moved a box length).
///
/// The usual test, max dᵢ ≤ skin/2, is the case d₂ = d₁; it rebuilds whenever one particle (a
/// rattler, a particle in a rearrangement) has moved half the skin while all others barely moved.
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

  /// dᵢ² of particle i at `position` from its place in `reference` (length² units).
  @inlinable @inline(__always)
  func squaredDrift<Scalar: RealScalar, D: SpatialDimension>(
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

  /// Whether the list survives drifts whose two largest squares are `drifts`.
  @inlinable
  func keepsList(_ drifts: LargestDrifts) -> Bool {
    drifts.first.squareRoot() + drifts.second.squareRoot() <= skin
  }
}

/// The two largest of a set of squared displacements d₁² ≥ d₂² (zero while fewer were added).
@usableFromInline
struct LargestDrifts: Sendable {
  @usableFromInline var first = 0.0
  @usableFromInline var second = 0.0

  @inlinable
  init() {}

  @inlinable @inline(__always)
  mutating func add(_ squared: Double) {
    guard squared > second else { return }
    if squared > first {
      (first, second) = (squared, first)
    } else {
      second = squared
    }
  }

  @inlinable
  func merged(with other: LargestDrifts) -> LargestDrifts {
    var result = self
    result.add(other.first)
    result.add(other.second)
    return result
  }
}
