import CMPI
import Ensembles
import Foundation

/// The members of a sweep shared over the ranks of an MPI job by a dynamic queue on rank 0.
///
/// Rank 0 hands out member indices: each worker thread of every other rank asks for one, and while
/// it runs it asks for the next one in reserve (a request also reports the member finished before,
/// so rank 0 counts progress), so that in the bulk of a sweep a worker never waits for rank 0;
/// towards the end rank 0 hands out members only to idle threads. Rank 0 itself runs `jobs`
/// members at a time on threads that take from the same queue in memory, while its main thread
/// serves the requests: it polls (`MPI_Iprobe`, then a ``PollingPause``) rather than
/// blocking in `MPI_Recv`, which in MPICH and Open MPI spins and would take a core from the members;
/// a worker waits for its answer the same way.
/// Only whole indices cross the network; every rank writes its members' files itself (a shared
/// file system, as on any cluster), and rank 0 builds the summary from the files once every
/// worker thread has reported its last member written.
///
/// Unchecked `Sendable`: the stored properties never change after `init`, and the worker threads of
/// a rank take turns on MPI under `lock`.
public final class MPIDistribution: MemberDistribution, @unchecked Sendable {
  public let rank: Int
  /// The number of ranks.
  public let size: Int
  /// Members run at a time on each rank.
  public let jobs: Int
  public var isCoordinator: Bool { rank == 0 }
  public var layout: String { "\(size) MPI ranks × \(jobs == 1 ? "1 thread" : "\(jobs) threads")" }


  private static let requestTag: Int32 = 1
  /// Worker thread k of a rank gets its answers on tag replyTag + k.
  private static let replyTag: Int64 = 2
  /// Worker threads of one rank take turns on MPI (MPI_THREAD_SERIALIZED).
  private let lock = NSLock()

  /// Whether this process was started by an MPI launcher (mpirun, mpiexec, srun with PMI or PMIx):
  /// only then is MPI initialised, so that a plain `mdsens ensemble` never touches it.
  public static var isLaunched: Bool {
    let variables = ["PMI_RANK", "PMI_SIZE", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS"]
    return variables.contains { ProcessInfo.processInfo.environment[$0] != nil }
  }

  /// This process's rank as the launcher announces it before MPI is initialised (nil without a
  /// launcher), so that an error every rank finds in the sweep file is printed by rank 0 alone.
  public static var launcherRank: Int? {
    let environment = ProcessInfo.processInfo.environment
    return ["PMI_RANK", "PMIX_RANK", "OMPI_COMM_WORLD_RANK"].lazy.compactMap { environment[$0].flatMap { Int($0) } }.first
  }

  /// Initialises MPI (thread level serialised: several threads of a rank call MPI, one at a time).
  /// With `jobs` > 1 the library must provide that level; otherwise the rank runs one member at a time.
  public init(jobs: Int) throws {
    var provided: Int32 = 0
    guard MPI_Init_thread(nil, nil, mdsens_mpi_thread_serialized(), &provided) == mdsens_mpi_success() else {
      throw SweepError("MPI_Init_thread failed")
    }
    var rank: Int32 = 0
    var size: Int32 = 0
    MPI_Comm_rank(mdsens_mpi_comm_world(), &rank)
    MPI_Comm_size(mdsens_mpi_comm_world(), &size)
    self.rank = Int(rank)
    self.size = Int(size)
    self.jobs = provided >= mdsens_mpi_thread_serialized() ? max(1, jobs) : 1
  }

  /// Ends MPI; call once, after the last MPI call of every thread.
  public func finalize() {
    MPI_Finalize()
  }

  /// Aborts every rank of the job with `code` (a rank that cannot go on would leave the others
  /// waiting for ever).
  public func abort(code: Int32) -> Never {
    MPI_Abort(mdsens_mpi_comm_world(), code)
    exit(code)
  }

  public func distribute(_ pending: [Int], work: @escaping @Sendable (Int, Double) -> Bool,
                         finished: @escaping @Sendable (Int, Bool) -> Void) throws {
    if isCoordinator {
      serve(pending, work: work, finished: finished)
    } else {
      let counter = MemberQueue(Array(0..<jobs))
      WorkerThreads.run(count: jobs) { [self] in ask(thread: counter.next()!, work: work) }
    }
  }

  /// What a worker thread tells rank 0: [finished member or −1, whether it succeeded, ``Ask``, the
  /// tag rank 0 answers on]. The answer is a member index, ``noMore`` or ``notNow``.
  private enum Ask: Int64 {
    /// The thread has finished and stops; no answer.
    case done = 0
    /// The thread is idle and needs a member now.
    case now = 1
    /// The thread has just started a member and would like the next one in reserve.
    case reserve = 2
  }

  private static let noMore: Int64 = -1
  private static let notNow: Int64 = -2

  /// Rank 0: local threads on the queue, and the main thread answering every worker thread of the
  /// other ranks until each has reported its last member.
  ///
  /// A reserve is handed out only while the queue holds at least one member per worker thread of the
  /// whole job; nearer the end members go only to idle threads, so that no thread sits on a reserve
  /// while another has nothing to do.
  private func serve(_ pending: [Int], work: @escaping @Sendable (Int, Double) -> Bool,
                     finished: @escaping @Sendable (Int, Bool) -> Void) {
    let queue = MemberQueue(pending)
    let local = DispatchGroup()
    local.enter()
    let jobs = self.jobs
    let localThread = Thread {
      WorkerThreads.run(count: jobs) {
        while true {
          let asked = ContinuousClock.now
          guard let index = queue.next() else { return }
          finished(index, work(index, (ContinuousClock.now - asked).seconds))
        }
      }
      local.leave()
    }
    localThread.start()

    let workerThreads = size * jobs
    var threadsLeft = (size - 1) * jobs
    var request: [Int64] = [-1, 0, 0, 0]
    var status = MPI_Status()
    var pause = PollingPause()
    while threadsLeft > 0 {
      var flag: Int32 = 0
      MPI_Iprobe(mdsens_mpi_any_source(), Self.requestTag, mdsens_mpi_comm_world(), &flag, &status)
      guard flag != 0 else {
        pause.wait()
        continue
      }
      pause.reset()
      let source = status.MPI_SOURCE
      MPI_Recv(&request, 4, mdsens_mpi_long_long(), source, Self.requestTag, mdsens_mpi_comm_world(), &status)
      if request[0] >= 0 { finished(Int(request[0]), request[1] != 0) }
      var reply: Int64
      switch Ask(rawValue: request[2]) {
      case .done?, nil:
        threadsLeft -= 1
        continue
      case .now?:
        reply = queue.next().map(Int64.init) ?? Self.noMore
      case .reserve?:
        reply = queue.count >= workerThreads ? (queue.next().map(Int64.init) ?? Self.noMore)
          : (queue.count == 0 ? Self.noMore : Self.notNow)
      }
      MPI_Send(&reply, 1, mdsens_mpi_long_long(), source, Int32(request[3]), mdsens_mpi_comm_world())
    }
    local.wait()
  }

  /// A worker thread of another rank: while it runs a member it already asks for the next one, so
  /// that in the bulk of a sweep it never waits for rank 0; each request reports the member before.
  private func ask(thread: Int, work: @Sendable (Int, Double) -> Bool) {
    let tag = Self.replyTag + Int64(thread)
    let answer = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
    defer { answer.deallocate() }
    var report: (index: Int64, succeeded: Bool) = (-1, false)

    /// Sends a request carrying `report`; returns the receive of the answer, or nil for `.done`.
    func send(_ ask: Ask) -> MPI_Request? {
      var request: [Int64] = [report.index, report.succeeded ? 1 : 0, ask.rawValue, tag]
      report = (-1, false)
      lock.lock()
      defer { lock.unlock() }
      MPI_Send(&request, 4, mdsens_mpi_long_long(), 0, Self.requestTag, mdsens_mpi_comm_world())
      guard ask != .done else { return nil }
      var pending = MPI_Request()
      MPI_Irecv(answer, 1, mdsens_mpi_long_long(), 0, Int32(tag), mdsens_mpi_comm_world(), &pending)
      return pending
    }
    /// The answer of `pending`, polled like rank 0's side: a blocking receive spins, and with more
    /// ranks than cores the spinning ranks would take the cores rank 0 needs to answer.
    func receive(_ pending: MPI_Request) -> Int64 {
      var pending = pending
      var received: Int32 = 0
      var pause = PollingPause()
      while true {
        lock.lock()
        MPI_Test(&pending, &received, mdsens_mpi_status_ignore())
        lock.unlock()
        if received != 0 { return answer.pointee }
        pause.wait()
      }
    }

    var asked = ContinuousClock.now
    var current = receive(send(.now)!)
    while current >= 0 {
      let reserve = send(.reserve)!
      let succeeded = work(Int(current), (ContinuousClock.now - asked).seconds)
      asked = ContinuousClock.now
      var next = receive(reserve)
      report = (current, succeeded)
      if next == Self.notNow { next = receive(send(.now)!) }
      current = next
    }
    _ = send(.done)
  }
}

/// The sleep between two polls for a message: short right after a message (more are likely soon),
/// doubling while none comes, up to a bound. Rank 0 then answers within ~20 µs when requests are
/// frequent, and within ``longest`` after a long quiet spell, while waking at most a few thousand
/// times a second (every wake-up takes a core from a member for a moment).
public struct PollingPause {
  public static let shortest: Duration = .microseconds(20)
  public static let longest: Duration = .microseconds(500)
  private var current = shortest

  public init() {}

  /// Sleeps for the current pause and doubles the next one (up to ``longest``).
  public mutating func wait() {
    Thread.sleep(forTimeInterval: current.seconds)
    current = min(current * 2, Self.longest)
  }

  /// Back to the shortest pause, after a message.
  public mutating func reset() {
    current = Self.shortest
  }
}
