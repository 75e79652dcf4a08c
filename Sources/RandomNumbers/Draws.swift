#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RandomNumberGenerator {
  /// A uniform double in [0, 1): the top 53 bits of one output x, (x ≫ 11)·2⁻⁵³, so every value
  /// is a multiple of 2⁻⁵³ and 1 − U is exact.
  @inlinable
  public mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A standard normal deviate from two uniforms U₁, U₂ (``nextUnit()``, in that order) by
  /// ``standardNormal(radial:angular:)`` with u = 1 − U₁ ∈ (0, 1], v = U₂.
  @inlinable
  public mutating func nextStandardNormal() -> Double {
    let u = 1 - nextUnit()
    let v = nextUnit()
    return standardNormal(radial: u, angular: v)
  }
}

/// The Box–Muller transform (Box & Muller, Ann. Math. Statist. 29, 610, 1958): for u uniform on
/// (0, 1] and v uniform on [0, 1),
///
///     z = √(−2 ln u) · cos(2πv)
///
/// is a standard normal deviate (mean 0, variance 1); the project's one way from uniforms to a
/// Gaussian. u must be positive (ln 0 = −∞).
@inlinable
public func standardNormal(radial u: Double, angular v: Double) -> Double {
  (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
}
