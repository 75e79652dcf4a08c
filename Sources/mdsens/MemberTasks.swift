import Ensembles
import Foundation
import Simulation

/// Runs an ensemble member's task steps through the commands' own `execute(_:)`, in this process,
/// exactly as `mdsens COMMAND` would with the member's system file: the ensemble adds only `--out`
/// (the member's output file) and, after the first step, `--positions` (the previous step's output).
struct MemberTasks: MemberExecutor {
  /// A command as a member step: its options and whether it writes an output file with them.
  struct Command: Sendable {
    let valued: Set<String>
    let flags: Set<String>
    let execute: @Sendable (Arguments) throws -> CommandReport
    let writesFile: @Sendable (Arguments) -> Bool
  }

  static let commands: [String: Command] = [
    "minimize": Command(valued: MinimizeCommand.valuedOptions, flags: MinimizeCommand.flagOptions,
                        execute: { try MinimizeCommand.execute($0) }, writesFile: { _ in true }),
    "sensitivity": Command(valued: SensitivityCommand.valuedOptions, flags: SensitivityCommand.flagOptions,
                           execute: { try SensitivityCommand.execute($0) }, writesFile: { _ in true }),
    "gradient": Command(valued: GradientCommand.valuedOptions, flags: GradientCommand.flagOptions,
                        execute: { try GradientCommand.execute($0) }, writesFile: { _ in true }),
    "elasticity": Command(valued: ElasticityCommand.valuedOptions, flags: ElasticityCommand.flagOptions,
                          execute: { try ElasticityCommand.execute($0) }, writesFile: { $0.has("fields") }),
    "analyze": Command(valued: AnalyzeCommand.valuedOptions, flags: AnalyzeCommand.flagOptions,
                       execute: { try AnalyzeCommand.execute($0) }, writesFile: { _ in true }),
  ]

  /// Options the ensemble sets itself or that make no sense for a member.
  static let reserved: [String: String] = [
    "out": "the ensemble names each member's output file",
    "json": "the ensemble keeps every member's JSON result in its record",
    "progress": "give --progress to mdsens ensemble instead",
    "help": "run 'mdsens COMMAND --help' on its own",
    "seed": "vary 'seed' in the sweep instead (or set it in the system file)",
  ]

  func validate(_ task: [TaskStep]) throws {
    for (position, step) in task.enumerated() {
      let label = "task step \(position + 1) '\(step.commandLine)'"
      guard let command = Self.commands[step.command] else {
        throw SweepError("\(label): '\(step.command)' is not a command a member can run; use \(Self.commands.keys.sorted().joined(separator: ", "))")
      }
      let options: Arguments
      do {
        options = try Arguments(step.arguments, valued: command.valued, flags: command.flags, command: step.command)
      } catch {
        throw SweepError("\(label): \(error)")
      }
      guard options.positional.isEmpty else {
        throw SweepError("\(label): '\(options.positional[0])': a member's system comes from the sweep, not from the task")
      }
      for (option, reason) in Self.reserved where options.values[option] != nil || options.has(option) {
        throw SweepError("\(label): --\(option) is not allowed here: \(reason)")
      }
      if position > 0 {
        guard options.values["positions"] == nil else {
          throw SweepError("\(label): --positions is set by the ensemble to the previous step's output")
        }
        let previous = task[position - 1]
        let before = try! Arguments(previous.arguments, valued: Self.commands[previous.command]!.valued,
                                    flags: Self.commands[previous.command]!.flags, command: previous.command)
        guard Self.commands[previous.command]!.writesFile(before) else {
          throw SweepError("\(label): the previous step '\(previous.commandLine)' writes no file to take positions from")
        }
      } else if step.command == "analyze" && options.values["positions"] == nil {
        throw SweepError("\(label): analyze needs a minimum; put \"minimize\" before it in the task")
      }
    }
  }

  func run(_ step: TaskStep, system: ParticleSystem, positions: String?, outputStem: String) -> StepResult {
    let command = Self.commands[step.command]!
    var output: String?
    do {
      var arguments = step.arguments
      var options = try Arguments(arguments, valued: command.valued, flags: command.flags, command: step.command)
      if command.writesFile(options) {
        let format = try options.outputFormat()
        output = "\(outputStem)-\(step.command).\(format.fileExtension)"
        arguments += ["--out", output!]
      }
      if let positions { arguments += ["--positions", positions] }
      options = try Arguments(arguments, valued: command.valued, flags: command.flags, command: step.command)
      options.system = system
      options.interactive = false
      let report = try command.execute(options)
      var failure: String?
      if report.status != 0 {
        let reason = (report.json["stop_reason"] as? String).map { "not converged (\($0))" } ?? "exit status \(report.status)"
        failure = reason
      }
      return StepResult(step: step, status: report.status, result: Self.json(report.json), output: output,
                        failure: failure)
    } catch {
      // A failed command writes nothing (its files are atomic), so no output is recorded.
      return StepResult(step: step, status: 1, result: JSONValue.emptyObject, output: nil, failure: "\(error)")
    }
  }

  /// A command's JSON object as a `JSONValue`, numbers exact (the shortest text that reads back as
  /// the same double), keys sorted as `--json` prints them.
  static func json(_ value: Any) -> JSONValue {
    switch value {
    case let flag as Bool: return .bool(flag)
    case let number as Int: return .integer(number)
    case let number as Int32: return .integer(Int(number))
    case let number as UInt64: return .number(literal: "\(number)", value: Double(number))
    case let number as Double: return .exact(number)
    case let text as String: return .string(text)
    case let list as [Any]: return .array(list.map(json))
    case let object as [String: Any]: return .object(object.keys.sorted().map { ($0, json(object[$0]!)) })
    default: return .null
    }
  }
}
