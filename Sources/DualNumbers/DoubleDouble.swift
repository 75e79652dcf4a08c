/// A double-double number x = high + low, |low| ≤ ulp(high)/2: about 32 significant digits
/// (unit roundoff 2⁻¹⁰⁴ ≈ 4.9·10⁻³²) in two `Double`s, by error-free transformations
/// (``ErrorFreeTransformations``; Dekker 1971, Bailey's QD library, Joldes, Muller & Popescu,
/// ACM TOMS 44, 15 (2017)). No library: addition, multiplication and division are the "accurate"
/// algorithms of Joldes et al. (relative errors ≤ 3u², 4u² and 15u² with u = 2⁻⁵³), the elementary
/// functions Newton corrections or reduced Taylor series of the `Double` results.
///
/// A ``RealScalar``: the pair loops, potentials and minimisers written generically run in it
/// unchanged, which lets FIRE and Newton drive forces to 10⁻²⁰ and below, where `Double` positions
/// (spacing ~10⁻¹⁶ at unit lengths) can no longer resolve a minimum.
@frozen
public struct DoubleDouble: RealScalar, CustomStringConvertible {
  /// The leading part, fl(x) (and the ``primalValue``).
  public var high: Double
  /// The remainder x − high.
  public var low: Double

  public typealias FloatLiteralType = Double
  public typealias IntegerLiteralType = Int

  /// (high, low) as given: `low` must be at most half an ulp of `high` (see ``normalized(_:_:)``).
  @inlinable @inline(__always)
  public init(high: Double, low: Double) {
    self.high = high
    self.low = low
  }

  /// The exact sum a + b as a double-double.
  @inlinable @inline(__always)
  public static func normalized(_ a: Double, _ b: Double) -> DoubleDouble {
    let (s, e) = ErrorFreeTransformations.twoSum(a, b)
    return DoubleDouble(high: s, low: e)
  }

  @inlinable @inline(__always) public init(_ value: Double) { self.init(high: value, low: 0) }
  @inlinable @inline(__always) public init(floatLiteral value: Double) { self.init(value) }
  @inlinable @inline(__always) public init(integerLiteral value: Int) { self.init(Double(value)) }

  @inlinable @inline(__always) public var primalValue: Double { high }
  @inlinable @inline(__always) public var isExactlyZero: Bool { high == 0 && low == 0 }
  /// The leading part: the nearest `Double` (high + low rounds to high).
  @inlinable @inline(__always) public var narrowed: Double { high }
  @inlinable @inline(__always) public init(widening narrow: Double) { self.init(narrow) }
  @inlinable @inline(__always) public var isFinite: Bool { high.isFinite && low.isFinite }
  /// No derivative components: potentials may take their integer-power paths (harmonic contacts
  /// as a square, not through exp and log).
  @inlinable @inline(__always) public var isConstant: Bool { true }
  public var description: String { "\(high) + \(low)" }

  @inlinable @inline(__always) public static var zero: DoubleDouble { DoubleDouble(high: 0, low: 0) }

  // MARK: Arithmetic

  @inlinable @inline(__always)
  public static func + (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
    let (s, e) = ErrorFreeTransformations.twoSum(x.high, y.high)
    let (t, f) = ErrorFreeTransformations.twoSum(x.low, y.low)
    let (s1, e1) = ErrorFreeTransformations.fastTwoSum(s, e + t)
    let (high, low) = ErrorFreeTransformations.fastTwoSum(s1, e1 + f)
    return DoubleDouble(high: high, low: low)
  }

  @inlinable @inline(__always)
  public static prefix func - (x: DoubleDouble) -> DoubleDouble { DoubleDouble(high: -x.high, low: -x.low) }

  @inlinable @inline(__always)
  public static func - (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble { x + (-y) }

  @inlinable @inline(__always)
  public static func += (x: inout DoubleDouble, y: DoubleDouble) { x = x + y }

  @inlinable @inline(__always)
  public static func -= (x: inout DoubleDouble, y: DoubleDouble) { x = x - y }

  @inlinable @inline(__always)
  public static func * (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
    let (p, e) = ErrorFreeTransformations.twoProduct(x.high, y.high)
    let cross = x.high * y.low + x.low * y.high
    let (high, low) = ErrorFreeTransformations.fastTwoSum(p, e + cross)
    return DoubleDouble(high: high, low: low)
  }

  /// x·a for a plain `Double` a (one TwoProd).
  @inlinable @inline(__always)
  public static func scaled(_ x: DoubleDouble, by factor: Double) -> DoubleDouble {
    let (p, e) = ErrorFreeTransformations.twoProduct(x.high, factor)
    let (high, low) = ErrorFreeTransformations.fastTwoSum(p, e + x.low * factor)
    return DoubleDouble(high: high, low: low)
  }

  @inlinable
  public static func / (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
    // q₁ = x/y in Double, then two corrections with the exact remainder x − q·y.
    let q1 = x.high / y.high
    let r1 = x - y * DoubleDouble(q1)
    let q2 = r1.high / y.high
    let r2 = r1 - y * DoubleDouble(q2)
    let q3 = r2.high / y.high
    return DoubleDouble.normalized(q1, q2) + DoubleDouble(q3)
  }

  @inlinable @inline(__always)
  public static func < (x: DoubleDouble, y: DoubleDouble) -> Bool {
    x.high < y.high || (x.high == y.high && x.low < y.low)
  }

  @inlinable @inline(__always)
  public static func == (x: DoubleDouble, y: DoubleDouble) -> Bool { x.high == y.high && x.low == y.low }

  // MARK: Elementary functions

  /// ln 2 and π to 32 digits (the two leading doubles of their exact values).
  public static let ln2 = DoubleDouble(high: 0.6931471805599453, low: 2.3190468138462996e-17)
  public static let pi = DoubleDouble(high: 3.141592653589793, low: 1.2246467991473532e-16)

  /// √x: one Newton step on the `Double` root, s + (x − s²)/(2s), doubles the digits.
  @inlinable
  public static func sqrt(_ x: DoubleDouble) -> DoubleDouble {
    guard x.high > 0 else { return x.high == 0 ? .zero : DoubleDouble(.nan) }
    let s = x.high.squareRoot()
    let residual = x - DoubleDouble(s) * DoubleDouble(s)
    return DoubleDouble.normalized(s, residual.high / (2 * s))
  }

  /// eˣ: x = k·ln 2 + r, |r| ≤ ln 2/2; s = e^(r/2¹⁰) − 1 by its Taylor series to 2⁻¹⁰⁶, squared
  /// ten times as s ← s(s + 2) = (1 + s)² − 1, which keeps s's relative accuracy (squaring 1 + s
  /// itself would multiply the rounding error by 2¹⁰).
  public static func exp(_ x: DoubleDouble) -> DoubleDouble {
    if x.high > 709.8 { return DoubleDouble(.infinity) }
    if x.high < -745.2 { return .zero }
    if x.high.isNaN { return DoubleDouble(.nan) }
    let k = (x.high / ln2.high).rounded()
    let reduced = x - scaled(ln2, by: k)
    let r = scaled(reduced, by: 1.0 / 1024)
    var s = expMinusOneSeries(r)
    for _ in 0..<10 { s = s * (s + 2) }
    return scaled(s + 1, by: Double(sign: .plus, exponent: Int(k), significand: 1))
  }

  /// eʳ − 1 = r + r²/2! + … for |r| ≤ 1/2, summed until the terms fall below 2⁻¹⁰⁶·|r|.
  static func expMinusOneSeries(_ r: DoubleDouble) -> DoubleDouble {
    var sum = r
    var term = r
    var n = 1.0
    while true {
      n += 1
      term = term * r / DoubleDouble(n)
      sum = sum + term
      if Swift.abs(term.high) <= 1e-33 * Swift.abs(sum.high) || n > 60 { return sum }
    }
  }

  public static func expMinusOne(_ x: DoubleDouble) -> DoubleDouble {
    if Swift.abs(x.high) < 0.5 { return expMinusOneSeries(x) }
    return exp(x) - 1
  }

  /// ln x: Newton on eʸ = x from the `Double` logarithm, y + x·e⁻ʸ − 1 (twice: quadratic).
  public static func log(_ x: DoubleDouble) -> DoubleDouble {
    guard x.high > 0 else { return x.high == 0 ? DoubleDouble(-.infinity) : DoubleDouble(.nan) }
    guard x.high.isFinite else { return x }
    var y = DoubleDouble(Double.log(x.high))
    for _ in 0..<2 { y = y + x * exp(-y) - 1 }
    return y
  }

  /// ln(1 + x), with full relative accuracy for small x: 2·atanh(z) = 2(z + z³/3 + z⁵/5 + …) with
  /// z = x/(2 + x) for |x| < 1/4, ln(1 + x) otherwise.
  public static func log(onePlus x: DoubleDouble) -> DoubleDouble {
    guard Swift.abs(x.high) < 0.25 else { return log(DoubleDouble(1) + x) }
    let z = x / (x + 2)
    let z2 = z * z
    var power = z
    var sum = z
    var n = 1.0
    while n < 80 {
      n += 2
      power = power * z2
      let term = power / DoubleDouble(n)
      sum = sum + term
      if Swift.abs(term.high) <= 1e-33 * Swift.abs(sum.high) { break }
    }
    return scaled(sum, by: 2)
  }

  public static func pow(_ x: DoubleDouble, _ y: DoubleDouble) -> DoubleDouble {
    if y.isExactlyZero { return 1 }
    if x.isExactlyZero { return y.high > 0 ? .zero : DoubleDouble(.infinity) }
    return exp(y * log(x))
  }

  public static func tanh(_ x: DoubleDouble) -> DoubleDouble {
    if Swift.abs(x.high) > 40 { return DoubleDouble(x.high > 0 ? 1 : -1) }
    let e = expMinusOne(scaled(x, by: 2))
    return e / (e + 2)
  }

  /// sin and cos of r ∈ [−π/4, π/4] by their Taylor series, after x = r + k·π/2.
  static func sineCosine(_ x: DoubleDouble) -> (sin: DoubleDouble, cos: DoubleDouble) {
    let halfPi = scaled(pi, by: 0.5)
    let k = (x.high / halfPi.high).rounded()
    let r = x - scaled(halfPi, by: k)
    let r2 = r * r
    var sine = r
    var cosine = DoubleDouble(1)
    var sineTerm = r
    var cosineTerm = DoubleDouble(1)
    var n = 1.0
    while n < 60 {
      sineTerm = -(sineTerm * r2) / DoubleDouble((n + 1) * (n + 2))
      cosineTerm = -(cosineTerm * r2) / DoubleDouble(n * (n + 1))
      sine = sine + sineTerm
      cosine = cosine + cosineTerm
      n += 2
      if Swift.abs(sineTerm.high) < 1e-34 && Swift.abs(cosineTerm.high) < 1e-34 { break }
    }
    switch Int(k) & 3 {
    case 0: return (sine, cosine)
    case 1: return (cosine, -sine)
    case 2: return (-sine, -cosine)
    default: return (-cosine, sine)
    }
  }

  public static func sin(_ x: DoubleDouble) -> DoubleDouble { sineCosine(x).sin }
  public static func cos(_ x: DoubleDouble) -> DoubleDouble { sineCosine(x).cos }
}
