import Foundation
import Models
import Sensitivity
import Simulation

/// `mdsens elasticity`: the stiffness tensor of a minimum, its Born and non-affine parts, the moduli.
enum ElasticityCommand {
  static let help = """
    USAGE: mdsens elasticity [SYSTEM.json] [options]

    Minimises the system (or takes the minimum given with --positions) and computes its elastic
    response by implicit differentiation: the stiffness tensor C = C_Born − Ξᵀ H⁺ Ξ / V (Voigt form,
    6 components in 2D, 21 in 3D; C_ijkl as jax_md.elasticity defines it, the energy of a strain ε
    of the cell being U/V + σ:ε + ½ ε:C:ε), its affine (Born) part, the angle-averaged bulk and shear
    moduli B and G (with M, E, ν), the stress and pressure, the contact number Z against the
    isostatic 2d, and the validity of each of the d(d+1)/2 solves, which run as one block solve on
    the rigid network (rattlers removed, rigid-body modes excluded, not regularised).
    Without SYSTEM.json it uses the built-in paper system (Systems/paper-2d-128.json).

    OPTIONS:
      --positions FILE     the minimum (XYZ or H5MD, last frame) instead of minimising
      --seed S, --ftol X, --max-steps N    as for minimize
      --solver automatic|cg|minres|gmres|bicgstab|dense, --tol X, --jacobi    the linear solves
      --param NAME         also the sensitivity of C to a parameter, the box held: diameter (with
                           --species NAME), epsilon or alpha; exact (third derivatives of U along
                           the minimum x*(θ)); prints dC/dθ, dB/dθ and dG/dθ
      --species NAME       the species of --param diameter
      --fields             write the non-affine displacement fields du/dγ of every strain component
                           (per-particle fields nonaffine_xx, nonaffine_yy, nonaffine_xy, …; length
                           per unit strain) next to the positions
      --out PATH           with --fields: the output file (default: Trajectories/<system>-elasticity.h5)
      --format h5md|xyz|lammps-data, --json, -h/--help
      --progress           progress of the minimisation on stderr even when it is not a terminal
    \(Arguments.fileHelp)

    Exit status 0 on success; 1 on bad input, a configuration that is not a minimum, a solve that
    does not converge, or a write failure.
    """

  /// The options that take a value and the flags (shell completions list them too).
  static let valuedOptions: Set<String> = Set(["positions", "seed", "ftol", "max-steps", "solver", "tol", "out", "format",
                                               "param", "species"]).union(Arguments.fileValued)
  static let flagOptions: Set<String> = Set(["json", "help", "jacobi", "fields", "progress"]).union(Arguments.fileFlags)

  static func run(_ arguments: [String]) throws -> Int32 {
    let options = try Arguments(arguments, valued: valuedOptions, flags: flagOptions, command: "elasticity")
    if options.has("help") {
      Output.result(help)
      return 0
    }
    guard options.positional.count <= 1 else { throw UsageError("elasticity takes at most one system file") }
    return try execute(options).print(asJSON: options.has("json"))
  }

  /// The elastic response `options` ask for, the non-affine fields written with `--fields`.
  static func execute(_ options: Arguments) throws -> CommandReport {
    var system = try options.loadSystem()
    let name = system.description.name ?? "system"
    guard system.periodic else { throw UsageError("elasticity needs a periodic system") }
    if !options.has("fields") && (options.values["out"] != nil || options.values["format"] != nil) {
      throw UsageError("--out and --format go with --fields")
    }
    let format = try options.outputFormat()
    let settings = try options.fileSettings()
    let output = options.has("fields")
      ? try options.outputPath(defaultName: "\(name)-elasticity", format: format, system: system) : nil
    let solver = try options.solverChoice()
    let parameter = try options.sensitivityParameter(of: system)

    let minimum: [Double]
    if let file = options.values["positions"] {
      guard options.values["seed"] == nil else { throw UsageError("give either --positions or --seed, not both") }
      let loaded = try PositionsFile(path: file, system: system)
      (system, minimum) = (loaded.system, loaded.positions)
    } else {
      var choice = system.minimizer
      if let tolerance = try options.number("ftol", minimum: 0) { choice.forceTolerance = tolerance }
      if let steps = try options.integer("max-steps") { choice.maximumSteps = steps }
      if ProgressReport.isWanted(options) { Output.progress("minimising \(name) (\(system.particleCount) particles)...") }
      let found = try system.minimum(
        seed: try options.seed(), using: choice, purpose: "no elastic constants computed",
        progress: ProgressReport.callback(options, maximumSteps: choice.maximumSteps, forceTolerance: choice.forceTolerance))
      (system, minimum) = (found.system, found.outcome.positions)
    }

    let clock = ContinuousClock()
    let began = clock.now
    let response: ElasticResponse
    var sensitivity: ElasticSensitivity?
    do {
      if let parameter {
        sensitivity = try ElasticSensitivity.compute(model: system.model, positions: minimum,
                                                     parameter: parameter.parameter, options: ImplicitOptions(solver: solver))
        response = sensitivity!.response
      } else {
        response = try ElasticResponse.compute(model: system.model, positions: minimum,
                                               options: ImplicitOptions(solver: solver))
      }
    } catch {
      throw SystemError("elasticity: \(error)")
    }
    let elapsed = clock.now - began
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let strains = StrainComponent.components(dimension: system.dimension)

    if let output {
      var fields = [String: [Double]]()
      var units = [String: String]()
      for (strain, field) in zip(strains, response.nonAffineFields) {
        fields["nonaffine_\(strain.rawValue)"] = field.physical
        units["nonaffine_\(strain.rawValue)"] = settings.units.unit(lengthPower: 1, energyPower: 0)
      }
      let frame = system.frame(step: 0, positions: minimum, energy: nil,
                               maximumForce: response.nonAffineFields.first?.validity?.maximumForce, fields: fields)
      try settings.write([frame], system: system, fieldUnits: units, to: output, format: format)
    }

    let constants = response.constants
    var object: [String: Any] = [
      "system": name, "n_particles": system.particleCount, "dimension": system.dimension,
      "strain_components": strains.map(\.rawValue),
      "voigt": constants.voigt, "born_voigt": response.born.voigt,
      "bulk_modulus": constants.bulkModulus, "shear_modulus": constants.shearModulus,
      "longitudinal_modulus": constants.longitudinalModulus, "young_modulus": constants.youngModulus,
      "poisson_ratio": constants.poissonRatio,
      "born_bulk_modulus": response.born.bulkModulus, "born_shear_modulus": response.born.shearModulus,
      "stress": response.stress, "pressure": response.pressure, "volume": response.volume,
      "contact_number": response.contacts.backboneMeanContactNumber,
      "isostatic_contact_number": response.contacts.finiteSizeIsostaticContactNumber,
      "excess_contact_number": response.contacts.excessContactNumber,
      "rattlers": response.rattlers, "relaxation_asymmetry": response.relaxationAsymmetry, "seconds": seconds,
    ]
    object["solves"] = zip(strains, response.nonAffineFields).map { strain, field -> [String: Any] in
      let root = field.validity?.root
      return ["strain": strain.rawValue, "solver": root?.solver ?? "", "iterations": root?.solverIterations ?? 0,
              "residual": root?.solverResidual ?? 0, "status": root?.solverStatus.description ?? "",
              "smallest_eigenvalue": root?.smallestEigenvalue ?? NSNull(),
              "warnings": field.validity?.warnings ?? []]
    }
    object["output"] = output ?? NSNull()
    if let sensitivity, let parameter {
      object["parameter"] = parameter.label
      object["derivative"] = ["voigt": sensitivity.derivative.voigt, "bulk_modulus": sensitivity.derivative.bulkModulus,
                              "shear_modulus": sensitivity.derivative.shearModulus] as [String: Any]
    }
    let header = strains.map { $0.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined()
    var lines = [
      "mdsens elasticity: \(name), \(system.particleCount) particles in \(system.dimension)D",
      "stiffness tensor C (Voigt, energy/length^\(system.dimension)), rows and columns \(strains.map(\.rawValue).joined(separator: " ")):",
      "      " + header,
    ]
    for (strain, row) in zip(strains, constants.voigt) {
      lines.append(strain.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
                   + row.map { Output.short($0).padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
    }
    lines += [
      "bulk modulus B = \(Output.short(constants.bulkModulus)) (Born \(Output.short(response.born.bulkModulus))); shear modulus G = \(Output.short(constants.shearModulus)) (Born \(Output.short(response.born.shearModulus)))",
      "M = \(Output.short(constants.longitudinalModulus)), E = \(Output.short(constants.youngModulus)), ν = \(Output.short(constants.poissonRatio))",
      "pressure p = \(Output.short(response.pressure)); contact number Z′ = \(Output.short(response.contacts.backboneMeanContactNumber)) (isostatic \(Output.short(response.contacts.finiteSizeIsostaticContactNumber)), ΔZ = \(Output.short(response.contacts.excessContactNumber))); rattlers: \(response.rattlers.count)",
    ]
    for (strain, field) in zip(strains, response.nonAffineFields) {
      if let root = field.validity?.root {
        lines.append("solve \(strain.rawValue): \(root.solver), \(root.solverIterations) iterations, relative residual \(Output.short(root.solverResidual)), \(root.solverStatus)")
      }
      for warning in field.validity?.warnings ?? [] { lines.append("warning (\(strain.rawValue)): \(warning)") }
    }
    if let sensitivity, let parameter {
      lines.append("d/dθ for θ = \(parameter.label), box held: dB/dθ = \(Output.short(sensitivity.derivative.bulkModulus)), dG/dθ = \(Output.short(sensitivity.derivative.shearModulus)); dC/dθ (Voigt):")
      for (strain, row) in zip(strains, sensitivity.derivative.voigt) {
        lines.append(strain.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
                     + row.map { Output.short($0).padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
      }
    }
    if let output { lines.append("output: \(output) (\(format.rawValue), fields nonaffine_*)") }
    lines.append(String(format: "%.3f s", seconds))
    return CommandReport(json: object, summary: lines.joined(separator: "\n"))
  }
}
