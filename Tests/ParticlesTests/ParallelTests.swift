import Dispatch
#if canImport(Glibc)
import Glibc
#endif
@testable import Particles
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

  /// A loop split the same way region after region must find its part of the arrays in the cache
  /// of the core that touched it last: in every region the pool runs, chunk 0 runs on the calling
  /// thread and chunk 1 on the same worker. (A region started while another test holds the pool
  /// runs on Dispatch instead, with no such promise: those are retried.)
  @Test("each chunk runs on the same thread region after region",
        .enabled(if: ThreadCount.processors > 1, "one processor: the pool has no worker"))
  func chunksKeepTheirThreads() {
    let caller = pthread_self()
    let runners = UnsafeMutableBufferPointer<pthread_t>.allocate(capacity: 2)
    defer { runners.deallocate() }
    nonisolated(unsafe) let shared = runners
    var pooled = 0
    var firstWorker: pthread_t?
    // Other suites run their own regions meanwhile: wait for the pool rather than count attempts.
    let deadline = DispatchTime.now().uptimeNanoseconds + 60_000_000_000
    while pooled < 500 && DispatchTime.now().uptimeNanoseconds < deadline {
      runners.initialize(repeating: caller)
      guard WorkerPool.shared.run(chunks: 2, { chunk in shared[chunk] = pthread_self() }) else {
        usleep(50)
        continue
      }
      pooled += 1
      #expect(pthread_equal(runners[0], caller) != 0)
      #expect(pthread_equal(runners[1], caller) == 0)
      let worker = firstWorker ?? runners[1]
      firstWorker = worker
      #expect(pthread_equal(runners[1], worker) != 0)
    }
    #expect(pooled == 500)
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
