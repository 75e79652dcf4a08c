import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Threads that stay awake between parallel regions and run their chunks.
///
/// A FIRE step is a handful of parallel regions (move, forces, sums) of a few hundred
/// microseconds each at N = 10⁵. Handed to Dispatch, every region started its second chunk late
/// by a sizeable fraction of that (docs/benchmarks.md, "Worker pool"): the idle worker thread had
/// been parked and had to be woken through the kernel. Here a worker spins on the region counter for a while after each
/// region, so that the next one starts within a microsecond, and only then sleeps on a semaphore.
///
/// The caller runs chunk 0 and worker k chunk k + 1, in every region, so that each core keeps
/// working on the same part of the arrays. One region at a time: a caller that finds the pool busy
/// (another thread's region, or a region started from inside a chunk) hands its chunks to Dispatch
/// (`forEachChunk`). Which thread runs which chunk never changes a result; chunks write disjoint
/// memory.
@usableFromInline
final class WorkerPool: @unchecked Sendable {
  /// One worker per processor beyond the caller's, started on first use.
  @usableFromInline static let shared = WorkerPool(workers: min(255, max(0, ThreadCount.processors - 1)))

  /// How long an idle worker spins before it sleeps (seconds).
  private static let spinTime = 2e-3

  private final class Worker: @unchecked Sendable {
    let index: Int
    let asleep = Atomic<Bool>(false)
    let wake = DispatchSemaphore(value: 0)
    init(index: Int) { self.index = index }
  }

  private var workers: [Worker] = []
  /// The current region: its sequence number times 256 plus the number of workers taking part, in
  /// one word so that a worker reads both consistently.
  private let region = Atomic<Int>(0)
  private let nextChunk = Atomic<Int>(0)
  /// Workers that have finished their part of the current region.
  private let departed = Atomic<Int>(0)
  private let inUse = Atomic<Bool>(false)
  private var sequence = 0
  // The region's work: written only while no worker is inside a region.
  private var body: (Int) -> Void = { _ in }
  private var chunkCount = 0

  private init(workers count: Int) {
    // Only workers whose thread started join the pool (a region waits for every helper it counts).
    for _ in 0..<count {
      let worker = Worker(index: workers.count)
      let start = Unmanaged.passRetained(WorkerStart { [self] in self.serve(worker) }).toOpaque()
      var thread = pthread_t()
      guard pthread_create(&thread, nil, { argument in
        Unmanaged<WorkerStart>.fromOpaque(argument!).takeRetainedValue().run()
        return nil
      }, start) == 0 else {
        Unmanaged<WorkerStart>.fromOpaque(start).release()
        break
      }
      pthread_detach(thread)
      workers.append(worker)
    }
  }

  /// Runs `body(chunk)` for every chunk in 0..<`chunks`, on the calling thread and up to
  /// `chunks − 1` workers, and returns once all have finished; returns false without running
  /// anything when the pool is busy.
  @usableFromInline
  func run(chunks: Int, _ body: @escaping (Int) -> Void) -> Bool {
    guard chunks > 1, !workers.isEmpty,
          inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else { return false }
    let helpers = min(workers.count, chunks - 1)
    self.body = body
    chunkCount = chunks
    // Chunks 0...helpers have fixed threads (see runChunks); the rest are claimed.
    nextChunk.store(helpers + 1, ordering: .relaxed)
    departed.store(0, ordering: .relaxed)
    sequence += 1
    region.store(sequence << 8 | helpers, ordering: .sequentiallyConsistent)
    for worker in workers.prefix(helpers) where worker.asleep.load(ordering: .sequentiallyConsistent) {
      worker.wake.signal()
    }
    runChunks(first: 0)
    var spins = 0
    while departed.load(ordering: .acquiring) < helpers {
      spins += 1
      // A helper that was preempted mid-chunk must get the processor back.
      if spins > 100_000 { sched_yield() }
    }
    self.body = { _ in }
    inUse.store(false, ordering: .releasing)
    return true
  }

  /// Runs chunk `first`, then claims chunks beyond the fixed ones until none is left.
  ///
  /// The caller always runs chunk 0 and worker k chunk k + 1, so that a loop split the same way
  /// region after region (the FIRE passes, the force loop) finds its part of the arrays in the
  /// caches of the core that touched it last, not in the other core's.
  private func runChunks(first: Int) {
    body(first)
    while true {
      let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
      guard chunk < chunkCount else { return }
      body(chunk)
    }
  }

  private func serve(_ worker: Worker) {
    var seen = 0
    while true {
      let word = nextRegion(after: seen, worker)
      seen = word >> 8
      guard worker.index < word & 255 else { continue }
      runChunks(first: worker.index + 1)
      departed.wrappingAdd(1, ordering: .releasing)
    }
  }

  /// Spins until a region newer than `seen` is posted, sleeping when none comes for `spinTime`.
  private func nextRegion(after seen: Int, _ worker: Worker) -> Int {
    var spins = 0
    var spinStart = 0.0
    while true {
      let word = region.load(ordering: .acquiring)
      if word >> 8 != seen { return word }
      spins += 1
      guard spins & 1023 == 0 else { continue }
      let now = monotonicSeconds()
      if spinStart == 0 { spinStart = now }
      guard now - spinStart > Self.spinTime else { continue }
      // The caller stores the region, then reads `asleep`; this stores `asleep`, then reads the
      // region (both sequentially consistent): one of the two sees the other, so a posted region
      // never leaves its helper asleep. A wake-up that finds nothing new just loops.
      worker.asleep.store(true, ordering: .sequentiallyConsistent)
      if region.load(ordering: .sequentiallyConsistent) >> 8 == seen { worker.wake.wait() }
      worker.asleep.store(false, ordering: .sequentiallyConsistent)
      spins = 0
      spinStart = 0
    }
  }
}

/// The closure a worker thread starts with (pthread_create takes one pointer).
private final class WorkerStart {
  let run: () -> Void
  init(_ run: @escaping () -> Void) { self.run = run }
}

private func monotonicSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
