import DualNumbers
import Particles
import RandomNumbers
import Testing

@Suite("The minimum image")
struct MinimumImageTests {
  /// Separations at and around the places where the shortcuts switch: ±L/2, ±L, ±3L/2, one unit in
  /// the last place either side, and random ones up to ±5L.
  static func separations(period length: Double) -> [Double] {
    var values: [Double] = [0, -0.0]
    for multiple in [0.5, 1, 1.5, 2.5] {
      for sign in [1.0, -1] {
        let x = sign * multiple * length
        values += [x, x.nextUp, x.nextDown, x.nextUp.nextUp, x.nextDown.nextDown]
      }
    }
    var generator = SeededGenerator(seed: 12)
    for _ in 0..<5_000 { values.append((2 * generator.nextUnit() - 1) * 5 * length) }
    return values
  }

  @Test("d − L·round(d/L), ties to even, bit for bit, with and without the shortcuts",
        arguments: [1.0, 3.0, 0.7, 8.352016507222, 1e-3, 123.456])
  func equalsDefinition(length: Double) {
    for d in Self.separations(period: length) {
      // The rule PeriodicBox and the drift test used: nothing within half a period.
      let definition = abs(d) > 0.5 * length ? d - length * (d / length).rounded(.toNearestOrEven) : d
      let image = minimumImage(d, period: length)
      #expect(image.bitPattern == definition.bitPattern, "d = \(d), L = \(length): \(image) vs \(definition)")
      #expect(abs(image) <= 0.5 * length * (1 + 1e-15))
      // The cell list's rule for separations of positions in [0, L): one subtraction of L.
      if abs(d) < length {
        let corrected = d > 0.5 * length ? d - length : d < -0.5 * length ? d + length : d
        #expect(image.bitPattern == corrected.bitPattern, "d = \(d), L = \(length)")
      }
    }
  }

  @Test("a dual period carries its derivative: d(d − nL) = dd − n·dL")
  func dualPeriod() {
    let length = Dual(3.0, tangent: 0.25)
    for (d, n) in [(1.0, 0.0), (2.0, 1.0), (-2.0, -1.0), (7.4, 2.0), (-1.5, 0.0), (1.5, 0.0), (4.5, 2.0)] {
      let image = minimumImage(Dual(d, tangent: 1), period: length)
      #expect(image.value == d - n * 3 && image.tangent == 1 - n * 0.25, "d = \(d)")
    }
  }

  @Test("the periodic box applies it on every axis")
  func periodicBox() {
    let box = PeriodicBox<ThreeDimensions, Double>(edges: SpatialVector(2, 3, 5))
    var displacement = SpatialVector<Double>(1.5, -2, 2.4)
    box.minimumImage(&displacement)
    #expect(displacement.x == -0.5 && displacement.y == 1 && displacement.z == 2.4)
  }
}
