import Foundation
import FourierTransforms
import Testing

/// Σₙ f[n] exp(sign·2πi Σₐ mₐnₐ/Gₐ) for every m, term by term (the grid row-major, the last axis
/// fastest).
private func directTransform(_ field: [(Double, Double)], sizes: [Int], sign: Double) -> [(Double, Double)] {
  func coordinates(_ index: Int) -> [Int] {
    var rest = index
    var result = [Int](repeating: 0, count: sizes.count)
    for axis in stride(from: sizes.count - 1, through: 0, by: -1) {
      result[axis] = rest % sizes[axis]
      rest /= sizes[axis]
    }
    return result
  }
  return field.indices.map { m in
    let mm = coordinates(m)
    var sum = (0.0, 0.0)
    for n in field.indices {
      let nn = coordinates(n)
      var turns = 0.0
      for axis in sizes.indices { turns += Double(mm[axis] * nn[axis]) / Double(sizes[axis]) }
      let angle = sign * 2 * Double.pi * turns
      sum.0 += field[n].0 * cos(angle) - field[n].1 * sin(angle)
      sum.1 += field[n].0 * sin(angle) + field[n].1 * cos(angle)
    }
    return sum
  }
}

@Suite("Complex grid transforms")
struct ComplexGridTransformTests {
  @Test("forward is Σₙ f[n] exp(−2πi Σₐ mₐnₐ/Gₐ) summed term by term; backward undoes it times G",
        arguments: [[6, 5], [4, 3, 5], [8]])
  func againstDirectSum(sizes: [Int]) {
    let transform = ComplexGridTransform(sizes: sizes)
    let count = sizes.reduce(1, *)
    #expect(transform.count == count && transform.values.allSatisfy { $0 == (0, 0) })
    let field: [(Double, Double)] = (0..<count).map { index in
      let t = Double(index)
      return (sin(1.3 * t + 0.2), cos(0.7 * t * t))
    }
    for index in 0..<count { transform.values[index] = field[index] }
    transform.forward()
    let expected = directTransform(field, sizes: sizes, sign: -1)
    for m in 0..<count {
      #expect(abs(transform.values[m].0 - expected[m].0) <= 1e-12 * Double(count))
      #expect(abs(transform.values[m].1 - expected[m].1) <= 1e-12 * Double(count))
    }
    transform.backward()
    for n in 0..<count {
      #expect(abs(transform.values[n].0 / Double(count) - field[n].0) <= 1e-14)
      #expect(abs(transform.values[n].1 / Double(count) - field[n].1) <= 1e-14)
    }
  }

  @Test("filter is backward(b ⊙ forward(f)) summed term by term, whole or in pieces run in any order or at once",
        arguments: [([6, 5], 1), ([6, 5], 2), ([6, 5], 3), ([4, 3, 5], 2), ([5, 4, 6], 4), ([8], 3)])
  func filterAgainstDirectSums(sizes: [Int], pieces: Int) {
    let count = sizes.reduce(1, *)
    let field: [(Double, Double)] = (0..<count).map { (sin(0.9 * Double($0) + 0.3), cos(0.4 * Double($0 * $0))) }
    let multiplier = (0..<count).map { 0.5 + Double(($0 * 7) % 11) / 3 }
    let transformed = zip(directTransform(field, sizes: sizes, sign: -1), multiplier).map { ($0.0 * $1, $0.1 * $1) }
    let expected = directTransform(transformed, sizes: sizes, sign: +1)
    let transform = ComplexGridTransform(sizes: sizes, pieces: pieces)
    #expect(transform.pieces == (sizes.count == 1 ? 1 : min(pieces, sizes[0], count / sizes[0])))
    let scale = Double(count) * multiplier.max()!
    let runners: [(String, (Int, (Int) -> Void) -> Void)] = [
      ("in order", { pieces, part in for piece in 0..<pieces { part(piece) } }),
      ("reversed", { pieces, part in for piece in (0..<pieces).reversed() { part(piece) } }),
      ("concurrently", { pieces, part in
        withoutActuallyEscaping(part) { part in
          nonisolated(unsafe) let part = part
          DispatchQueue.concurrentPerform(iterations: pieces) { part($0) }
        }
      }),
    ]
    var results = [[(Double, Double)]]()
    for (name, run) in runners {
      // The field is written half before the filter and half column by column in `prepare`.
      for index in 0..<count { transform.values[index] = (field[index].0, 0) }
      var prepared = [Int](repeating: 0, count: count)
      let columnCount = count / sizes[0]
      prepared.withUnsafeMutableBufferPointer { prepared in
        nonisolated(unsafe) let prepared = prepared
        multiplier.withUnsafeBufferPointer { b in
          transform.filter(by: b, preparingColumns: { columns in
            for row in 0..<sizes[0] {
              for index in columns.map({ row * columnCount + $0 }) {
                prepared[index] += 1
                transform.values[index].1 = field[index].1
              }
            }
          }, running: run)
        }
      }
      #expect(prepared.allSatisfy { $0 == 1 }, "every grid point prepared once (\(name))")
      for n in 0..<count {
        #expect(abs(transform.values[n].0 - expected[n].0) <= 1e-13 * scale, "\(name), point \(n)")
        #expect(abs(transform.values[n].1 - expected[n].1) <= 1e-13 * scale, "\(name), point \(n)")
      }
      results.append(Array(transform.values))
    }
    // The same pieces give the same bits whichever thread ran them, and in whatever order.
    for result in results.dropFirst() {
      #expect(zip(result, results[0]).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 })
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
