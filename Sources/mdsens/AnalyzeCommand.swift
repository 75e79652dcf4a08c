import Analysis
import Foundation
import Simulation

/// `mdsens analyze`: contacts, pressure, vibrational spectrum, soft modes and structure of a minimum.
enum AnalyzeCommand {
  static let help = """
    USAGE: mdsens analyze [SYSTEM.json] --positions FILE [options]

    Analyses a minimum (XYZ or H5MD, last frame): contact network, Z and Z − Z_iso with and without
    rattlers, rattlers, virial pressure; on request the vibrational density of states D(ω) (kernel
    polynomial method on the matrix-free Hessian, with error bars), the lowest modes (shift-invert
    Lanczos: frequency, participation ratio, displacement field), S(k) (FFTW) and g(r).
    Without SYSTEM.json it uses the built-in paper system (Systems/paper-2d-128.json).

    OPTIONS:
      --positions FILE     the minimum to analyse (required)
      --dos                the density of vibrational states D(ω)
      --moments M          Chebyshev moments of D(ω) (default 256: resolution ≈ π ω_max²/M in ω²)
      --vectors R          random vectors of D(ω) (default 16; the error bar falls as 1/√R)
      --modes K            the K lowest vibrational modes, written as fields mode_1 … mode_K
      --structure-factor   S(k) and the species-resolved S_ab(k), radially averaged
      --k-max X            the largest wavenumber of S(k) (default 4π / smallest diameter)
      --gr R               g(r) up to distance R
      --out PATH           output file (default: Trajectories/<system>-analysis.h5): the positions
                           with the modes as /particles/trajectory/mode_<k>/value (unit vectors) and, in
                           H5MD, the curves and counts under /observables (pressure, contact_numbers,
                           dos_omega, dos_density, dos_error, mode_frequencies, structure_factor_k,
                           structure_factor, structure_factor_<a>_<b>, pair_correlation_r/_g)
      --format h5md|xyz    output format (default: from the extension of --out, else h5md)
      --json               print one JSON object (every curve included) instead of the summary
      -h, --help           show this help

    Exit status 0 on success; 1 on bad input, a configuration that is not a minimum when the
    spectrum is asked for (max |F| > 1e-6), or a write failure (nothing is written then).
    """

  /// The options that take a value and the flags (shell completions list them too).
  static let valuedOptions: Set<String> = ["positions", "moments", "vectors", "modes", "k-max", "gr", "out", "format"]
  static let flagOptions: Set<String> = ["json", "help", "dos", "structure-factor"]

  static func run(_ arguments: [String]) throws -> Int32 {
    let options = try Arguments(arguments, valued: valuedOptions, flags: flagOptions, command: "analyze")
    if options.has("help") {
      Output.result(help)
      return 0
    }
    guard options.positional.count <= 1 else {
      throw UsageError("analyze takes at most one system file, got \(options.positional.count) arguments")
    }
    return try execute(options).print(asJSON: options.has("json"))
  }

  /// The analysis `options` ask for, its output file written.
  static func execute(_ options: Arguments) throws -> CommandReport {
    guard let file = options.values["positions"] else { throw UsageError("--positions is required: the minimum to analyse") }
    var system = try options.loadSystem()
    let name = system.description.name ?? "system"
    let moments = try options.integer("moments") ?? 256
    guard moments >= 8 else { throw UsageError("--moments must be at least 8") }
    let vectors = try options.integer("vectors") ?? 16
    guard vectors >= 2 else { throw UsageError("--vectors must be at least 2 (the error bar needs two)") }
    let modes = try options.integer("modes") ?? 0
    if options.values["modes"] != nil, modes < 1 { throw UsageError("--modes must be a positive number of modes") }
    let reach = try options.number("k-max", minimum: 0)
    if reach != nil, !options.has("structure-factor") { throw UsageError("--k-max goes with --structure-factor") }
    if reach == 0 { throw UsageError("--k-max must be positive") }
    let range = try options.number("gr", minimum: 0)
    if range == 0 { throw UsageError("--gr must be a positive distance") }
    if let range, system.periodic, range > (system.boxEdges.min() ?? 0) / 2 {
      throw UsageError("--gr \(range) exceeds half the smallest box edge \((system.boxEdges.min() ?? 0) / 2)")
    }
    if options.has("structure-factor"), !system.periodic { throw UsageError("--structure-factor needs a periodic box") }
    let format = try options.outputFormat()
    let output = try options.outputPath(defaultName: "\(name)-analysis", format: format, system: system)
    let loaded = try PositionsFile(path: file, system: system)
    system = loaded.system
    let model = system.model
    if modes > model.degreesOfFreedom { throw UsageError("--modes \(modes) exceeds the \(model.degreesOfFreedom) degrees of freedom") }

    let smallest = system.speciesDiameters.min() ?? 1
    let settings = AnalysisOptions(
      densityOfStates: options.has("dos"), momentCount: moments, randomVectors: vectors, modeCount: modes,
      structureFactorReach: options.has("structure-factor") ? reach ?? 4 * Double.pi / smallest : nil,
      pairCorrelationReach: range)
    let analysis: MinimumAnalysis
    do {
      analysis = try MinimumAnalysis(model: model, positions: loaded.positions, species: system.speciesOfParticle,
                                     options: settings)
    } catch let error as AnalysisError {
      throw SystemError("analyze: \(error)")
    }

    // The positions with the modes as fields, written only once everything is computed.
    var fields = [String: [Double]]()
    var units = [String: String]()
    for (index, mode) in (analysis.lowestModes?.modes ?? []).enumerated() {
      fields["mode_\(index + 1)"] = mode.displacement
      units["mode_\(index + 1)"] = ""
    }
    var frame = system.frame(step: 0, positions: loaded.positions, energy: analysis.energy,
                             maximumForce: analysis.maximumForce, fields: fields)
    if format == .h5md { frame.observables = analysis.observables }
    try writeTrajectory([frame], header: system.trajectoryHeader(fieldUnits: units), to: output, format: format)

    let contacts = analysis.contacts
    let d = model.dimension
    var object: [String: Any] = [
      "system": name, "n_particles": system.particleCount, "dimension": d, "box": system.boxEdges,
      "energy": analysis.energy, "max_force": analysis.maximumForce, "pressure": analysis.pressure,
      "output": output, "seconds": analysis.seconds,
      "contacts": [
        "n_contacts": contacts.contactCount, "n_backbone_contacts": contacts.backboneContactCount,
        "z": contacts.meanContactNumber, "z_backbone": contacts.backboneMeanContactNumber,
        "z_iso": contacts.isostaticContactNumber, "z_iso_finite_size": contacts.finiteSizeIsostaticContactNumber,
        "delta_z": contacts.excessContactNumber,
        "delta_z_including_rattlers": contacts.excessContactNumberIncludingRattlers, "rattlers": contacts.rattlers,
        "contact_numbers": contacts.contactNumbers,
      ] as [String: Any],
    ]
    if let dos = analysis.densityOfStates {
      object["dos"] = ["omega": dos.frequencies, "density": dos.density, "error": dos.standardError,
                       "moments": dos.moments.count, "vectors": dos.moments.samples.count,
                       "hessian_products": dos.hessianProducts,
                       "lambda_interval": [dos.moments.lower, dos.moments.upper]] as [String: Any]
    }
    if let lowest = analysis.lowestModes {
      object["modes"] = lowest.modes.enumerated().map { index, mode in
        ["field": "mode_\(index + 1)", "eigenvalue": mode.eigenvalue, "frequency": mode.frequency,
         "participation_ratio": mode.participationRatio(dimension: d), "residual": mode.residual] as [String: Any]
      }
      object["modes_lanczos"] = ["steps": lowest.steps, "solver_iterations": lowest.solverIterations,
                                 "converged": lowest.converged] as [String: Any]
    }
    if let factor = analysis.structureFactor {
      object["structure_factor"] = ["k": factor.wavenumbers, "s": factor.values, "modes": factor.modeCounts,
                                    "partial": factor.partial, "species": system.speciesNames] as [String: Any]
    }
    if let g = analysis.pairCorrelation { object["pair_correlation"] = ["r": g.distances, "g": g.values] }
    var lines = [
      "mdsens analyze: \(name), \(system.particleCount) particles in \(d)D",
      "E = \(Output.short(analysis.energy)), max |F| = \(Output.short(analysis.maximumForce)), pressure p = \(Output.short(analysis.pressure))",
      "contacts: \(contacts.contactCount); Z = \(Output.short(contacts.meanContactNumber)) (all particles), Z′ = \(Output.short(contacts.backboneMeanContactNumber)) without \(contacts.rattlers.count) rattlers",
      "Z_iso = \(2 * d), finite size 2d − (2d − 2)/N′ = \(Output.short(contacts.finiteSizeIsostaticContactNumber)); ΔZ = Z′ − Z_iso(N′) = \(Output.short(contacts.excessContactNumber)) (with rattlers Z − Z_iso(N) = \(Output.short(contacts.excessContactNumberIncludingRattlers)))",
    ]
    if let dos = analysis.densityOfStates {
      let peak = dos.density.indices.max { dos.density[$0] < dos.density[$1] } ?? 0
      lines.append("D(ω): \(dos.moments.count) moments × \(dos.moments.samples.count) vectors on ω ∈ [0, \(Output.short(dos.frequencies.last ?? 0))], peak at ω = \(Output.short(dos.frequencies[peak])) (use --json for the curve)")
    }
    if let lowest = analysis.lowestModes {
      lines.append("lowest modes (shift-invert Lanczos, \(lowest.steps) steps, \(lowest.solverIterations) CG iterations):")
      for (index, mode) in lowest.modes.enumerated() {
        lines.append("  mode_\(index + 1): λ = \(Output.short(mode.eigenvalue)), ω = \(Output.short(mode.frequency)), participation \(Output.short(mode.participationRatio(dimension: d))), residual \(Output.short(mode.residual))")
      }
    }
    if let factor = analysis.structureFactor, let first = factor.values.first {
      let peak = factor.values.indices.max { factor.values[$0] < factor.values[$1] } ?? 0
      lines.append("S(k): \(factor.values.count) shells, S(k_min = \(Output.short(factor.wavenumbers[0]))) = \(Output.short(first)), first peak S = \(Output.short(factor.values[peak])) at k = \(Output.short(factor.wavenumbers[peak]))")
    }
    if let g = analysis.pairCorrelation {
      let peak = g.values.indices.max { g.values[$0] < g.values[$1] } ?? 0
      lines.append("g(r): peak \(Output.short(g.values[peak])) at r = \(Output.short(g.distances[peak]))")
    }
    lines.append("output: \(output) (\(format.rawValue))")
    return CommandReport(json: object, summary: lines.joined(separator: "\n"))
  }
}
