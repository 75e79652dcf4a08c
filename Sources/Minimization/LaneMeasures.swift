import DualNumbers

// The measurements a streaming pass takes as it goes (dot products, the largest component,
// finiteness), kept in four lanes: coordinate k in lane k mod 4, the lanes joined at the end.

/// What a line search asks of a direction d against the forces v, gathered coordinate by
/// coordinate: d·v, max |dᵢ| (primal values) and whether every dᵢ is finite.
///
/// Kept in four lanes, coordinate k in lane k mod 4, joined at the end: four independent sums
/// pipeline and pack into vector registers, where one running sum waits on each addition. The
/// finiteness test is arithmetic for the same reason: Σ dₖ·0 is zero while every dₖ is finite and
/// NaN from the first that is not (∞·0 and NaN·0 are NaN).
@usableFromInline
struct DirectionMeasure<Scalar: RealScalar> {
  @usableFromInline typealias Lanes<T> = (T, T, T, T)
  @usableFromInline var slope: Lanes<Scalar> = (.zero, .zero, .zero, .zero)
  @usableFromInline var longest: Lanes<Double> = (0, 0, 0, 0)
  @usableFromInline var finiteness: Lanes<Scalar> = (.zero, .zero, .zero, .zero)

  @inlinable
  init() {}

  /// Four consecutive coordinates, one per lane.
  @inlinable @inline(__always)
  mutating func include(_ d: Lanes<Scalar>, against v: Lanes<Scalar>) {
    slope.0 += d.0 * v.0
    slope.1 += d.1 * v.1
    slope.2 += d.2 * v.2
    slope.3 += d.3 * v.3
    longest.0 = Swift.max(longest.0, Swift.abs(d.0.primalValue))
    longest.1 = Swift.max(longest.1, Swift.abs(d.1.primalValue))
    longest.2 = Swift.max(longest.2, Swift.abs(d.2.primalValue))
    longest.3 = Swift.max(longest.3, Swift.abs(d.3.primalValue))
    finiteness.0 += d.0 * .zero
    finiteness.1 += d.1 * .zero
    finiteness.2 += d.2 * .zero
    finiteness.3 += d.3 * .zero
  }

  /// One coordinate, in the first lane.
  @inlinable @inline(__always)
  mutating func include(_ component: Scalar, against force: Scalar) {
    slope.0 += component * force
    longest.0 = Swift.max(longest.0, Swift.abs(component.primalValue))
    finiteness.0 += component * .zero
  }

  /// The measure of two chunks, this one first, lane by lane.
  @inlinable
  func merged(with next: DirectionMeasure) -> DirectionMeasure {
    var result = self
    result.slope = (slope.0 + next.slope.0, slope.1 + next.slope.1, slope.2 + next.slope.2, slope.3 + next.slope.3)
    result.longest = (Swift.max(longest.0, next.longest.0), Swift.max(longest.1, next.longest.1),
                      Swift.max(longest.2, next.longest.2), Swift.max(longest.3, next.longest.3))
    result.finiteness = (finiteness.0 + next.finiteness.0, finiteness.1 + next.finiteness.1,
                         finiteness.2 + next.finiteness.2, finiteness.3 + next.finiteness.3)
    return result
  }

  @inlinable
  var result: (slope: Scalar, longest: Double, finite: Bool) {
    ((slope.0 + slope.1) + (slope.2 + slope.3),
     Swift.max(Swift.max(longest.0, longest.1), Swift.max(longest.2, longest.3)),
     ((finiteness.0 + finiteness.1) + (finiteness.2 + finiteness.3)).isFinite)
  }
}

/// What storing a pair asks of it, gathered in four lanes as ``DirectionMeasure`` is: s·y and y·y,
/// and of the vector b after the step max |bₖ|, whether it is finite, and s·b.
@usableFromInline
struct PairMeasure<Scalar: RealScalar> {
  @usableFromInline typealias Lanes<T> = (T, T, T, T)
  @usableFromInline var curvature: Lanes<Scalar> = (.zero, .zero, .zero, .zero)
  @usableFromInline var changeSquared: Lanes<Scalar> = (.zero, .zero, .zero, .zero)
  @usableFromInline var after = DirectionMeasure<Scalar>()

  @inlinable
  init() {}

  @inlinable @inline(__always)
  mutating func include(_ s: Lanes<Scalar>, _ y: Lanes<Scalar>, after b: Lanes<Scalar>) {
    curvature.0 += s.0 * y.0
    curvature.1 += s.1 * y.1
    curvature.2 += s.2 * y.2
    curvature.3 += s.3 * y.3
    changeSquared.0 += y.0 * y.0
    changeSquared.1 += y.1 * y.1
    changeSquared.2 += y.2 * y.2
    changeSquared.3 += y.3 * y.3
    after.include(b, against: s)
  }

  @inlinable @inline(__always)
  mutating func include(_ s: Scalar, _ y: Scalar, after b: Scalar) {
    curvature.0 += s * y
    changeSquared.0 += y * y
    after.include(b, against: s)
  }

  @inlinable
  func merged(with next: PairMeasure) -> PairMeasure {
    var result = self
    result.curvature = (curvature.0 + next.curvature.0, curvature.1 + next.curvature.1,
                        curvature.2 + next.curvature.2, curvature.3 + next.curvature.3)
    result.changeSquared = (changeSquared.0 + next.changeSquared.0, changeSquared.1 + next.changeSquared.1,
                            changeSquared.2 + next.changeSquared.2, changeSquared.3 + next.changeSquared.3)
    result.after = after.merged(with: next.after)
    return result
  }

  /// s·b of the coordinates gathered so far, its lanes joined as `dotProduct` joins its sums.
  @inlinable
  var stepTimesB: Scalar { after.result.slope }

  /// (s·y, y·y, max |bₖ|, whether b is finite).
  @inlinable
  var result: (Scalar, Scalar, Double, Bool) {
    let measured = after.result
    return ((curvature.0 + curvature.1) + (curvature.2 + curvature.3),
            (changeSquared.0 + changeSquared.1) + (changeSquared.2 + changeSquared.3), measured.longest, measured.finite)
  }
}
