/// The project's random number generator: xoshiro256** (Blackman & Vigna, 2018) with its state
/// filled from the seed by SplitMix64, as the authors recommend.
///
/// Integer arithmetic only, so a seed gives the same numbers on every machine and every build;
/// doubles in [0, 1) take the top 53 bits of each output: (x >> 11) · 2⁻⁵³.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: (UInt64, UInt64, UInt64, UInt64)

  public init(seed: UInt64) {
    var splitMix = seed
    func next() -> UInt64 {
      splitMix &+= 0x9E37_79B9_7F4A_7C15
      var z = splitMix
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = (next(), next(), next(), next())
  }

  @inline(__always)
  private static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  public mutating func next() -> UInt64 {
    let result = Self.rotate(state.1 &* 5, 7) &* 9
    let shifted = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= shifted
    state.3 = Self.rotate(state.3, 45)
    return result
  }

  /// A uniform double in [0, 1).
  public mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A standard normal deviate (Box–Muller), for tests and perturbations.
  public mutating func nextNormal() -> Double {
    let u = 1 - nextUnit()
    let v = nextUnit()
    return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
  }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#endif
