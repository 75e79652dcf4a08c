import DualNumbers

/// How ``InverseHessianMemory`` keeps its 2m vectors sᵢ and yᵢ: the element type they are stored in
/// and the conversions to and from the arithmetic `Scalar`.
///
/// The pairs only define H, a preconditioner: any stored pair with sᵢ·yᵢ > 0 keeps H positive
/// definite, and the curvatures ρᵢ = 1/(sᵢ·yᵢ) and the scale γ are computed from the vectors as
/// stored, so the two-loop recursion stays an exact BFGS update of the pairs it holds.
public protocol PairStorage {
  associatedtype Scalar: RealScalar
  associatedtype Element: Sendable
  /// x as stored.
  static func stored(_ x: Scalar) -> Element
  /// A stored element back in the arithmetic.
  static func loaded(_ element: Element) -> Scalar
}

/// The pairs in the arithmetic itself: the textbook L-BFGS.
public enum FullPrecisionPairs<Scalar: RealScalar>: PairStorage {
  @inlinable @inline(__always) public static func stored(_ x: Scalar) -> Scalar { x }
  @inlinable @inline(__always) public static func loaded(_ element: Scalar) -> Scalar { element }
}

/// The pairs rounded to `Scalar.Narrow` (`Float` for `Double`): half the memory traffic of the
/// two-loop recursion, which streams all 2m vectors twice per iteration and, from about 10⁴
/// particles on, no longer fits in a core's cache.
public enum NarrowPairs<Scalar: RealScalar>: PairStorage {
  @inlinable @inline(__always) public static func stored(_ x: Scalar) -> Scalar.Narrow { x.narrowed }
  @inlinable @inline(__always) public static func loaded(_ element: Scalar.Narrow) -> Scalar {
    Scalar(widening: element)
  }
}

/// Which ``PairStorage`` ``LBFGS`` keeps its pairs in.
public enum PairPrecision: String, Sendable, Equatable, CaseIterable {
  /// In the arithmetic of the minimisation (``FullPrecisionPairs``).
  case full
  /// One precision narrower (``NarrowPairs``): `Float` pairs for a `Double` minimisation.
  case narrow
}
