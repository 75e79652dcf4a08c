import DualNumbers

/// The Lennard-Jones potential truncated at r_c = x_c·σ and force-shifted, so that both the energy
/// and the force vanish continuously at the cutoff:
///
///     U(r) = ε [φ(x) − φ(x_c) − (x − x_c) φ'(x_c)],   φ(x) = 4 (x⁻¹² − x⁻⁶),   x = r/σ,   r < r_c.
///
/// A plain energy shift would leave a force jump of ~0.04 ε/σ at r_c, which stops a minimiser
/// short of tight force tolerances. ε in energy units; σ is the pair's interaction diameter.
/// φ'(x_c) comes from a dual number, not from a hand-written derivative.
public struct LennardJones<Scalar: RealScalar>: PairPotential {
  /// Well depth ε.
  public var epsilon: Scalar
  /// x_c = r_c / σ; 2.5 is the customary truncation.
  public var cutoffRatio: Double

  @inlinable
  public init(epsilon: Scalar = 1, cutoffRatio: Double = 2.5) {
    self.epsilon = epsilon
    self.cutoffRatio = cutoffRatio
  }

  /// φ(x) = 4 (x⁻¹² − x⁻⁶), the dimensionless 12-6 shape.
  @inlinable @inline(__always)
  static func shape<U: RealScalar>(_ x: U) -> U {
    let inverseSixth = 1 / U.pow(x, 6)
    return 4 * (inverseSixth * inverseSixth - inverseSixth)
  }

  @inlinable @inline(__always)
  public func energy<T: RealScalar>(distance r: T, diameter σ: T, lift: (Scalar) -> T) -> T {
    let x = r / σ
    let atCutoff = Self.shape(Dual<Double>(cutoffRatio, tangent: 1))
    let shifted = Self.shape(x) - T(atCutoff.value) - (x - T(cutoffRatio)) * T(atCutoff.tangent)
    return lift(epsilon) * shifted
  }
}
