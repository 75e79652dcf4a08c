import Foundation
import Simulation
import Trajectories

/// A sweep and its output folder: which members still have to run, running one, and the summary.
///
/// Layout of the folder: `members/member-NNNN.json` (the ``MemberRecord``),
/// `members/member-NNNN-COMMAND.EXT` (each step's output file), `summary.json` and `summary.csv`
/// (``EnsembleSummary``). Everything is written atomically, so a killed run leaves complete files
/// and at most hidden temporaries; running the same sweep again skips the members whose records
/// are valid, redoes the others and rebuilds the summary from the records.
public struct Ensemble: Sendable {
  public let sweep: Sweep

  public init(sweep: Sweep) {
    self.sweep = sweep
  }

  /// The folder of the member records and outputs.
  public var membersFolder: String { (sweep.output as NSString).appendingPathComponent("members") }

  /// `members/member-NNNN`, zero-padded to the width of the largest index.
  public func outputStem(of index: Int) -> String {
    let width = max(4, String(max(0, sweep.memberCount - 1)).count)
    let digits = String(index)
    return (membersFolder as NSString)
      .appendingPathComponent("member-" + String(repeating: "0", count: max(0, width - digits.count)) + digits)
  }

  /// The record of member `index`.
  public func recordPath(of index: Int) -> String { outputStem(of: index) + ".json" }

  /// Creates the output folders.
  public func prepare() throws(SweepError) {
    // The first part of the path that exists must be a folder: name the one that is not.
    var existing = URL(fileURLWithPath: membersFolder)
    while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
      existing.deleteLastPathComponent()
    }
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: existing.path, isDirectory: &isFolder), !isFolder.boolValue {
      throw SweepError("cannot create the output folder \(membersFolder): \(existing.path) is a file, not a folder")
    }
    do {
      try FileManager.default.createDirectory(atPath: membersFolder, withIntermediateDirectories: true)
    } catch {
      let reason = access(existing.path, W_OK) == 0 ? error.localizedDescription : "\(existing.path) is not writable"
      throw SweepError("cannot create the output folder \(membersFolder): \(reason)")
    }
    guard access(membersFolder, W_OK) == 0 else { throw SweepError("the output folder \(membersFolder) is not writable") }
  }

  /// The valid record of member `index`, or nil (absent, partial, of another sweep, or an output
  /// file missing or of another size).
  public func record(of index: Int) -> MemberRecord? {
    MemberRecord.valid(at: recordPath(of: index), of: sweep.member(index), folder: membersFolder)
  }

  /// The members without a valid record, in order.
  public func pending() -> [Int] {
    (0..<sweep.memberCount).filter { record(of: $0) == nil }
  }

  /// Runs member `index` (every task step, in order) and writes its record; a failure is recorded
  /// with its reason, never thrown. The error is the record's own write failure, if any.
  public func runMember(_ index: Int, executor: some MemberExecutor, rank: Int = 0, queueSeconds: Double = 0)
    -> (record: MemberRecord, writeError: Error?)
  {
    let began = ContinuousClock.now
    let member = sweep.member(index)
    var steps: [RecordedStep] = []
    var reason: String?
    do {
      let system = try member.system()
      var positions: String?
      for step in sweep.task {
        let result = executor.run(step, system: system, positions: positions, outputStem: outputStem(of: index))
        let name = result.output.map { ($0 as NSString).lastPathComponent }
        steps.append(RecordedStep(commandLine: result.step.commandLine, status: result.status, result: result.result,
                                  output: name, outputBytes: result.output.flatMap(fileSize)))
        if let failure = result.failure ?? (result.status != 0 ? "\(step.command) exited with status \(result.status)" : nil) {
          reason = "\(step.command): \(failure)"
          break
        }
        positions = result.output
      }
    } catch {
      reason = "\(error)"
    }
    let record = MemberRecord(
      index: index, fingerprint: member.fingerprint, parameters: member.parameterObject,
      status: reason == nil ? .succeeded : .failed, reason: reason, steps: steps,
      seconds: (ContinuousClock.now - began).seconds, queueSeconds: queueSeconds, host: Self.hostName, rank: rank)
    do {
      try TrajectoryOutput.writeAtomically(Array((record.json.text(indent: 1) + "\n").utf8), to: recordPath(of: index))
      return (record, nil)
    } catch {
      return (record, error)
    }
  }

  /// The summary of every member, from the records on disk.
  public func summary() -> EnsembleSummary {
    EnsembleSummary(sweep: sweep, records: (0..<sweep.memberCount).map(record(of:)))
  }

  /// Runs the members without a valid record on `distribution` and, on the coordinator, writes and
  /// returns the summary (nil on other processes). `progress` is called on the coordinator after
  /// each member.
  public func run(on distribution: some MemberDistribution, executor: some MemberExecutor,
                  progress: (@Sendable (SweepProgress) -> Void)? = nil) throws -> EnsembleOutcome? {
    try executor.validate(sweep.task)
    let began = ContinuousClock.now
    var pending: [Int] = []
    if distribution.isCoordinator {
      try prepare()
      pending = self.pending()
    }
    let tally = SweepProgress(total: sweep.memberCount, alreadyDone: sweep.memberCount - pending.count)
    let writeFailures = WriteFailures()
    let rank = distribution.rank
    try distribution.distribute(
      pending,
      work: { index, queueSeconds in
        let (record, writeError) = self.runMember(index, executor: executor, rank: rank, queueSeconds: queueSeconds)
        if let writeError { writeFailures.add("member \(index): \(writeError)") }
        return record.status == .succeeded && writeError == nil
      },
      finished: { _, succeeded in
        tally.count(succeeded: succeeded)
        progress?(tally)
      })
    guard distribution.isCoordinator else { return nil }
    let summary = self.summary()
    let folder = sweep.output as NSString
    do {
      try TrajectoryOutput.writeAtomically(Array((summary.json.text(indent: 1) + "\n").utf8),
                                           to: folder.appendingPathComponent("summary.json"))
      try TrajectoryOutput.writeAtomically(Array(summary.csv.utf8), to: folder.appendingPathComponent("summary.csv"))
    } catch {
      throw SweepError("cannot write the summary: \(error)")
    }
    return EnsembleOutcome(summary: summary, ran: pending.count, skipped: sweep.memberCount - pending.count,
                           seconds: (ContinuousClock.now - began).seconds, recordWriteFailures: writeFailures.messages)
  }

  /// This machine's name, recorded with each member.
  static let hostName: String = {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }()
}

/// What a run of a sweep did.
public struct EnsembleOutcome: Sendable {
  public let summary: EnsembleSummary
  /// Members run now, and members skipped because their records were valid.
  public let ran: Int
  public let skipped: Int
  /// Wall-clock seconds of the run.
  public let seconds: Double
  /// Members whose record could not be written (they run again next time).
  public let recordWriteFailures: [String]

  /// Whether every member of the sweep has a record of success.
  public var allSucceeded: Bool { summary.succeeded == summary.rows.count && recordWriteFailures.isEmpty }
}

/// Record write failures collected from the worker threads.
final class WriteFailures: @unchecked Sendable {
  private var list: [String] = []
  private let lock = NSLock()

  func add(_ message: String) {
    lock.lock()
    list.append(message)
    lock.unlock()
  }

  var messages: [String] {
    lock.lock()
    defer { lock.unlock() }
    return list
  }
}
