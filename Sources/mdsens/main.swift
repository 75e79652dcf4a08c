import Foundation
import Simulation

/// mdsens: energy-minimised particle configurations and their parameter sensitivities.
let usage = """
  USAGE: mdsens <command> [options]

  COMMANDS:
    minimize      energy-minimise a particle system (FIRE) and write its trajectory
    sensitivity   how the minimum moves when a parameter changes: dx*/dθ (implicit, unrolled, fd)
    gradient      d obs/d dₖ of an observable of the minimum for every particle diameter (adjoint)
    elasticity    the stiffness tensor, bulk and shear moduli and non-affine fields of a minimum
    analyze       contacts, pressure, vibrational spectrum, lowest modes and S(k) of a minimum
    ensemble      a sweep of seeds and parameters: members on threads or MPI ranks, summary statistics
    completions   print a bash or zsh completion script
    help          show this help (also --help; --version prints the version)

  Run 'mdsens <command> --help' for the options of a command.
  Without a system file, commands use the built-in paper system (Systems/paper-2d-128.json).
  """

func main() -> Int32 {
  var arguments = Array(CommandLine.arguments.dropFirst())
  // Bare `mdsens` asks what the tool does: the help, as argument parsers answer.
  guard let command = arguments.first else {
    print(usage)
    return 0
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
    case "elasticity":
      return try ElasticityCommand.run(arguments)
    case "completions":
      return try CompletionsCommand.run(arguments)
    case "--version":
      print("mdsens \(MDSensVersion.string)")
      return 0
    case "analyze", "analyse": return try AnalyzeCommand.run(arguments)
    case "ensemble": return try EnsembleCommand.run(arguments)
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
