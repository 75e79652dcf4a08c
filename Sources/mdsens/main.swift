import Foundation
import Simulation

/// mdsens: energy-minimised particle configurations and their parameter sensitivities.
let usage = """
  USAGE: mdsens <command> [options]

  COMMANDS:
    minimize      energy-minimise a particle system (FIRE) and write its trajectory
    sensitivity   how the minimum moves when a parameter changes: dx*/dθ (implicit, unrolled, fd)
    gradient      d obs/d dₖ of an observable of the minimum for every particle diameter (adjoint)
    help          show this help

  Run 'mdsens <command> --help' for the options of a command.
  Without a system file, commands use the built-in paper system (Systems/paper-2d-128.json).
  """

func main() -> Int32 {
  var arguments = Array(CommandLine.arguments.dropFirst())
  guard let command = arguments.first else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    return 1
  }
  arguments.removeFirst()
  do {
    switch command {
    case "minimize", "minimise":
      return try MinimizeCommand.run(arguments)
    case "sensitivity":
      return try SensitivityCommand.run(arguments)
    case "gradient":
      return try GradientCommand.run(arguments)
    case "analyze", "analyse": return try AnalyzeCommand.run(arguments)
    case "help", "--help", "-h":
      print(usage)
      return 0
    default:
      throw UsageError("unknown command '\(command)'; run 'mdsens --help'")
    }
  } catch {
    FileHandle.standardError.write(Data("mdsens: error: \(error)\n".utf8))
    return 1
  }
}

exit(main())
