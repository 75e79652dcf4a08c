import CBLAS
import EnsembleMPI
import Ensembles
import Foundation

/// `mdsens ensemble`: the members of a sweep (seeds × parameters of one system) on local threads or
/// MPI ranks, restartable, with a summary.
enum EnsembleCommand {
  static let help = """
    USAGE: mdsens ensemble SWEEP.json [options]
           mpirun -n K mdsens ensemble SWEEP.json [options]

    Runs every member of a sweep: the base system file with the varied fields set (a product or a
    list of seeds, packing fractions, diameters, ε, α, …), each running the sweep's task (minimize,
    sensitivity --param …, elasticity, analyze, gradient, or several in a row) exactly as that
    command would. Each member writes its output files and its record (members/member-NNNN.json:
    parameters, success or the reason of failure, every step's JSON result, timings, host, rank)
    atomically into the sweep's output folder; then the summary (summary.json, summary.csv) gives
    one row per member and the mean and standard error of every number per parameter value.

    Run again with the same command after a kill or a time limit: members with valid records are
    skipped, partial ones redone, and the summary is rebuilt from the records. A member that fails
    (not converged, a singular solve, a parameter the system file refuses) is recorded with its
    reason and the others go on.

    Under mpirun (or srun) with several ranks, rank 0 hands out members one at a time to every rank
    (itself included) as they finish the previous one; without MPI, or with one rank, the members
    run on --jobs threads. Every member runs single-threaded (MDSENS_THREADS=1, one OpenBLAS
    thread), so its numbers do not depend on how the members are shared out.

    SWEEP FILE (JSON; paths relative to it):
      "system": "FILE.json"        the base system (default: the built-in paper system)
      "vary": {FIELD: VALUES, …}   FIELD: \(SweepField.vocabulary);
                                   VALUES: [v1, v2, …], {"from": a, "count": n[, "step": s]} or
                                   {"from": a, "to": b, "count": n[, "spacing": "log"]}
      "combine": "product"|"list"  every combination (default), or the i-th values together
      "task": "COMMAND [OPTIONS]"  or a list of them, each later one given the previous output as
                                   --positions (e.g. ["minimize", "analyze --dos"])
      "output": "FOLDER"           default: the sweep file's name with -ensemble

    OPTIONS:
      --jobs N             members at a time in this process (default: the number of cores; under
                           MPI with several ranks, 1 per rank)
      --progress           progress (members done / total, rate, time left) on stderr even when it
                           is not a terminal (default: only on a terminal)
      --json               print one JSON object with the counts instead of the summary
      -h, --help           show this help

    Exit status: 0 when every member succeeded; 3 when some failed (see their records and the
    summary); 1 on a bad sweep file or options, or when the output folder cannot be written.
    """

  static let valuedOptions: Set<String> = ["jobs"]
  static let flagOptions: Set<String> = ["json", "help", "progress"]

  static func run(_ arguments: [String]) throws -> Int32 {
    let options = try Arguments(arguments, valued: valuedOptions, flags: flagOptions, command: "ensemble")
    if options.has("help") {
      Output.result(help)
      return 0
    }
    guard options.positional.count == 1 else {
      throw UsageError("ensemble takes one sweep file, got \(options.positional.count) arguments")
    }
    let jobs = try options.integer("jobs", minimum: 1)
    // One thread per member: its numbers are then the same however members are distributed.
    setenv("MDSENS_THREADS", "1", 1)
    openblas_set_num_threads(1)
    let ensemble: Ensemble
    let executor = MemberTasks()
    do {
      ensemble = Ensemble(sweep: try Sweep(path: options.positional[0]))
      try executor.validate(ensemble.sweep.task)
    } catch {
      // Every rank reads the same file and finds the same mistake: rank 0 says it.
      if let rank = MPIDistribution.launcherRank, rank > 0 { return 1 }
      throw error
    }

    // MPI only under a launcher; one rank is the same as no MPI.
    let mpi = MPIDistribution.isLaunched ? try MPIDistribution(jobs: jobs ?? 1) : nil
    defer { mpi?.finalize() }
    let distribution: any MemberDistribution = if let mpi, mpi.size > 1 {
      mpi
    } else {
      LocalThreads(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }
    let outcome: EnsembleOutcome?
    do {
      outcome = try ensemble.run(on: distribution, executor: executor, progress: progressCallback(options))
    } catch {
      // The other ranks would wait for rank 0 for ever.
      if let mpi, mpi.size > 1 {
        FileHandle.standardError.write(Data("mdsens: error: \(error)\n".utf8))
        mpi.abort(code: 1)
      }
      throw error
    }
    guard let outcome else { return 0 }
    return report(outcome, ensemble: ensemble, layout: distribution.layout, asJSON: options.has("json"))
  }

  /// Prints a progress line after each member, at most one a second (and the last), when wanted.
  static func progressCallback(_ options: Arguments) -> (@Sendable (SweepProgress) -> Void)? {
    guard ProgressReport.isWanted(options) else { return nil }
    let last = LastLine()
    return { progress in
      if last.due(final: progress.done == progress.total) { Output.progress(progress.line) }
    }
  }

  static func report(_ outcome: EnsembleOutcome, ensemble: Ensemble, layout: String, asJSON: Bool) -> Int32 {
    let summary = outcome.summary
    let folder = ensemble.sweep.output
    let failures = summary.rows.filter { $0.status != "succeeded" }
    let status: Int32 = outcome.allSucceeded ? 0 : 3
    if asJSON {
      Output.json([
        "members": summary.rows.count, "ran": outcome.ran, "skipped": outcome.skipped,
        "succeeded": summary.succeeded, "failed": summary.failed, "missing": summary.missing,
        "seconds": outcome.seconds, "layout": layout, "output": folder,
        "summary": (folder as NSString).appendingPathComponent("summary.json"),
        "failures": failures.map { ["index": $0.index, "status": $0.status, "reason": $0.reason ?? ""] as [String: Any] },
        "record_write_failures": outcome.recordWriteFailures,
      ])
      return status
    }
    var lines = [
      "mdsens ensemble: \(summary.rows.count) members (\(outcome.ran) run now, \(outcome.skipped) with valid records skipped) on \(layout) in \(String(format: "%.2f", outcome.seconds)) s",
      "succeeded \(summary.succeeded), failed \(summary.failed)" + (summary.missing > 0 ? ", missing \(summary.missing)" : ""),
    ]
    for row in failures.prefix(10) {
      let parameters = row.parameters.pairs.map { "\($0.key) = \($0.value.excerpt)" }.joined(separator: ", ")
      lines.append("  member \(row.index) (\(parameters)): \(row.reason ?? row.status)")
    }
    if failures.count > 10 { lines.append("  … \(failures.count - 10) more in the summary") }
    for message in outcome.recordWriteFailures { lines.append("  record not written: \(message)") }
    lines.append("summary: \((folder as NSString).appendingPathComponent("summary.json")) (and summary.csv); records in \(ensemble.membersFolder)")
    Output.result(lines.joined(separator: "\n"))
    return status
  }
}

/// Throttles progress lines to one a second.
final class LastLine: @unchecked Sendable {
  private var printed: ContinuousClock.Instant?
  private let lock = NSLock()

  func due(final: Bool) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    let now = ContinuousClock.now
    guard final || printed.map({ now - $0 >= .seconds(1) }) ?? true else { return false }
    printed = now
    return true
  }
}
