/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a 64-bit counter advanced by the golden-ratio
/// increment 0x9E3779B97F4A7C15 and passed through a bit mixer,
///
///     s ← s + 0x9E3779B97F4A7C15,   z ← (s ⊕ s≫30)·0xBF58476D1CE4E5B9,
///     z ← (z ⊕ z≫27)·0x94D049BB133111EB,   output z ⊕ z≫31.
///
/// The project's one seeded generator for small jobs (Lanczos' starting vector, random test
/// problems, the bilevel examples' data) and the seeder of ``SeededGenerator``. Integer arithmetic
/// only: a seed gives the same numbers on every machine and every build (Swift's system generator
/// cannot be seeded).
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
