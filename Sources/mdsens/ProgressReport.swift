import Foundation

/// Progress lines of a minimisation on stderr: how fast it goes and how far it still has to go.
///
/// Shown only when stderr is a terminal or `--progress` is given, so that logs and pipelines get
/// the result and nothing else. Each line carries the rate (steps per second since the previous
/// line), the steps left before the step limit, and the gap to the force tolerance in decades
/// (log₁₀ of max |F| over the tolerance).
final class ProgressReport: @unchecked Sendable {
  private let maximumSteps: Int
  private let forceTolerance: Double
  private let clock = ContinuousClock()
  private var previous: (step: Int, time: ContinuousClock.Instant)
  private let lock = NSLock()

  init(maximumSteps: Int, forceTolerance: Double) {
    self.maximumSteps = maximumSteps
    self.forceTolerance = forceTolerance
    previous = (0, clock.now)
  }

  /// Whether progress is shown: `--progress`, or stderr is a terminal (and the run is not an
  /// ensemble member).
  static func isWanted(_ options: Arguments) -> Bool {
    options.has("progress") || (options.interactive && isatty(STDERR_FILENO) == 1)
  }

  /// The progress callback of a minimisation with `choice`, or nil when progress is not wanted.
  static func callback(_ options: Arguments, maximumSteps: Int, forceTolerance: Double)
    -> (@Sendable (Int, Double, Double) -> Void)? {
    guard isWanted(options) else { return nil }
    let report = ProgressReport(maximumSteps: maximumSteps, forceTolerance: forceTolerance)
    return { @Sendable step, energy, force in
      Output.progress(report.line(step: step, energy: energy, maximumForce: force))
    }
  }

  /// One line for the state after `step`.
  func line(step: Int, energy: Double, maximumForce: Double) -> String {
    lock.lock()
    defer { lock.unlock() }
    let now = clock.now
    let elapsed = now - previous.time
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let rate = seconds > 0 ? Double(step - previous.step) / seconds : 0
    previous = (step, now)
    let decades = forceTolerance > 0 ? log10(maximumForce / forceTolerance) : .infinity
    let gap = decades > 0 ? String(format: "%.1f decades above the tolerance", decades) : "at the tolerance"
    return "step \(step) (\(String(format: "%.0f", rate)) steps/s, \(max(0, maximumSteps - step)) steps left): "
      + "energy \(Output.short(energy)), max |F| \(Output.short(maximumForce)), \(gap)"
  }
}
