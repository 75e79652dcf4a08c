import Dispatch
import Particles
import Testing

@Suite("Parallel regions")
struct ParallelTests {
  /// A region runs every chunk exactly once, over contiguous ranges that tile 0..<count, and returns
  /// only when all have finished: thousands of regions in a row (the workers kept awake between
  /// them) must each see every chunk's write.
  @Test("every chunk runs exactly once and is finished when the region returns, region after region")
  func chunksRunOnceEach() {
    let count = 10_000
    var hits = [Int](repeating: 0, count: count)
    for round in 1...2_000 {
      let threads = 2 + round % 4
      hits.withUnsafeMutableBufferPointer { hits in
        nonisolated(unsafe) let hits = hits
        forEachChunk(of: count, threads: threads, minimumChunk: 1) { _, range in
          for index in range { hits[index] += 1 }
        }
      }
      if round % 500 == 0 { #expect(hits.allSatisfy { $0 == round }, "round \(round)") }
    }
  }

  /// Partial results come back in chunk order whichever thread computed them, so a reduction is
  /// the same on every run; here it equals the serial sum exactly (integers).
  @Test("mapChunks returns the partial results in chunk order")
  func partialsInOrder() {
    let partials = mapChunks(of: 1_000, threads: 4, minimumChunk: 1) { range in range.lowerBound }
    #expect(partials == [0, 250, 500, 750])
    let sums = mapChunks(of: 100_000, threads: 3, minimumChunk: 1) { range in range.reduce(0, +) }
    #expect(sums.reduce(0, +) == 99_999 * 100_000 / 2)
  }

  /// Regions started from several threads at once (tests running in parallel, a user's own
  /// threads) and from inside a chunk (nested) must neither deadlock nor mix up their work: only
  /// one holds the pool's workers, the others run on Dispatch's threads.
  @Test("concurrent and nested regions each compute their own result")
  func concurrentAndNested() {
    let callers = 4
    var totals = [Int](repeating: 0, count: callers)
    totals.withUnsafeMutableBufferPointer { totals in
      nonisolated(unsafe) let totals = totals
      DispatchQueue.concurrentPerform(iterations: callers) { caller in
        var total = 0
        for _ in 0..<200 {
          let outer = mapChunks(of: 64, threads: 2, minimumChunk: 1) { rows in
            // A region inside a chunk: the pool is busy, so it falls back.
            mapChunks(of: 1_000, threads: 2, minimumChunk: 1) { range in range.count * (caller + 1) }
              .reduce(0, +) * rows.count
          }
          total += outer.reduce(0, +)
        }
        totals[caller] = total
      }
    }
    for caller in 0..<callers { #expect(totals[caller] == 200 * 64 * 1_000 * (caller + 1)) }
  }
}
