import DualNumbers

/// A scalar that can be built from a value and its derivative with respect to the one parameter θ
/// being differentiated: `Double` drops the derivative, `Dual<Double>` keeps it as its tangent.
///
/// This is how one generic construction of an interaction serves the plain minimum (Double), the
/// parameter derivative B = ∂F/∂θ and unrolled differentiation (Dual<Double>, parameters seeded).
public protocol SeedableScalar: RealScalar {
  /// The scalar with primal `value` and first derivative `derivative` along θ.
  static func seeded(_ value: Double, derivative: Double) -> Self
  /// The first derivative along θ (zero for `Double`).
  var derivative: Double { get }
}

extension Double: SeedableScalar {
  @inlinable @inline(__always)
  public static func seeded(_ value: Double, derivative: Double) -> Double { value }
  @inlinable @inline(__always)
  public var derivative: Double { 0 }
}

extension Dual: SeedableScalar where Base == Double {
  @inlinable @inline(__always)
  public static func seeded(_ value: Double, derivative: Double) -> Dual<Double> {
    Dual(value, tangent: derivative)
  }
  @inlinable @inline(__always)
  public var derivative: Double { tangent }
}

extension DoubleDouble: SeedableScalar {
  /// Extended precision carries no derivative: θ's seed is dropped, as for `Double`.
  @inlinable @inline(__always)
  public static func seeded(_ value: Double, derivative: Double) -> DoubleDouble { DoubleDouble(value) }
  @inlinable @inline(__always)
  public var derivative: Double { 0 }
}
