import Foundation
import LinearAlgebra

/// LinearAlgebra's seeded SplitMix64 generator with uniform and Gaussian draws, so that every
/// synthetic data set and every random split is reproducible from its seed (Swift's system
/// generator cannot be seeded).
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var generator: SplitMix64

  public init(seed: UInt64) { generator = SplitMix64(seed: seed &+ 0x1234_5678) }

  public mutating func next() -> UInt64 { generator.next() }

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
