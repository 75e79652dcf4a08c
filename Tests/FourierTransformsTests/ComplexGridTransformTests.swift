import Foundation
import FourierTransforms
import Testing

@Suite("Complex grid transforms")
struct ComplexGridTransformTests {
  @Test("forward is Σₙ f[n] exp(−2πi Σₐ mₐnₐ/Gₐ) summed term by term; backward undoes it times G",
        arguments: [[6, 5], [4, 3, 5], [8]])
  func againstDirectSum(sizes: [Int]) {
    let transform = ComplexGridTransform(sizes: sizes)
    let count = sizes.reduce(1, *)
    #expect(transform.count == count && transform.values.allSatisfy { $0 == (0, 0) })
    func coordinates(_ index: Int) -> [Int] {
      var rest = index
      var result = [Int](repeating: 0, count: sizes.count)
      for axis in stride(from: sizes.count - 1, through: 0, by: -1) {
        result[axis] = rest % sizes[axis]
        rest /= sizes[axis]
      }
      return result
    }
    let field: [(Double, Double)] = (0..<count).map { index in
      let t = Double(index)
      return (sin(1.3 * t + 0.2), cos(0.7 * t * t))
    }
    for index in 0..<count { transform.values[index] = field[index] }
    transform.forward()
    for m in 0..<count {
      var (real, imaginary) = (0.0, 0.0)
      let mm = coordinates(m)
      for n in 0..<count {
        let nn = coordinates(n)
        var turns = 0.0
        for axis in sizes.indices { turns += Double(mm[axis] * nn[axis]) / Double(sizes[axis]) }
        let phase = -2 * Double.pi * turns
        real += field[n].0 * cos(phase) - field[n].1 * sin(phase)
        imaginary += field[n].0 * sin(phase) + field[n].1 * cos(phase)
      }
      #expect(abs(transform.values[m].0 - real) <= 1e-12 * Double(count))
      #expect(abs(transform.values[m].1 - imaginary) <= 1e-12 * Double(count))
    }
    transform.backward()
    for n in 0..<count {
      #expect(abs(transform.values[n].0 / Double(count) - field[n].0) <= 1e-14)
      #expect(abs(transform.values[n].1 / Double(count) - field[n].1) <= 1e-14)
    }
  }

  @Test("fast sizes have no prime factor above 5 and are the smallest such at or above the request")
  func fastSizes() {
    #expect(ComplexGridTransform.fastSize(atLeast: 0) == 1)
    #expect(ComplexGridTransform.fastSize(atLeast: 7) == 8)
    #expect(ComplexGridTransform.fastSize(atLeast: 57) == 60)
    #expect(ComplexGridTransform.fastSize(atLeast: 50) == 50)
    #expect(ComplexGridTransform.fastSize(atLeast: 157) == 160)
  }
}
