import DualNumbers
import Foundation
import Minimization
import Models
import Relaxation
import Simulation
import Trajectories

/// `mdsens minimize`: energy-minimise a system and write the trajectory.
enum MinimizeCommand {
  static let help = """
    USAGE: mdsens minimize [SYSTEM.json] [options]

    Minimises the potential energy of a particle system with FIRE (or the minimiser the system
    file names) and writes the initial and final configurations (and every K-th step with --every)
    to an H5MD or extended XYZ file. Without SYSTEM.json it minimises the built-in default, the
    paper's system (Systems/paper-2d-128.json: 128 harmonic soft discs, phi = 0.98).

    OPTIONS:
      --positions FILE     start from the last frame of an XYZ, H5MD or LAMMPS data/dump file
                           (species by name, LAMMPS types by --type-map; the box from the file's
                           lattice when it has one) instead of a random start
      --out PATH           output file (default: Trajectories/<system name>-minimized.h5)
      --format h5md|xyz|lammps-data
                           output format (default: from the extension of --out, else h5md)
      --ftol X             stop when max |F| component <= X (default: the system file's, else 1e-12)
      --max-steps N        step limit (default: the system file's, else 100000)
      --minimizer NAME     fire (Bitzek et al. 2006, as JAX-MD), fire2 (FIRE 2.0, as LAMMPS's
                           min_style fire), gradient-descent or lbfgs (limited-memory BFGS, memory
                           from the system file's minimizer.memory, default 5) (default: the system
                           file's, else fire)
      --preconditioner automatic|none|long-wavelength[=K]
                           L-BFGS's starting inverse Hessian in a periodic cell: long-wavelength
                           adds k0^2/k^2 on a coarse Fourier grid for the slow collective modes,
                           K = k0*a its crossover (a the mean spacing, default 2); none: gamma*I;
                           automatic: long-wavelength in 2D, none in 3D (default: the system
                           file's minimizer.preconditioner, else automatic)
      --finish none|newton newton: the minimiser to max |F| <= 1e-5, then Newton-Krylov steps on the
                           Hessian to --ftol; where the Hessian is not yet positive definite, the
                           minimiser on to a 10x smaller force first; the minimiser again if
                           Newton fails (default: none)
      --newton-from X      with --finish newton: hand over to Newton at max |F| <= X (default 1e-5)
      --precision double|double-double
                           double-double: minimise in double precision to max |F| <= max(--ftol,
                           1e-12), then run the minimiser in double-double arithmetic (~32 digits) to
                           --ftol (e.g. 1e-20); the output keeps the leading double of each position
      --min-modify K=V,... FIRE 2.0 parameters by LAMMPS's min_modify names (with --minimizer fire2):
                           delaystep, dtgrow, dtshrink, alpha0, alphashrink, tmax, tmin, dmax,
                           vdfmax, halfstepback=yes|no, initialdelay=yes|no, abcfire=yes|no,
                           integrator=eulerimplicit|verlet|leapfrog|eulerexplicit, etol
      --etol X             FIRE 2.0's energy tolerance, as LAMMPS's minimize etol (default 0: off);
                           a run it stops has not reached --ftol (exit status 3)
      --pressure P         relax the periodic cell with the particles to the minimum of the enthalpy
                           E + P*V (P in energy/length^d; the system file's minimizer.pressure):
                           the cell keeps its shape and its pressure becomes P
      --relax-shear        with --pressure: relax every component of the cell (an upper-triangular
                           deformation), so that the stress becomes -P*I: zero shear stress
      --seed S             seed of the uniform random start (default: the system file's, else 0)
      --every K            also record every K-th step in the output
    \(Arguments.fileHelp)
      --progress           progress lines on stderr (rate, steps left, force gap) even when stderr
                           is not a terminal (default: only on a terminal)
      --json               print one JSON object with the result instead of the summary
      -h, --help           show this help

    Exit status: 0 when the force tolerance was reached and the output written; 3 when the run
    stopped without reaching it (the output is still written); 1 on bad input or a write failure.
    """

  /// The options that take a value and the flags (shell completions list them too).
  static let valuedOptions: Set<String> = Set(["positions", "out", "format", "ftol", "max-steps", "seed", "every", "minimizer", "preconditioner", "finish", "newton-from", "precision", "min-modify", "etol", "pressure"]).union(Arguments.fileValued)
  static let flagOptions: Set<String> = Set(["json", "help", "progress", "relax-shear"]).union(Arguments.fileFlags)

  static func run(_ arguments: [String]) throws -> Int32 {
    let options = try Arguments(arguments, valued: valuedOptions, flags: flagOptions, command: "minimize")
    if options.has("help") {
      Output.result(help)
      return 0
    }
    guard options.positional.count <= 1 else {
      throw UsageError("minimize takes at most one system file, got \(options.positional.count) arguments")
    }
    return try execute(options).print(asJSON: options.has("json"))
  }

  /// `automatic`, `none`, `long-wavelength` or `long-wavelength=K` (K = k₀·a > 0).
  static func preconditioner(_ text: String) throws -> PreconditionerChoice {
    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
    var crossover: Double?
    if parts.count == 2 {
      guard parts[0] == "long-wavelength", let value = Double(parts[1]), value.isFinite, value > 0 else {
        throw UsageError("--preconditioner '\(text)': the crossover of long-wavelength=K must be a finite positive number")
      }
      crossover = value
    }
    guard let choice = PreconditionerChoice(name: parts.first ?? "", crossover: crossover) else {
      throw UsageError("--preconditioner '\(text)' is unknown; use \(PreconditionerChoice.names)")
    }
    return choice
  }

  /// The minimisation `options` ask for, its output file written.
  static func execute(_ options: Arguments) throws -> CommandReport {
    var system = try options.loadSystem()
    let name = system.description.name ?? "system"
    let format = try options.outputFormat()
    let settings = try options.fileSettings()
    let output = try options.outputPath(defaultName: "\(name)-minimized", format: format, system: system)
    var choice = system.minimizer
    if let tolerance = try options.number("ftol", minimum: 0) { choice.forceTolerance = tolerance }
    if let steps = try options.integer("max-steps") { choice.maximumSteps = steps }
    if let name = options.values["minimizer"] {
      guard let kind = MinimizerChoice.Kind(rawValue: name) else {
        throw UsageError("--minimizer '\(name)' is unknown; use \(MinimizerChoice.kindNames)")
      }
      choice.kind = kind
    }
    if let text = options.values["preconditioner"] {
      choice.preconditioner = try preconditioner(text)
    }
    try applyFIRE2Options(options, to: &choice)
    let finishName = options.values["finish"] ?? MinimizationFinish.none.rawValue
    guard let finish = MinimizationFinish(rawValue: finishName) else {
      throw UsageError("--finish '\(finishName)' is unknown; use none or newton")
    }
    let interval = try options.integer("every") ?? 0
    let seed = try options.seed()
    let start: [Double]
    if let file = options.values["positions"] {
      guard seed == nil else { throw UsageError("give either --positions or --seed, not both") }
      let loaded = try options.positionsFile(file, system: system)
      (system, start) = (loaded.system, loaded.positions)
    } else {
      (system, start) = try system.startingPositions(seed: seed)
    }

    let precision = options.values["precision"] ?? "double"
    guard precision == "double" || precision == "double-double" else {
      throw UsageError("--precision '\(precision)' is unknown; use double or double-double")
    }
    if let relaxation = try cellRelaxation(options, system: system) {
      guard finish == .none, precision == "double" else {
        throw UsageError("--pressure relaxes the cell with the minimiser alone: --finish newton and --precision double-double are not supported with it")
      }
      return try relaxCell(system: system, start: start, relaxation: relaxation, choice: choice, interval: interval,
                           output: output, format: format, settings: settings, options: options)
    }
    let extended = precision == "double-double"
    let requestedTolerance = choice.forceTolerance
    if extended { choice.forceTolerance = max(requestedTolerance, Self.doublePrecisionFloor) }
    let finished: FinishedMinimization
    let switchForce = try options.number("newton-from", minimum: 0) ?? ParticleModel.newtonSwitchForce
    do {
      finished = try system.model.minimize(from: start, using: choice, finish: finish, switchingAt: switchForce,
                                           recordEvery: interval,
                                           progress: ProgressReport.callback(options, maximumSteps: choice.maximumSteps,
                                                                             forceTolerance: choice.forceTolerance))
    } catch {
      throw SystemError(error.message)
    }
    var outcome = finished.outcome
    var extendedEnergy: DoubleDouble? = nil
    var extendedRun: (steps: Int, seconds: Double) = (0, 0)
    if extended && outcome.converged {
      var fine = choice
      fine.forceTolerance = requestedTolerance
      fine.maximumSteps = max(0, choice.maximumSteps - outcome.steps)
      let run: ExtendedMinimization
      do {
        run = try system.model.minimizeInExtendedPrecision(from: outcome.positions.map { DoubleDouble($0) }, using: fine)
      } catch {
        throw SystemError(error.message)
      }
      outcome.positions = run.positions.map(\.high)
      outcome.energy = run.energy.high
      outcome.maximumForce = run.maximumForce
      outcome.steps += run.steps
      outcome.forceEvaluations += run.forceEvaluations
      outcome.stopReason = run.stopReason
      outcome.seconds += run.seconds
      outcome.frames.append(MinimizationOutcome.Frame(step: outcome.steps, positions: outcome.positions,
                                                      energy: outcome.energy, maximumForce: outcome.maximumForce))
      extendedEnergy = run.energy
      extendedRun = (run.steps, run.seconds)
    }
    choice.forceTolerance = requestedTolerance
    // σ and p = −tr σ/d of the final configuration (periodic cells only: free space has no walls).
    let stress = system.periodic ? system.model.stress(at: outcome.positions) : nil
    let pressure = stress.map(ParticleModel.pressure(of:))
    let frames = outcome.frames.map { recorded -> TrajectoryFrame in
      var frame = system.frame(step: recorded.step, positions: recorded.positions, energy: recorded.energy,
                               maximumForce: recorded.maximumForce)
      // The stress of every stored frame (row-major d×d, energy / length^d) and its pressure, as
      // H5MD observables (a periodic cell only).
      if system.periodic {
        let stress = recorded.step == outcome.steps ? stress! : system.model.stress(at: recorded.positions)
        frame.observables = ["stress": stress.flatMap { $0 }, "pressure": [ParticleModel.pressure(of: stress)]]
      }
      return frame
    }
    try settings.write(frames, system: system, to: output, format: format)

    let box = system.boxEdges.map(Output.short).joined(separator: " × ")
    let preconditioner = choice.kind == .lbfgs
      ? choice.preconditioner.resolved(dimension: system.dimension, periodic: system.periodic) : nil
    return CommandReport(
      json: [
        "system": name, "n_particles": system.particleCount, "dimension": system.dimension,
        "box": system.boxEdges, "periodic": system.periodic, "converged": outcome.converged,
        "stop_reason": outcome.stopReason.rawValue, "steps": outcome.steps, "energy": outcome.energy,
        "max_force": outcome.maximumForce, "force_tolerance": choice.forceTolerance,
        "minimizer": choice.kind.rawValue,
        "preconditioner": preconditioner?.name ?? NSNull(), "crossover": preconditioner?.crossover ?? NSNull(),
        "seconds": outcome.seconds, "output": output,
        "format": format.rawValue, "frames": frames.count, "neighbour_list_builds": outcome.neighbourListBuilds,
        "stress": stress ?? NSNull(), "pressure": pressure ?? NSNull(),
        "force_evaluations": outcome.forceEvaluations, "finish": finish.rawValue,
        "steps_before_newton": finished.stepsBeforeNewton, "newton_steps": finished.newton?.newtonSteps ?? 0,
        "hessian_products": finished.newton?.hessianProducts ?? 0,
        "newton_converged": finished.newton?.converged ?? false,
        "newton_stop": finished.newton?.stop.rawValue ?? NSNull(), "newton_hand_overs": finished.handOvers,
        "newton_truncated_solves": finished.newton?.truncatedSolves ?? 0,
        "newton_contact_network_changes": finished.newton?.contactNetworkChanges ?? 0,
        "newton_max_forces": finished.newton?.maximumForces ?? [],
        "precision": precision, "energy_low_part": extendedEnergy?.low ?? 0,
        "double_double_steps": extendedRun.steps, "double_double_seconds": extendedRun.seconds,
      ],
      summary: """
        mdsens minimize: \(name), \(system.particleCount) particles in \(system.dimension)D, \
        \(system.periodic ? "periodic box" : "free space, start region") \(box)
        \(outcome.converged ? "converged" : "NOT converged (\(outcome.stopReason.rawValue))"): \
        max |F| = \(Output.short(outcome.maximumForce)) (tolerance \(Output.short(choice.forceTolerance))) \
        after \(outcome.steps) \(choice.kind.rawValue) steps in \(String(format: "%.2f", outcome.seconds)) s
        energy: \(Output.exact(outcome.energy))
        max force: \(Output.exact(outcome.maximumForce))\(pressure.map { "\npressure: \(Output.exact($0)) (stress [\(stress!.map { "[" + $0.map(Output.short).joined(separator: ", ") + "]" }.joined(separator: ", "))]), energy/length^\(system.dimension)" } ?? "")
        output: \(output) (\(format.rawValue), \(frames.count) frames)
        """,
      status: outcome.converged ? 0 : 3)
  }

  /// The tightest max |F| a double-precision stage aims at before double-double takes over.
  static let doublePrecisionFloor = 1e-12

  /// Trajectories/<name>.<ext>, creating Trajectories/ in the working directory if needed.
  static func defaultOutput(name: String, format: TrajectoryFormat) throws -> String {
    let directory = "Trajectories"
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw SystemError("cannot create the output directory \(directory): \(error.localizedDescription)")
    }
    return "\(directory)/\(name).\(format.fileExtension)"
  }
}
