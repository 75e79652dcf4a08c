import RandomNumbers

/// `SplitMix64` with uniform and Gaussian draws, so that every synthetic data set and every
/// random split is reproducible from its seed (Swift's system generator cannot be seeded).
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var generator: SplitMix64

  public init(seed: UInt64) { generator = SplitMix64(seed: seed &+ 0x1234_5678) }

  public mutating func next() -> UInt64 { generator.next() }

  /// Uniform on [0, 1).
  public mutating func uniform() -> Double { nextUnit() }

  /// Standard normal, by Box–Muller (`standardNormal(radial:angular:)`) on (U₁, U₂) with U₁
  /// kept away from 0 by a floor, not by 1 − U₁ as `nextStandardNormal()`: these examples' data
  /// sets (and the numbers their tests and the paper's tables quote) were drawn this way.
  public mutating func gaussian() -> Double {
    let u = max(uniform(), 1e-300)
    return standardNormal(radial: u, angular: uniform())
  }

  /// A random permutation of 0..<count (Fisher–Yates).
  public mutating func permutation(_ count: Int) -> [Int] {
    var order = Array(0..<count)
    order.shuffle(using: &self)
    return order
  }
}
