import DualNumbers

/// The Morse potential with its minimum at r = σ, truncated at r_c = cutoffRatio·σ and shifted to
/// vanish there:
///
///     U(r) = ε [(1 − e^{−α(r/σ − 1)})² − 1] − U_unshifted(r_c).
///
/// ε is the well depth (energy units); α is the dimensionless stiffness (range σ/α).
public struct Morse<Scalar: RealScalar>: PairPotential {
  /// Well depth ε.
  public var epsilon: Scalar
  /// Stiffness α (dimensionless: the exponent is measured in units of σ).
  public var alpha: Scalar
  /// r_c / σ.
  public var cutoffRatio: Double

  @inlinable
  public init(epsilon: Scalar = 1, alpha: Scalar = 5, cutoffRatio: Double = 2.5) {
    self.epsilon = epsilon
    self.alpha = alpha
    self.cutoffRatio = cutoffRatio
  }

  @inlinable @inline(__always)
  public func energy<T: RealScalar>(distance r: T, diameter σ: T, lift: (Scalar) -> T) -> T {
    let a = lift(alpha)
    let well = 1 - T.exp(-a * (r / σ - 1))
    let wellAtCutoff = 1 - T.exp(-a * T(cutoffRatio - 1))
    return lift(epsilon) * (well * well - wellAtCutoff * wellAtCutoff)
  }
}
