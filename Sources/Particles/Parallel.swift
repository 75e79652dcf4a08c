import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// How many threads the kernels split their loops over.
public enum ThreadCount {
  /// The number of online processors, overridable with the environment variable
  /// `MDSENS_THREADS` (a benchmark runs with 1 to measure the serial baseline).
  public static var available: Int {
    if let text = getenv("MDSENS_THREADS"), let count = Int(String(cString: text)), count > 0 {
      return count
    }
    return processors
  }

  /// The number of online processors.
  public static var processors: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Runs `body(chunk, range)` over `count` items split into contiguous chunks, one per thread;
/// serially when there is one thread or too little work to pay for a thread hand-off.
@inlinable
public func forEachChunk(
  of count: Int, threads: Int, minimumChunk: Int = 4096,
  _ body: (_ chunk: Int, _ range: Range<Int>) -> Void
) {
  let chunks = max(1, min(threads, count / max(1, minimumChunk)))
  if chunks == 1 {
    body(0, 0..<count)
    return
  }
  withoutActuallyEscaping(body) { body in
    let task = ChunkTask(body: body)
    let runChunk: @Sendable (Int) -> Void = { chunk in task.body(chunk, (count * chunk / chunks)..<(count * (chunk + 1) / chunks)) }
    // The pool's workers stay awake between regions; when another region holds them (a nested
    // call, another thread's), Dispatch lends its threads instead.
    if !WorkerPool.shared.run(chunks: chunks, runChunk) {
      DispatchQueue.concurrentPerform(iterations: chunks, execute: runChunk)
    }
  }
}

/// `body(range)` of each contiguous chunk of `count` items, computed on up to `threads` threads and
/// returned in chunk order: a reduction whose partial results are combined in a fixed order, so
/// that the result depends on the number of chunks but never on thread timing. One chunk (one
/// thread, or fewer than 2·`minimumChunk` items) is the plain serial loop.
@inlinable
public func mapChunks<Partial>(
  of count: Int, threads: Int, minimumChunk: Int = 4096, _ body: (_ range: Range<Int>) -> Partial
) -> [Partial] {
  let chunks = max(1, min(threads, count / max(1, minimumChunk)))
  if chunks == 1 { return [body(0..<count)] }
  var partials = [Partial?](repeating: nil, count: chunks)
  partials.withUnsafeMutableBufferPointer { partials in
    nonisolated(unsafe) let partials = partials
    forEachChunk(of: count, threads: chunks, minimumChunk: max(1, count / chunks)) { chunk, range in
      partials[chunk] = body(range)
    }
  }
  return partials.map { $0! }
}

/// Carries a non-Sendable closure into `concurrentPerform`: every chunk writes disjoint memory.
@usableFromInline
struct ChunkTask: @unchecked Sendable {
  @usableFromInline let body: (Int, Range<Int>) -> Void
  @inlinable init(body: @escaping (Int, Range<Int>) -> Void) { self.body = body }
}

/// Rows of a half neighbour list can hold very different numbers of pairs (the brute-force list's
/// row i holds N − 1 − i), so chunks of equal row counts could give one thread most of the work.
/// Row boundaries 0 = b₀ ≤ b₁ ≤ … ≤ b_chunks = rows splitting the stored pairs evenly.
@inlinable
func balancedRowBounds(_ rowStart: [Int32], rows: Int, chunks: Int) -> [Int] {
  let total = Int(rowStart[rows])
  var bounds = [0]
  for chunk in 1..<chunks {
    let target = total * chunk / chunks
    var low = bounds[chunk - 1]
    var high = rows
    while low < high {
      let middle = (low + high) / 2
      if Int(rowStart[middle]) < target { low = middle + 1 } else { high = middle }
    }
    bounds.append(low)
  }
  bounds.append(rows)
  return bounds
}

