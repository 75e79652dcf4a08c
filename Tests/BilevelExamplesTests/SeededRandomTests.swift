import BilevelExamples
import Testing

@Suite("The examples' seeded data")
struct SeededRandomTests {
  /// The synthetic data sets of the examples are drawn from these numbers: pinned to the values
  /// SeededRandom gave before it moved onto the shared RandomNumbers module.
  @Test("SeededRandom's first outputs, uniform and Gaussian draws are unchanged")
  func pinned() {
    var random = SeededRandom(seed: 4)
    #expect(random.next() == 0x42F7_38BE_1757_43D2)
    #expect(random.uniform().bitPattern == 4_605_787_742_361_842_278)
    #expect((0..<4).map { _ in random.gaussian().bitPattern }
            == [13_827_453_676_741_078_261, 13_825_897_681_740_525_932, 13_828_225_897_072_177_963, 13_804_096_943_841_905_743])
  }
}
