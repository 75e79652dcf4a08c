import RandomNumbers
import Testing
@testable import Particles

@Suite("Rounding without libm")
struct RoundingTests {
  /// The minimum image and the wrap round without a libm call; they must round exactly as the
  /// standard library does, ties and signs included.
  @Test("nearest-even and floor equal the standard library's, ties, signs, huge values and NaN included")
  func matchesStandardLibrary() {
    var values: [Double] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                            1 - 0x1p-53, 0x1p51 + 0.5, -(0x1p51 + 0.5), 0x1p52 - 0.5, 0x1p52, 0x1p52 + 1, 0x1p53 + 2,
                            -0x1p60, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
                            .infinity, -.infinity]
    var generator = SeededGenerator(seed: 3)
    for _ in 0..<20_000 {
      let scale = [1.0, 10, 1e4, 1e12, 1e17][Int(generator.nextUnit() * 5)]
      values.append((2 * generator.nextUnit() - 1) * scale)
      values.append((2 * generator.nextUnit() - 1).rounded() + 0.5)  // exact ties
    }
    for x in values {
      let nearest = roundedToNearestEven(x), expected = x.rounded(.toNearestOrEven)
      #expect(nearest.bitPattern == expected.bitPattern, "round(\(x)) = \(nearest), expected \(expected)")
      let down = roundedDown(x), expectedDown = x.rounded(.down)
      #expect(down.bitPattern == expectedDown.bitPattern, "floor(\(x)) = \(down), expected \(expectedDown)")
    }
    #expect(roundedToNearestEven(.nan).isNaN && roundedDown(.nan).isNaN)
  }
}
