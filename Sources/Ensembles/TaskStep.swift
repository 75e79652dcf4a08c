/// One command a member runs, as on the command line without the system file: `minimize`,
/// `sensitivity --param diameter`, `elasticity`, `analyze --dos`, …
///
/// A member runs its steps in order; every step after the first is given the previous step's output
/// file as its `--positions` (minimise, then analyse that minimum).
public struct TaskStep: Equatable, Sendable {
  /// The command's name (`minimize`, `sensitivity`, …).
  public var command: String
  /// Its options, as words.
  public var arguments: [String]

  public init(command: String, arguments: [String]) {
    self.command = command
    self.arguments = arguments
  }

  /// The step written as one command line, `"sensitivity --param diameter"`: words split at spaces.
  public init(commandLine: String) throws(SweepError) {
    let words = commandLine.split(whereSeparator: \.isWhitespace).map(String.init)
    guard let command = words.first else { throw SweepError("a task step is empty; name a command such as minimize") }
    self.init(command: command, arguments: Array(words.dropFirst()))
  }

  /// The command line, for messages and records.
  public var commandLine: String { ([command] + arguments).joined(separator: " ") }
}
