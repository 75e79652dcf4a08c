/// The arithmetic a numerical kernel may use when it is written once and evaluated on plain
/// `Double` values, on dual numbers (first derivatives) and on nested dual numbers (second
/// derivatives).
///
/// Elementary functions are static members named as in swift-numerics' `ElementaryFunctions`
/// (`S.sqrt(x)`, `S.exp(x)`, `S.expMinusOne(x)`, `S.log(onePlus: x)`, `S.pow(x, y)`), so that
/// generic code never reaches the C library's `Double`-only functions by accident. Comparisons look at ``primalValue`` only: a branch taken by a generic
/// kernel is the branch the underlying `Double` computation takes, which is what makes
/// piecewise-defined potentials (cutoffs, contact tests) differentiable almost everywhere.
public protocol RealScalar: Comparable, AdditiveArithmetic, ExpressibleByFloatLiteral,
  ExpressibleByIntegerLiteral, Sendable
where FloatLiteralType == Double {
  /// A constant: every derivative component is zero.
  init(_ value: Double)

  /// The value with every derivative component dropped (the `Double` underneath all tangents).
  var primalValue: Double { get }

  /// `true` when every component, value and derivatives, is exactly zero.
  var isExactlyZero: Bool { get }

  /// `true` when every component is finite.
  var isFinite: Bool { get }

  /// `true` when every derivative component is exactly zero, so that code may take a cheaper path
  /// that would lose a derivative (an integer power instead of `pow`). The default, `false`, is
  /// always safe.
  var isConstant: Bool { get }

  static func * (lhs: Self, rhs: Self) -> Self
  static func / (lhs: Self, rhs: Self) -> Self
  static prefix func - (operand: Self) -> Self
  static func *= (lhs: inout Self, rhs: Self)
  static func /= (lhs: inout Self, rhs: Self)

  /// Multiplication by a constant, cheaper than lifting the constant to `Self` first.
  static func scaled(_ x: Self, by factor: Double) -> Self

  // Named as swift-numerics' `ElementaryFunctions` names them.

  /// √x.
  static func sqrt(_ x: Self) -> Self
  /// eˣ.
  static func exp(_ x: Self) -> Self
  /// eˣ − 1, accurate for small |x| (C's `expm1`).
  static func expMinusOne(_ x: Self) -> Self
  /// ln x.
  static func log(_ x: Self) -> Self
  /// ln(1 + x), accurate for small |x| (C's `log1p`).
  static func log(onePlus x: Self) -> Self
  /// sin x (x in radians).
  static func sin(_ x: Self) -> Self
  /// cos x (x in radians).
  static func cos(_ x: Self) -> Self
  /// tanh x.
  static func tanh(_ x: Self) -> Self
  /// xʸ for x > 0 (or y a positive integer value and x of any sign when y is constant).
  static func pow(_ x: Self, _ y: Self) -> Self
  /// xⁿ by repeated multiplication: exact derivatives at x ≤ 0, no logarithm.
  static func pow(_ x: Self, _ n: Int) -> Self

  /// A narrower type that can hold a value where about half the digits suffice: the step pairs of a
  /// quasi-Newton approximation, which only precondition. Keeping them narrow halves the memory
  /// they stream through. `Double` narrows to `Float` (≈ 7 digits), ``DoubleDouble`` to `Double`;
  /// a dual number stays itself (the default), so that no derivative is ever rounded.
  associatedtype Narrow: Sendable = Self
  /// The value rounded to the narrower type.
  var narrowed: Narrow { get }
  /// The narrower value widened back, exactly.
  init(widening narrow: Narrow)
}

extension RealScalar where Narrow == Self {
  @inlinable @inline(__always) public var narrowed: Self { self }
  @inlinable @inline(__always) public init(widening narrow: Self) { self = narrow }
}

extension RealScalar {
  @inlinable @inline(__always)
  public var isConstant: Bool { false }

  @inlinable @inline(__always)
  public static func *= (lhs: inout Self, rhs: Self) { lhs = lhs * rhs }

  @inlinable @inline(__always)
  public static func /= (lhs: inout Self, rhs: Self) { lhs = lhs / rhs }

  @inlinable
  public static func pow(_ x: Self, _ n: Int) -> Self {
    if n < 0 { return 1 / pow(x, -n) }
    var result: Self = 1
    var base = x
    var exponent = n
    while exponent > 0 {
      if exponent & 1 == 1 { result *= base }
      exponent >>= 1
      if exponent > 0 { base *= base }
    }
    return result
  }

  /// |x|; the derivative at 0 is taken as 0 (the subgradient JAX also picks).
  @inlinable
  public static func abs(_ x: Self) -> Self {
    if x.primalValue > 0 { return x }
    if x.primalValue < 0 { return -x }
    return Self(0)
  }

  /// The larger argument, with its derivatives (the first one when equal).
  @inlinable
  public static func maximum(_ x: Self, _ y: Self) -> Self { x.primalValue >= y.primalValue ? x : y }

  /// The smaller argument, with its derivatives (the first one when equal).
  @inlinable
  public static func minimum(_ x: Self, _ y: Self) -> Self { x.primalValue <= y.primalValue ? x : y }

  /// x², the cheapest way.
  @inlinable @inline(__always)
  public static func square(_ x: Self) -> Self { x * x }

  /// The logistic function 1 / (1 + e⁻ˣ), evaluated without overflow for large |x|.
  @inlinable
  public static func logistic(_ x: Self) -> Self {
    if x.primalValue >= 0 { return 1 / (1 + exp(-x)) }
    let e = exp(x)
    return e / (1 + e)
  }

  /// log(1 + eˣ), evaluated without overflow for large |x|.
  @inlinable
  public static func softplus(_ x: Self) -> Self {
    if x.primalValue > 0 { return x + log(onePlus: exp(-x)) }
    return log(onePlus: exp(x))
  }
}
