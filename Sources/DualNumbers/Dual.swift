/// A dual number v + t·ε with ε² = 0: a value and one directional derivative.
///
/// Evaluating f(x + ε·v) on duals gives f(x) + ε·(∇f·v): forward-mode automatic differentiation
/// without a tape. `Base` may itself be a dual, so `Dual<Dual<Double>>` carries second derivatives
/// (Hessian-vector products, mixed derivatives ∂²f/∂x∂θ) exactly.
@frozen
public struct Dual<Base: RealScalar>: RealScalar {
  /// The value of the function.
  public var value: Base
  /// The directional derivative of the value along the seeded tangent.
  public var tangent: Base

  @inlinable @inline(__always)
  public init(_ value: Base, tangent: Base) {
    self.value = value
    self.tangent = tangent
  }

  /// A constant lifted from the base type: zero tangent.
  @inlinable @inline(__always)
  public init(constant value: Base) {
    self.value = value
    self.tangent = Base(0)
  }

  @inlinable @inline(__always)
  public init(_ value: Double) { self.init(constant: Base(value)) }

  @inlinable @inline(__always)
  public init(floatLiteral value: Double) { self.init(value) }

  @inlinable @inline(__always)
  public init(integerLiteral value: Int64) { self.init(Double(value)) }

  @inlinable @inline(__always)
  public static var zero: Dual { Dual(constant: Base(0)) }

  @inlinable @inline(__always)
  public var primalValue: Double { value.primalValue }

  @inlinable @inline(__always)
  public var isExactlyZero: Bool { value.isExactlyZero && tangent.isExactlyZero }

  @inlinable @inline(__always)
  public var isConstant: Bool { tangent.isExactlyZero && value.isConstant }

  @inlinable @inline(__always)
  public var isFinite: Bool { value.isFinite && tangent.isFinite }

  // MARK: Comparison: on the primal value, so generic branches follow the Double computation.

  @inlinable @inline(__always)
  public static func == (lhs: Dual, rhs: Dual) -> Bool { lhs.primalValue == rhs.primalValue }

  @inlinable @inline(__always)
  public static func < (lhs: Dual, rhs: Dual) -> Bool { lhs.primalValue < rhs.primalValue }

  // MARK: Arithmetic

  @inlinable @inline(__always)
  public static func + (lhs: Dual, rhs: Dual) -> Dual {
    Dual(lhs.value + rhs.value, tangent: lhs.tangent + rhs.tangent)
  }

  @inlinable @inline(__always)
  public static func - (lhs: Dual, rhs: Dual) -> Dual {
    Dual(lhs.value - rhs.value, tangent: lhs.tangent - rhs.tangent)
  }

  @inlinable @inline(__always)
  public static prefix func - (operand: Dual) -> Dual {
    Dual(-operand.value, tangent: -operand.tangent)
  }

  @inlinable @inline(__always)
  public static func * (lhs: Dual, rhs: Dual) -> Dual {
    Dual(lhs.value * rhs.value, tangent: lhs.value * rhs.tangent + lhs.tangent * rhs.value)
  }

  @inlinable @inline(__always)
  public static func / (lhs: Dual, rhs: Dual) -> Dual {
    let quotient = lhs.value / rhs.value
    return Dual(quotient, tangent: (lhs.tangent - quotient * rhs.tangent) / rhs.value)
  }

  @inlinable @inline(__always)
  public static func += (lhs: inout Dual, rhs: Dual) {
    lhs.value += rhs.value
    lhs.tangent += rhs.tangent
  }

  @inlinable @inline(__always)
  public static func -= (lhs: inout Dual, rhs: Dual) {
    lhs.value -= rhs.value
    lhs.tangent -= rhs.tangent
  }

  @inlinable @inline(__always)
  public static func scaled(_ x: Dual, by factor: Double) -> Dual {
    Dual(Base.scaled(x.value, by: factor), tangent: Base.scaled(x.tangent, by: factor))
  }

  // MARK: Elementary functions: f(v + tε) = f(v) + f'(v)·t ε

  @inlinable
  public static func sqrt(_ x: Dual) -> Dual {
    let root = Base.sqrt(x.value)
    return Dual(root, tangent: x.tangent / (root + root))
  }

  @inlinable
  public static func exp(_ x: Dual) -> Dual {
    let e = Base.exp(x.value)
    return Dual(e, tangent: e * x.tangent)
  }

  @inlinable
  public static func expMinusOne(_ x: Dual) -> Dual {
    Dual(Base.expMinusOne(x.value), tangent: Base.exp(x.value) * x.tangent)
  }

  @inlinable
  public static func log(_ x: Dual) -> Dual {
    Dual(Base.log(x.value), tangent: x.tangent / x.value)
  }

  @inlinable
  public static func log(onePlus x: Dual) -> Dual {
    Dual(Base.log(onePlus: x.value), tangent: x.tangent / (1 + x.value))
  }

  @inlinable
  public static func sin(_ x: Dual) -> Dual {
    Dual(Base.sin(x.value), tangent: Base.cos(x.value) * x.tangent)
  }

  @inlinable
  public static func cos(_ x: Dual) -> Dual {
    Dual(Base.cos(x.value), tangent: -Base.sin(x.value) * x.tangent)
  }

  @inlinable
  public static func tanh(_ x: Dual) -> Dual {
    let t = Base.tanh(x.value)
    return Dual(t, tangent: (1 - t * t) * x.tangent)
  }

  /// d(xʸ) = y·xʸ⁻¹·dx + xʸ·log(x)·dy. The logarithm term is skipped when y is an exact constant,
  /// so constant exponents also work at x ≤ 0 where log x is not finite.
  @inlinable
  public static func pow(_ x: Dual, _ y: Dual) -> Dual {
    let power = Base.pow(x.value, y.value)
    // y·x^(y-1) written as y·power/x would fail at x = 0; pow(x, y - 1) does not.
    var tangent = y.value * Base.pow(x.value, y.value - 1) * x.tangent
    if !y.tangent.isExactlyZero {
      tangent += power * Base.log(x.value) * y.tangent
    }
    return Dual(power, tangent: tangent)
  }
}

extension Dual: CustomStringConvertible {
  public var description: String { "\(value) + \(tangent)ε" }
}

extension Dual {
  /// A variable: value x with tangent seed t (1 for an ordinary derivative).
  @inlinable @inline(__always)
  public static func variable(_ x: Base, seed: Base = 1) -> Dual { Dual(x, tangent: seed) }
}
