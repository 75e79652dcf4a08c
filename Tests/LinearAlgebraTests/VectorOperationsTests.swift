import LinearAlgebra
import RandomNumbers
import Testing

@Suite("Vector kernels")
struct VectorOperationsTests {
  /// 7 stays in the Swift loops, 3001 goes to OpenBLAS: both paths must agree with plain sums.
  @Test("dot, norm, axpy, xpby and scale match plain loops", arguments: [7, 3001])
  func matchLoops(count: Int) {
    var generator = SplitMix64(seed: UInt64(count))
    let x = TestMatrices.randomVector(count, using: &generator)
    var y = TestMatrices.randomVector(count, using: &generator)
    let plainDot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
    #expect(abs(VectorOperations.dot(x, y) - plainDot) <= 1e-12)
    #expect(abs(VectorOperations.norm(x) - x.reduce(0) { $0 + $1 * $1 }.squareRoot()) <= 1e-12)
    let original = y
    VectorOperations.axpy(0.5, x, &y)
    #expect((0..<count).allSatisfy { y[$0] == original[$0] + 0.5 * x[$0] })
    VectorOperations.xpby(x, -2, &y)
    #expect((0..<count).allSatisfy { abs(y[$0] - (x[$0] - 2 * (original[$0] + 0.5 * x[$0]))) <= 1e-15 })
    VectorOperations.scale(3, &y)
    VectorOperations.copy(x, into: &y)
    #expect(y == x)
  }

  @Test("the norm neither overflows nor underflows, and finiteness is detected")
  func extremeMagnitudes() {
    #expect(abs(VectorOperations.norm([3e200, 4e200]) / 5e200 - 1) <= 1e-15)
    #expect(abs(VectorOperations.norm([3e-200, 4e-200]) / 5e-200 - 1) <= 1e-15)
    #expect(VectorOperations.isFinite([1, 2, 3]))
    #expect(!VectorOperations.isFinite([1, .nan, 3]))
    #expect(!VectorOperations.isFinite([1, -.infinity]))
  }
}
