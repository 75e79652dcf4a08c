import Foundation
import Models
import Sensitivity
import Simulation

/// `mdsens sensitivity`: how the minimum moves when a parameter changes, dx*/dθ.
enum SensitivityCommand {
  static let help = """
    USAGE: mdsens sensitivity [SYSTEM.json] --param NAME [options]

    Minimises the system (or takes the minimum given with --positions), then computes the position
    sensitivity dR*/dθ of the minimum with respect to one parameter θ, with a validity report.
    Without SYSTEM.json it uses the built-in paper system (Systems/paper-2d-128.json).

    PARAMETERS (--param):
      diameter             the diameter of one species (--species NAME; default: the species the
                           system file marks "variable", in the paper's system 'small', θ = 0.6)
      epsilon              the energy scale ε of the pair potential
      alpha                the soft-sphere exponent α (or Morse stiffness)
      box                  the box side length L (isotropic scaling)
      packing-fraction     the packing fraction φ (the box follows: dL/dφ = −L/(d·φ))
      strain:C             a strain γ of the cell, C one of xx, yy, zz, yz, xz, xy (F → (I + γe)F; for
                           a shear e has two entries, γ is the engineering shear strain): the
                           sensitivity is the non-affine displacement field (the affine part is e·R)

    OPTIONS:
      --species NAME       the species of --param diameter
      --hold box|packing-fraction
                           what stays fixed while θ changes (default: packing-fraction when the system
                           file gives one, else box); ignored for box and packing-fraction
      --method implicit|unrolled|fd
                           implicit differentiation (default); forward-mode duals through the FIRE
                           iterations from the random start; or central differences re-minimising at
                           θ ± h from the minimum itself
      --solver automatic|cg|minres|gmres|bicgstab|dense
                           linear solver for H J = B (default automatic: conjugate gradients for the
                           positive definite reduced Hessian, dense LU up to 64 components; dense
                           accepts up to 6000 components)
      --jacobi             Jacobi-precondition the linear solver
      --tol X              relative residual tolerance of the linear solve (default 1e-10)
      --h X                finite-difference step of --method fd (default 1e-6)
      --positions FILE     differentiate this minimum (XYZ, H5MD or LAMMPS data/dump, last frame)
                           instead of minimising
      --seed S             seed of the random start (default: the system file's)
      --ftol X             FIRE's force tolerance (default: the system file's)
      --max-steps N        FIRE's step limit (for --method unrolled: the number of unrolled steps)
      --trace K            with --method unrolled: record the L1 norm (normalised coordinates) of the
                           unrolled dx/dθ every K FIRE steps (and at the last step) as "trace":
                           [[step, l1], ...] in --json output (the paper's Fig. 17), and compute the
                           implicit sensitivity at the end point for comparison ("implicit_l1_norm",
                           null when max |F| there exceeds the force tolerance)
      --out PATH           output file (default: Trajectories/<system>-sensitivity-<param>.h5); the
                           sensitivity is stored as /particles/trajectory/sensitivity_<param>/value
                           (physical units) next to the positions, or as an extra XYZ column
      --format h5md|xyz|lammps-data
                           output format (default: from the extension of --out, else h5md)
    \(Arguments.fileHelp)
      --progress           progress on stderr even when it is not a terminal
      --json               print one JSON object instead of the summary
      -h, --help           show this help

    Exit status 0 on success; 1 on bad input, a configuration that is not a minimum, a linear solve
    that does not converge, or a write failure (nothing is written then).
    """

  /// The options that take a value and the flags (shell completions list them too).
  static let valuedOptions: Set<String> = Set(["param", "species", "hold", "method", "solver", "tol", "h", "positions", "seed", "ftol",
               "max-steps", "out", "format", "trace"]).union(Arguments.fileValued)
  static let flagOptions: Set<String> = Set(["json", "help", "jacobi", "progress"]).union(Arguments.fileFlags)

  static func run(_ arguments: [String]) throws -> Int32 {
    let options = try Arguments(arguments, valued: valuedOptions, flags: flagOptions, command: "sensitivity")
    if options.has("help") {
      Output.result(help)
      return 0
    }
    guard options.positional.count <= 1 else {
      throw UsageError("sensitivity takes at most one system file, got \(options.positional.count) arguments")
    }
    return try execute(options).print(asJSON: options.has("json"))
  }

  /// The sensitivity `options` ask for, its output file written.
  static func execute(_ options: Arguments) throws -> CommandReport {
    guard let parameterName = options.values["param"] else {
      throw UsageError("--param is required (diameter, epsilon, alpha, box or packing-fraction)")
    }
    var system = try options.loadSystem()
    let name = system.description.name ?? "system"

    // The parameter and what is held.
    let defaultHold: HeldQuantity = system.description.packingFraction != nil ? .packingFraction : .box
    var held = defaultHold
    if let text = options.values["hold"] {
      guard let chosen = HeldQuantity(rawValue: text) else {
        throw UsageError("--hold must be box or packing-fraction, got '\(text)'")
      }
      held = chosen
    }
    let (parameter, parameterLabel) = try options.sensitivityParameter(of: system)!
    // A box, packing-fraction or strain parameter moves the box itself.
    if parameter.setsTheBox { held = .box }

    // Method and solver.
    let method = options.values["method"] ?? "implicit"
    guard ["implicit", "unrolled", "fd"].contains(method) else {
      throw UsageError("--method must be implicit, unrolled or fd, got '\(method)'")
    }
    let solver = try options.solverChoice()
    let step = try options.number("h", minimum: 0) ?? 1e-6
    let traceInterval = try options.integer("trace")
    if let traceInterval {
      guard traceInterval > 0 else { throw UsageError("--trace must be a positive number of steps") }
      guard method == "unrolled" else { throw UsageError("--trace goes with --method unrolled") }
    }
    guard step > 0 else { throw UsageError("--h must be positive") }

    let format = try options.outputFormat()
    let settings = try options.fileSettings()
    let output = try options.outputPath(defaultName: "\(name)-sensitivity-\(parameterName.replacingOccurrences(of: ":", with: "-"))", format: format,
                                        system: system)
    if method == "fd" {
      do {
        try FiniteDifferenceSensitivity.checkStep(step, model: system.model, parameter: parameter, holding: held)
      } catch {
        throw SystemError("sensitivity: \(error)")
      }
    }

    // The minimum.
    var choice = system.minimizer
    if let tolerance = try options.number("ftol", minimum: 0) { choice.forceTolerance = tolerance }
    if let steps = try options.integer("max-steps") { choice.maximumSteps = steps }
    let seed = try options.seed()
    let start: [Double]
    var minimum: [Double]
    var minimizationSteps = 0
    if let file = options.values["positions"] {
      guard seed == nil else { throw UsageError("give either --positions or --seed, not both") }
      let loaded = try options.positionsFile(file, system: system)
      (system, start) = (loaded.system, loaded.positions)
      minimum = start
    } else {
      if ProgressReport.isWanted(options) { Output.progress("minimising \(name) (\(system.particleCount) particles)...") }
      let found = try system.minimum(
        seed: seed, using: choice, purpose: "no sensitivity computed",
        progress: ProgressReport.callback(options, maximumSteps: choice.maximumSteps,
                                          forceTolerance: choice.forceTolerance))
      (system, start) = (found.system, found.start)
      minimum = found.outcome.positions
      minimizationSteps = found.outcome.steps
    }

    let model = system.model
    let clock = ContinuousClock()
    let began = clock.now
    var result: PositionSensitivity
    let trace = UnrolledTrace()
    do {
      switch method {
      case "unrolled":
        guard case .fire = choice.kind else { throw UsageError("--method unrolled differentiates FIRE; the system's minimiser is \(choice.kind.rawValue)") }
        // Every step is unrolled: no force tolerance stops it early.
        var unrolled = choice
        unrolled.forceTolerance = 0
        if options.values["max-steps"] == nil {
          // Unrolling retraces the minimisation that found x*: as many steps as it took.
          guard options.values["positions"] == nil else {
            throw UsageError("--method unrolled with --positions needs --max-steps: the FIRE steps to unroll from those positions")
          }
          unrolled.maximumSteps = minimizationSteps
        }
        if let traceInterval {
          result = try UnrolledSensitivity.compute(model: model, start: start, parameter: parameter, holding: held,
                                                   using: unrolled, checkpointInterval: traceInterval,
                                                   checkpoint: trace.record)
        } else {
          result = try UnrolledSensitivity.compute(model: model, start: start, parameter: parameter, holding: held,
                                                   using: unrolled)
        }
        minimum = result.positions
      case "fd":
        result = try FiniteDifferenceSensitivity.compute(model: model, positions: minimum, parameter: parameter,
                                                         holding: held, step: step, using: choice)
      default:
        result = try ImplicitSensitivity.compute(model: model, positions: minimum, parameter: parameter, holding: held,
                                                 options: ImplicitOptions(solver: solver))
      }
    } catch let error as SensitivityError {
      throw SystemError("sensitivity: \(error)")
    }
    let elapsed = clock.now - began
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    var comparison: UnrolledTrace.Comparison?
    if traceInterval != nil {
      trace.finish(steps: result.unrolledSteps ?? 0, normalised: result.normalised)
      comparison = trace.implicitComparison(model: model, positions: result.positions, parameter: parameter,
                                            holding: held, solver: solver, forceTolerance: choice.forceTolerance,
                                            unrolled: result.normalised)
    }

    // Output.
    let fieldName = "sensitivity_\(parameterName.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ":", with: "_"))"
    let maximumForce = result.validity?.maximumForce ?? result.finiteDifference.map { max($0.maximumForcePlus, $0.maximumForceMinus) }
    let frame = system.frame(step: minimizationSteps, positions: minimum, energy: nil, maximumForce: maximumForce,
                             fields: [fieldName: result.physical])
    // dR/dθ has the unit of length over θ's: θ a length (diameter, box), ε an energy, α and φ pure numbers.
    let (lengthPower, energyPower) = switch parameterName {
    case "diameter", "box": (1, 0)
    case "epsilon": (0, 1)
    default: (0, 0)
    }
    let unit = settings.units.sensitivityUnit(parameterLengthPower: lengthPower, parameterEnergyPower: energyPower)
    try settings.write([frame], system: system, fieldUnits: [fieldName: unit], to: output, format: format)

    let maxAbs = result.physical.map(abs).max() ?? 0
    let validity = result.validity
    var object: [String: Any] = [
      "system": name, "n_particles": system.particleCount, "param": parameterName, "parameter": parameterLabel,
      "hold": held.rawValue, "method": method, "l1_norm": result.normalisedL1Norm,
      "l1_norm_physical": result.physical.reduce(0) { $0 + abs($1) }, "max_abs": maxAbs,
      "rattlers": result.rattlers, "box": system.boxEdges, "box_length_derivative": result.boxLengthDerivative,
      "seconds": seconds, "minimization_steps": minimizationSteps, "output": output, "field": fieldName,
    ]
    object["max_force"] = maximumForce ?? NSNull()
    if let validity {
      object["solver"] = ["name": validity.root.solver, "iterations": validity.root.solverIterations,
                          "residual": validity.root.solverResidual, "status": validity.root.solverStatus.description,
                          "converged": validity.root.solverStatus == .converged]
      object["zero_modes_removed"] = validity.zeroModesRemoved
      object["smallest_eigenvalue"] = validity.root.smallestEigenvalue ?? NSNull()
      object["error_estimate"] = validity.root.errorEstimate.map { ["position_error": $0.positionError,
                                                               "sensitivity_error": $0.sensitivityError,
                                                               "relative_sensitivity_error": $0.relativeSensitivityError,
                                                               "relative_solve_error": $0.relativeSolveError] as [String: Any] } ?? NSNull()
      object["warnings"] = validity.warnings
    } else {
      object["solver"] = NSNull()
      object["error_estimate"] = NSNull()
    }
    if let fd = result.finiteDifference { object["contact_network_unchanged"] = fd.networkUnchanged }
    if let steps = result.unrolledSteps { object["unrolled_steps"] = steps }
    if let traceInterval, let comparison {
      object["trace_interval"] = traceInterval
      object["trace"] = trace.points.map { [$0.step, $0.l1] as [Any] }
      object.merge(comparison.json) { _, new in new }
    }
    var lines = [
      "mdsens sensitivity: \(name), \(system.particleCount) particles; d x*/d θ for θ = \(parameterLabel), \(held == .box ? "box" : "packing fraction") held, method \(method)",
      "L1 norm of dx/dθ (normalised coordinates x = R/L): \(Output.exact(result.normalisedL1Norm))",
      "max |dR/dθ| (physical): \(Output.short(maxAbs)); dL/dθ = \(Output.short(result.boxLengthDerivative))",
    ]
    if let maximumForce { lines.append("max |F| at the minimum: \(Output.short(maximumForce))") }
    if let validity {
      lines.append("solver \(validity.root.solver): \(validity.root.solverIterations) iterations, relative residual \(Output.short(validity.root.solverResidual)), \(validity.root.solverStatus)")
      lines.append("rattlers: \(validity.rattlers.count)\(validity.rattlers.isEmpty ? "" : " \(validity.rattlers)"); zero modes removed: \(validity.zeroModesRemoved)")
      if let λ = validity.root.smallestEigenvalue { lines.append("smallest non-zero Hessian eigenvalue: \(Output.short(λ))") }
      if let estimate = validity.root.errorEstimate {
        lines.append("a-posteriori error estimate: relative \(Output.short(estimate.relativeSensitivityError)) (solve \(Output.short(estimate.relativeSolveError)))")
      }
    }
    if let fd = result.finiteDifference { lines.append("contact network unchanged at θ ± h: \(fd.networkUnchanged)") }
    if let traceInterval, let comparison {
      lines.append("unrolled L1 every \(traceInterval) steps: \(trace.points.count) points (use --json for the trace)")
      lines.append(comparison.summary)
    }
    lines.append("output: \(output) (\(format.rawValue), field \(fieldName)); \(String(format: "%.3f", seconds)) s")
    return CommandReport(json: object, summary: lines.joined(separator: "\n"), warnings: validity?.warnings ?? [])
  }
}
