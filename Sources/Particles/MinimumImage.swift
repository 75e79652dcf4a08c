import DualNumbers

/// The minimum image of a separation component d in a direction of period L:
///
///     d − L·n,   n = round(d/L) (to nearest, ties to even),
///
/// so that |result| ≤ L/2 (length units). The image index n is taken from the primal values, so a
/// period that is a dual number carries its derivative through the result (n is piecewise constant
/// in L); n = 0 returns d itself.
///
/// Most separations need no image or one: for |d| ≤ L/2 nothing is computed, and for
/// L/2 < |d| < L the result is d ∓ L without a division (n = ±1 there: d/L correctly rounded is
/// strictly beyond ±1/2 because d is at least one unit in the last place beyond ±L/2). Farther
/// separations take the general rounding. Every path gives the bits of d − L·round(d/L).
@inlinable @inline(__always)
public func minimumImage<Scalar: RealScalar>(_ d: Scalar, period length: Scalar) -> Scalar {
  let images = imageIndex(d.primalValue, period: length.primalValue)
  return images == 0 ? d : d - Scalar.scaled(length, by: images)
}

/// n = round(d/L), ties to even, with the shortcuts of ``minimumImage(_:period:)``.
@inlinable @inline(__always)
func imageIndex(_ d: Double, period length: Double) -> Double {
  let half = 0.5 * length
  if d > half { return d < length ? 1 : roundedToNearestEven(d / length) }
  if d < -half { return d > -length ? -1 : roundedToNearestEven(d / length) }
  return 0
}

/// x mapped into the primary period [0, L): unchanged inside, x − L·⌊x/L⌋ outside (length units;
/// the image count from the primal values, so a dual period carries its derivative). Rounding can
/// leave exactly L (a tiny negative x plus L), which becomes 0, and can leave a few units in the
/// last place below 0 (x a hair below a multiple of L), never near L. ``PeriodicBox`` wraps
/// positions with it, and the cell list its slot positions, so that the partners in a neighbour
/// cell across a periodic face all lie one edge away (`CellListScan.swift`).
@inlinable @inline(__always)
func wrappedCoordinate<Scalar: RealScalar>(_ x: Scalar, period length: Scalar) -> Scalar {
  let coordinate = x.primalValue
  guard coordinate < 0 || coordinate >= length.primalValue else { return x }
  let images = roundedDown(coordinate / length.primalValue)
  var wrapped = images != 0 ? x - Scalar.scaled(length, by: images) : x
  if wrapped.primalValue >= length.primalValue { wrapped -= length }
  return wrapped
}
