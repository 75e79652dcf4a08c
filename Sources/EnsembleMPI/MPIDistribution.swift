import CMPI
import Ensembles
import Foundation

/// The members of a sweep shared over the ranks of an MPI job by a dynamic queue on rank 0.
///
/// Rank 0 hands out member indices: each worker thread of every other rank asks for one, runs it,
/// and asks again with the result of the last (a request carries the finished index and whether it
/// succeeded, so rank 0 counts progress), until rank 0 answers −1. Rank 0 itself runs `jobs`
/// members at a time on threads that take from the same queue in memory, while its main thread
/// serves the requests: it polls (`MPI_Iprobe`, then a sleep of ``pollInterval``) rather than
/// blocking in `MPI_Recv`, which in MPICH and Open MPI spins and would take a core from the members;
/// a worker waits for its answer the same way.
/// Only whole indices cross the network; every rank writes its members' files itself (a shared
/// file system, as on any cluster), and rank 0 builds the summary from the files once every
/// worker has been told to stop, which a worker asks for only after its last member is written.
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

  /// How long rank 0's main thread sleeps when no request is waiting.
  public static let pollInterval: Duration = .microseconds(50)

  private static let requestTag: Int32 = 1
  private static let replyTag: Int32 = 2
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
      WorkerThreads.run(count: jobs) { [self] in ask(work: work) }
    }
  }

  /// Rank 0: local threads on the queue, and the main thread answering every worker thread of the
  /// other ranks until each has been told to stop.
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

    var workersLeft = (size - 1) * jobs
    var request: [Int64] = [-1, 0]
    var status = MPI_Status()
    while workersLeft > 0 {
      var flag: Int32 = 0
      MPI_Iprobe(mdsens_mpi_any_source(), Self.requestTag, mdsens_mpi_comm_world(), &flag, &status)
      guard flag != 0 else {
        Thread.sleep(forTimeInterval: Self.pollInterval.seconds)
        continue
      }
      MPI_Recv(&request, 2, mdsens_mpi_long_long(), status.MPI_SOURCE, Self.requestTag, mdsens_mpi_comm_world(),
               &status)
      if request[0] >= 0 { finished(Int(request[0]), request[1] != 0) }
      var reply: Int64 = queue.next().map(Int64.init) ?? -1
      if reply < 0 { workersLeft -= 1 }
      MPI_Send(&reply, 1, mdsens_mpi_long_long(), status.MPI_SOURCE, Self.replyTag, mdsens_mpi_comm_world())
    }
    local.wait()
  }

  /// A worker thread of another rank: ask for a member with the last result, run it, until told to stop.
  private func ask(work: @Sendable (Int, Double) -> Bool) {
    var request: [Int64] = [-1, 0]
    while true {
      let asked = ContinuousClock.now
      var reply: Int64 = -1
      lock.lock()
      MPI_Send(&request, 2, mdsens_mpi_long_long(), 0, Self.requestTag, mdsens_mpi_comm_world())
      // Polled like rank 0's side: a blocking receive spins, and with more ranks than cores (or
      // several threads waiting) the spinning ranks would take the cores rank 0 needs to answer.
      var pending = MPI_Request()
      MPI_Irecv(&reply, 1, mdsens_mpi_long_long(), 0, Self.replyTag, mdsens_mpi_comm_world(), &pending)
      var received: Int32 = 0
      while true {
        MPI_Test(&pending, &received, mdsens_mpi_status_ignore())
        if received != 0 { break }
        Thread.sleep(forTimeInterval: Self.pollInterval.seconds)
      }
      lock.unlock()
      guard reply >= 0 else { return }
      let succeeded = work(Int(reply), (ContinuousClock.now - asked).seconds)
      request = [reply, succeeded ? 1 : 0]
    }
  }
}
