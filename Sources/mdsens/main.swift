import CBLAS
import Foundation
import Particles
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

/// OpenBLAS starts its threads as the library loads, and an idle one spins (yielding) for its thread
/// timeout, about a tenth of a second, before it sleeps: beside a two-thread minimisation that is a
/// third busy thread on two cores, which stalled the pair loop's chunks at the start of every run.
/// Stopped here, the threads start again with OpenBLAS's first threaded call. The function is
/// exported by OpenBLAS's threaded builds but declared in no header (and absent from its serial
/// build), so it is looked up rather than linked.
func stopIdleOpenBLASThreads() {
  typealias Shutdown = @convention(c) () -> Int32
  guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return }
  _ = unsafeBitCast(symbol, to: Shutdown.self)()
}

func main() -> Int32 {
  var arguments = Array(CommandLine.arguments.dropFirst())
  // Bare `mdsens` asks what the tool does: the help, as argument parsers answer.
  guard let command = arguments.first else {
    print(usage)
    return 0
  }
  arguments.removeFirst()
  // MDSENS_THREADS bounds every thread the process runs, OpenBLAS's too (whose idle threads would
  // otherwise spin beside a one-thread run), unless OPENBLAS_NUM_THREADS says otherwise.
  if getenv("MDSENS_THREADS") != nil, getenv("OPENBLAS_NUM_THREADS") == nil {
    openblas_set_num_threads(Int32(ThreadCount.available))
  }
  stopIdleOpenBLASThreads()
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
