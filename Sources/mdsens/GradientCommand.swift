import Foundation
import ImplicitDifferentiation
import Sensitivity
import Simulation

/// `mdsens gradient`: the gradient of an observable of the minimum with respect to every particle's
/// diameter, by one adjoint solve (inverse design of packings).
enum GradientCommand {
  static let help = """
    USAGE: mdsens gradient [SYSTEM.json] --observable energy|position:I:K|msd:FILE [options]

    Minimises the system (or takes the minimum given with --positions), then computes
    d obs(x*(d), d) / d dₖ for every particle's diameter dₖ (additive pair diameters, box held) with
    one adjoint solve H w = ∂obs/∂R and one pass over the pairs: the cost does not grow with the
    number of parameters. Rattlers get zero gradient.

    OBSERVABLES:
      energy               the potential energy of the minimum
      position:I:K         component K (0-based) of particle I's position
      msd:FILE             mean-square displacement from the positions in FILE (XYZ or H5MD)

    OPTIONS:
      --positions FILE     differentiate this minimum instead of minimising
      --seed S, --ftol X, --max-steps N    as for minimize
      --solver automatic|cg|minres|gmres|bicgstab|dense, --tol X, --jacobi
                           the adjoint solve (default automatic: conjugate gradients)
      --out PATH           output file (default: Trajectories/<system>-gradient.h5); the gradient is
                           stored as the per-particle field gradient_diameter (first component; the
                           others zero), next to the positions
      --format h5md|xyz|lammps-data, --json, -h/--help
      --progress           progress of the minimisation on stderr even when it is not a terminal
    \(Arguments.fileHelp)
    """

  /// The options that take a value and the flags (shell completions list them too).
  static let valuedOptions: Set<String> = Set(["observable", "positions", "seed", "ftol", "max-steps", "solver", "tol", "out", "format"])
        .union(Arguments.fileValued)
  static let flagOptions: Set<String> = Set(["json", "help", "jacobi", "progress"]).union(Arguments.fileFlags)

  static func run(_ arguments: [String]) throws -> Int32 {
    let options = try Arguments(arguments, valued: valuedOptions, flags: flagOptions, command: "gradient")
    if options.has("help") {
      Output.result(help)
      return 0
    }
    guard options.positional.count <= 1 else { throw UsageError("gradient takes at most one system file") }
    return try execute(options).print(asJSON: options.has("json"))
  }

  /// The adjoint gradient `options` ask for, its output file written.
  static func execute(_ options: Arguments) throws -> CommandReport {
    var system = try options.loadSystem()
    let name = system.description.name ?? "system"
    guard let observableText = options.values["observable"] else {
      throw UsageError("--observable is required (energy, position:I:K or msd:FILE)")
    }
    let format = try options.outputFormat()
    let settings = try options.fileSettings()
    let reference = observableText.hasPrefix("msd:") ? [String(observableText.dropFirst(4))] : []
    let output = try options.outputPath(defaultName: "\(name)-gradient", format: format, system: system,
                                        extraInputs: reference)

    let minimum: [Double]
    if let file = options.values["positions"] {
      guard options.values["seed"] == nil else { throw UsageError("give either --positions or --seed, not both") }
      let loaded = try options.positionsFile(file, system: system)
      (system, minimum) = (loaded.system, loaded.positions)
    } else {
      var choice = system.minimizer
      if let tolerance = try options.number("ftol", minimum: 0) { choice.forceTolerance = tolerance }
      if let steps = try options.integer("max-steps") { choice.maximumSteps = steps }
      let found = try system.minimum(
        seed: try options.seed(), using: choice, purpose: "no gradient computed",
        progress: ProgressReport.callback(options, maximumSteps: choice.maximumSteps,
                                          forceTolerance: choice.forceTolerance))
      (system, minimum) = (found.system, found.outcome.positions)
    }
    let observable = try parseObservable(observableText, system: system)

    let solver = try options.solverChoice()

    let result = try adjoint(system: system, minimum: minimum, observable: observable, solver: solver)

    // Per-particle vector fields are d components wide: the scalar gradient goes in the first.
    var field = [Double](repeating: 0, count: minimum.count)
    for particle in result.gradient.indices { field[particle * system.dimension] = result.gradient[particle] }
    let frame = system.frame(step: 0, positions: minimum, energy: nil, maximumForce: result.maximumForce,
                             fields: ["gradient_diameter": field])
    // d obs/d dₖ: the observable's unit over a length (energy / length, length² / length, or none).
    let (lengthPower, energyPower) = switch observable {
    case .energy: (-1, 1)
    case .meanSquareDisplacement: (1, 0)
    default: (0, 0)
    }
    let unit = settings.units.unit(lengthPower: lengthPower, energyPower: energyPower)
    try settings.write([frame], system: system, fieldUnits: ["gradient_diameter": unit], to: output, format: format)

    let object: [String: Any] = [
      "system": name, "n_particles": system.particleCount, "observable": observableText, "value": result.value,
      "gradient": result.gradient, "explicit_part": result.explicitPart, "rattlers": result.rattlers,
      "max_force": result.maximumForce,
      "solver": ["name": result.solverName,
                 "iterations": result.solverIterations, "residual": result.solverResidual,
                 "status": result.solverStatus.description],
      "warnings": result.warnings, "output": output,
    ]
    let largest = result.gradient.indices.max { abs(result.gradient[$0]) < abs(result.gradient[$1]) } ?? 0
    let summary = """
      mdsens gradient: \(name), \(system.particleCount) particles; d obs/d dₖ for obs = \(observableText)
      obs at the minimum: \(Output.exact(result.value)); max |F| \(Output.short(result.maximumForce))
      largest |d obs/d dₖ|: \(Output.short(result.gradient[largest])) (particle \(largest)); Σₖ d obs/d dₖ = \(Output.short(result.gradient.reduce(0, +)))
      adjoint solve \(result.solverName): \(result.solverIterations) iterations, relative residual \(Output.short(result.solverResidual)); rattlers: \(result.rattlers.count)
      \(result.warnings.map { "warning: \($0)\n" }.joined())output: \(output) (\(format.rawValue), field gradient_diameter)
      """
    return CommandReport(json: object, summary: summary)
  }

  static func adjoint(system: ParticleSystem, minimum: [Double], observable: MinimumObservable,
                      solver: SolverChoice) throws -> AdjointGradient {
    do {
      let model = try system.model.withParticleDiameters()
      return try AdjointGradient.compute(model: model, positions: minimum, observable: observable,
                                         options: ImplicitOptions(solver: solver))
    } catch {
      throw SystemError("gradient: \(error)")
    }
  }

  static func parseObservable(_ text: String, system: ParticleSystem) throws -> MinimumObservable {
    if text == "energy" { return .energy }
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    if parts.first == "position" {
      let fields = text.split(separator: ":", omittingEmptySubsequences: false).dropFirst()
      let indices = fields.compactMap { Int($0) }
      guard fields.count == 2, indices.count == 2, (0..<system.particleCount).contains(indices[0]),
            (0..<system.dimension).contains(indices[1]) else {
        throw UsageError("--observable position:I:K needs a particle 0…\(system.particleCount - 1) and a component 0…\(system.dimension - 1)")
      }
      return .position(particle: indices[0], component: indices[1])
    }
    if parts.first == "msd", parts.count == 2 {
      let reference = try PositionsFile(path: parts[1], system: system)
      return .meanSquareDisplacement(reference: reference.positions)
    }
    throw UsageError("unknown observable '\(text)'; use energy, position:I:K or msd:FILE")
  }
}
