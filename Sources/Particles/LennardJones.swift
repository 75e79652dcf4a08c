import DualNumbers

/// The Lennard-Jones potential truncated at r_c = cutoffRatio·σ and shifted to vanish there:
///
///     U(r) = 4ε [(σ/r)¹² − (σ/r)⁶] − 4ε [(σ/r_c)¹² − (σ/r_c)⁶]   for r < r_c.
///
/// ε in energy units; σ is the pair's interaction diameter (the zero of the unshifted potential).
public struct LennardJones<Scalar: RealScalar>: PairPotential {
  /// Well depth ε.
  public var epsilon: Scalar
  /// r_c / σ; 2.5 is the customary truncation.
  public var cutoffRatio: Double

  @inlinable
  public init(epsilon: Scalar = 1, cutoffRatio: Double = 2.5) {
    self.epsilon = epsilon
    self.cutoffRatio = cutoffRatio
  }

  @inlinable @inline(__always)
  public func energy<T: RealScalar>(distance r: T, diameter σ: T, lift: (Scalar) -> T) -> T {
    let ratio = σ / r
    let sixth = T.pow(ratio, 6)
    let cutoffSixth = 1 / Double.pow(cutoffRatio, 6)
    let shift = 4 * (cutoffSixth * cutoffSixth - cutoffSixth)
    return lift(epsilon) * (4 * (sixth * sixth - sixth) - T(shift))
  }
}
