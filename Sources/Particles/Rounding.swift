// Rounding to integers without a libm call. Baseline x86-64 has no rounding instruction (roundsd
// is SSE4.1), so `rounded(_:)` calls rint or floor; a call inside a pair loop, even on a branch
// that is almost never taken, makes the compiler keep the loop's accumulators in memory around it.

/// x rounded to the nearest integer, ties to even: exactly `x.rounded(.toNearestOrEven)`.
///
/// For |x| < 2⁵², (|x| + 2⁵²) − 2⁵² rounds |x| to an integer in the default rounding mode (the
/// sum has no bits below 1); larger magnitudes, infinities and NaN are returned unchanged, as
/// `rounded` does.
@inlinable @inline(__always)
func roundedToNearestEven(_ x: Double) -> Double {
  let magnitude = Swift.abs(x)
  guard magnitude < 0x1p52 else { return x }
  return Double(signOf: x, magnitudeOf: (magnitude + 0x1p52) - 0x1p52)
}

/// ⌊x⌋: exactly `x.rounded(.down)`.
@inlinable @inline(__always)
func roundedDown(_ x: Double) -> Double {
  let nearest = roundedToNearestEven(x)
  return nearest > x ? nearest - 1 : nearest
}
