import DualNumbers

/// The Morse potential with its minimum at r = σ, truncated at r_c = x_c·σ and force-shifted so
/// that energy and force vanish continuously there:
///
///     U(r) = ε [φ(x) − φ(x_c) − (x − x_c) φ'(x_c)],   φ(x) = (1 − e^{−α(x − 1)})² − 1,   x = r/σ.
///
/// ε is the well depth (energy units); α is the dimensionless stiffness (range σ/α). φ'(x_c) comes
/// from a dual number, so a derivative with respect to α flows through the shift too.
public struct Morse<Scalar: RealScalar>: PairPotential {
  /// Well depth ε.
  public var epsilon: Scalar
  /// Stiffness α (dimensionless: the exponent is measured in units of σ).
  public var alpha: Scalar
  /// x_c = r_c / σ.
  public var cutoffRatio: Double

  @inlinable
  public init(epsilon: Scalar = 1, alpha: Scalar = 5, cutoffRatio: Double = 2.5) {
    self.epsilon = epsilon
    self.alpha = alpha
    self.cutoffRatio = cutoffRatio
  }

  /// φ(x) = (1 − e^{−α(x − 1)})² − 1, the dimensionless Morse shape.
  @inlinable @inline(__always)
  static func shape<U: RealScalar>(_ x: U, stiffness α: U) -> U {
    let well = 1 - U.exp(-α * (x - 1))
    return well * well - 1
  }

  @inlinable @inline(__always)
  public func energy<T: RealScalar>(distance r: T, diameter σ: T, lift: (Scalar) -> T) -> T {
    let x = r / σ
    let α = lift(alpha)
    let atCutoff = Self.shape(Dual<T>(T(cutoffRatio), tangent: 1), stiffness: Dual(constant: α))
    let shifted = Self.shape(x, stiffness: α) - atCutoff.value - (x - T(cutoffRatio)) * atCutoff.tangent
    return lift(epsilon) * shifted
  }
}
