import Foundation

/// How the members of a sweep are shared out: threads of this process (``LocalThreads``) or the
/// ranks of an MPI job (`MPIDistribution` in the module EnsembleMPI), behind one interface so that
/// ``Ensemble/run(on:executor:progress:)`` is the same code for both.
///
/// The queue is dynamic: a worker takes the next member when it has finished the previous one, so
/// slow members (a hard minimisation) and fast ones balance without a schedule made in advance.
public protocol MemberDistribution {
  /// Whether this process decides which members run, counts them as they finish and writes the
  /// summary: the only process, or MPI rank 0.
  var isCoordinator: Bool { get }
  /// This process's rank (0 without MPI), recorded with each member it runs.
  var rank: Int { get }
  /// How the work is shared, for the summary line ("2 threads", "4 MPI ranks × 1 thread").
  var layout: String { get }

  /// Runs `work(index, queueSeconds)` once for each index of `pending` somewhere among the workers;
  /// `pending` is read on the coordinator only. `work` returns whether the member succeeded and is
  /// given how long its worker waited for the index. On the coordinator `finished(index, succeeded)`
  /// follows each member, from any thread, and the call returns when every member is done; other
  /// processes return when the coordinator has no more work for them.
  func distribute(_ pending: [Int], work: @escaping @Sendable (_ index: Int, _ queueSeconds: Double) -> Bool,
                  finished: @escaping @Sendable (_ index: Int, _ succeeded: Bool) -> Void) throws
}

/// Up to `jobs` members at a time on threads of this process, each taking the next member as it
/// finishes one: the distribution without MPI, and with a single MPI rank.
public struct LocalThreads: MemberDistribution {
  public let jobs: Int
  public var isCoordinator: Bool { true }
  public var rank: Int { 0 }
  public var layout: String { jobs == 1 ? "1 thread" : "\(jobs) threads" }

  public init(jobs: Int) {
    self.jobs = max(1, jobs)
  }

  public func distribute(_ pending: [Int], work: @escaping @Sendable (Int, Double) -> Bool,
                         finished: @escaping @Sendable (Int, Bool) -> Void) throws {
    let queue = MemberQueue(pending)
    WorkerThreads.run(count: min(jobs, max(1, pending.count))) {
      while true {
        let asked = ContinuousClock.now
        guard let index = queue.next() else { return }
        let succeeded = work(index, (ContinuousClock.now - asked).seconds)
        finished(index, succeeded)
      }
    }
  }
}

/// The indices still to hand out, taken one at a time under a lock.
public final class MemberQueue: @unchecked Sendable {
  private var remaining: ArraySlice<Int>
  private let lock = NSLock()

  public init(_ indices: [Int]) {
    remaining = indices[...]
  }

  /// The next index, or nil when every index has been handed out.
  public func next() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    return remaining.popFirst()
  }

  /// The indices not handed out yet.
  public var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return remaining.count
  }
}

/// `count` threads running `body`, joined before returning.
public enum WorkerThreads {
  /// Stack size of the worker threads: a member runs a whole command, as the main thread does.
  public static let stackSize = 8 << 20

  public static func run(count: Int, _ body: @escaping @Sendable () -> Void) {
    let done = DispatchSemaphore(value: 0)
    for _ in 0..<count {
      let thread = Thread {
        body()
        done.signal()
      }
      thread.stackSize = stackSize
      thread.start()
    }
    for _ in 0..<count { done.wait() }
  }
}

extension Duration {
  /// The duration in seconds.
  public var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
