import Simulation

/// What one task step of a member produced.
public struct StepResult: Sendable {
  /// The command and its options as run.
  public var step: TaskStep
  /// The exit status the command gives on the command line (0: success).
  public var status: Int32
  /// The command's `--json` object (empty when it failed before producing one).
  public var result: JSONValue
  /// The output file it wrote, if any.
  public var output: String?
  /// Why the step failed (an error, or a non-zero status explained); nil on success.
  public var failure: String?

  public init(step: TaskStep, status: Int32, result: JSONValue, output: String?, failure: String?) {
    self.step = step
    self.status = status
    self.result = result
    self.output = output
    self.failure = failure
  }
}

/// Runs the task steps of members: the command-line tool supplies one that calls its commands
/// in-process, so that a member computes exactly what `mdsens COMMAND` computes.
public protocol MemberExecutor: Sendable {
  /// Throws when a step cannot run as a member (an unknown command, an option the ensemble sets
  /// itself such as `--out`, an option the command does not have).
  func validate(_ task: [TaskStep]) throws

  /// Runs `step` on `system`, given the previous step's output as `positions` (nil for the first),
  /// writing its output file, if it has one, to a path that begins with `outputStem`. Never throws:
  /// a failure is a result with its reason.
  func run(_ step: TaskStep, system: ParticleSystem, positions: String?, outputStem: String) -> StepResult
}
