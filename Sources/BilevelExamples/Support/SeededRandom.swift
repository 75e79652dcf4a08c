import Foundation

/// A seeded SplitMix64 generator (Steele, Lea & Flood 2014) with Gaussian draws, so that every
/// synthetic data set and every random split is reproducible from its seed (Swift's system
/// generator cannot be seeded).
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed &+ 0x1234_5678 }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform on [0, 1).
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// Standard normal, by Box–Muller.
  public mutating func gaussian() -> Double {
    let u = max(uniform(), 1e-300)
    return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * uniform())
  }

  /// A random permutation of 0..<count (Fisher–Yates).
  public mutating func permutation(_ count: Int) -> [Int] {
    var order = Array(0..<count)
    order.shuffle(using: &self)
    return order
  }
}
