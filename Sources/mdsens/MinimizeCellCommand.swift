import Foundation
import Models
import Simulation
import Trajectories

/// `mdsens minimize --pressure P [--relax-shear]` and the FIRE 2.0 options of `minimize`.
extension MinimizeCommand {
  /// `--min-modify K=V,...` and `--etol X` on top of the system file's FIRE 2.0 settings.
  static func applyFIRE2Options(_ options: Arguments, to choice: inout MinimizerChoice) throws {
    var pairs: [(FIRE2Keyword, String)] = []
    if let text = options.values["min-modify"] {
      for item in text.split(separator: ",", omittingEmptySubsequences: false) {
        let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let keyword = FIRE2Keyword(rawValue: parts[0]) else {
          let names = FIRE2Keyword.allCases.map(\.rawValue).joined(separator: ", ")
          throw UsageError("--min-modify takes KEYWORD=VALUE pairs separated by commas, keywords \(names); got '\(item)'")
        }
        pairs.append((keyword, parts[1]))
      }
    }
    if let text = options.values["etol"] { pairs.append((.etol, text)) }
    guard !pairs.isEmpty else { return }
    guard choice.kind == .fire2 else {
      throw UsageError("--min-modify and --etol set FIRE 2.0's parameters; use --minimizer fire2 (the minimiser is \(choice.kind.rawValue))")
    }
    for (keyword, text) in pairs {
      guard let value = keyword.value(parsing: text) else {
        throw UsageError("--min-modify \(keyword.rawValue): '\(text)' is not \(keyword.isFlag ? "yes or no" : "a number")")
      }
      do { try choice.set(keyword, to: value) } catch { throw UsageError("--\(keyword == .etol && options.values["etol"] != nil ? "" : "min-modify ")\(error.message)") }
    }
  }

  /// The cell relaxation `--pressure` / `--relax-shear` ask for, else the system file's, else nil.
  static func cellRelaxation(_ options: Arguments, system: ParticleSystem) throws -> CellRelaxation? {
    var relaxation = system.cellRelaxation
    if let pressure = try options.number("pressure") {
      relaxation = CellRelaxation(pressure: pressure, freedom: relaxation?.freedom ?? .isotropic)
    }
    if options.has("relax-shear") {
      guard relaxation != nil else { throw UsageError("--relax-shear needs a target pressure: give --pressure P") }
      relaxation?.freedom = .full
    }
    if let relaxation {
      do { try relaxation.check(for: system.model) } catch { throw UsageError("--pressure: \(error.message)") }
    }
    return relaxation
  }

  /// Relaxes particles and cell to the target pressure, writes the frames (each in its own cell)
  /// and reports the final cell, stress and enthalpy.
  static func relaxCell(system: ParticleSystem, start: [Double], relaxation: CellRelaxation, choice: MinimizerChoice,
                        interval: Int, output: String, format: TrajectoryFormat, settings: FileSettings,
                        options: Arguments) throws -> CommandReport {
    let outcome: CellRelaxationOutcome
    do {
      outcome = try system.model.relaxCell(
        from: start, to: relaxation, using: choice, recordEvery: interval,
        progress: ProgressReport.callback(options, maximumSteps: choice.maximumSteps, forceTolerance: choice.forceTolerance))
    } catch {
      throw SystemError(error.message)
    }
    let relaxed = system.inCell(of: outcome.model)
    var frames = outcome.frames.map { recorded -> TrajectoryFrame in
      let cell = system.inCell(of: recorded.model)
      var frame = cell.frame(step: recorded.step, positions: recorded.positions, energy: recorded.energy,
                             maximumForce: recorded.maximumForce)
      let stress = recorded.step == outcome.steps ? outcome.stress : recorded.model.stress(at: recorded.positions)
      frame.observables = ["stress": stress.flatMap { $0 }, "pressure": [ParticleModel.pressure(of: stress)]]
      return frame
    }
    // An H5MD box series keeps one form: an orthorhombic start of a cell that relaxed into a
    // triclinic one is left out (the extended XYZ output keeps every frame's own cell).
    let finalForm = frames.last!.box.isOrthorhombic
    var warnings: [String] = []
    if format == .h5md, frames.contains(where: { $0.box.isOrthorhombic != finalForm }) {
      warnings.append("the recorded frames with an orthorhombic cell are left out of \(output): H5MD keeps one form of box, and the relaxed cell is triclinic")
      frames.removeAll { $0.box.isOrthorhombic != finalForm }
    }
    try settings.write(frames, system: relaxed, to: output, format: format)

    let name = system.description.name ?? "system"
    let edges = outcome.model.edgeVectors
    let cell = edges.map { "(" + $0.map(Output.short).joined(separator: ", ") + ")" }.joined(separator: ", ")
    return CommandReport(
      json: [
        "system": name, "n_particles": system.particleCount, "dimension": system.dimension,
        "box": outcome.model.boxEdges, "edge_vectors": edges, "deformation": outcome.model.deformation ?? NSNull(),
        "volume": outcome.model.boxVolume, "periodic": true, "converged": outcome.converged,
        "stop_reason": outcome.stopReason.rawValue, "steps": outcome.steps, "energy": outcome.energy,
        "enthalpy": outcome.enthalpy, "target_pressure": relaxation.pressure, "cell": relaxation.freedom.rawValue,
        "max_force": outcome.maximumForce, "max_cell_force": outcome.maximumCellForce,
        "stress_residual": outcome.stressResidual, "force_tolerance": choice.forceTolerance,
        "minimizer": choice.kind.rawValue, "seconds": outcome.seconds, "output": output, "format": format.rawValue,
        "frames": frames.count, "neighbour_list_builds": outcome.neighbourListBuilds, "stress": outcome.stress,
        "pressure": outcome.pressure, "force_evaluations": outcome.forceEvaluations, "finish": "none",
        "precision": "double",
      ],
      summary: """
        mdsens minimize: \(name), \(system.particleCount) particles in \(system.dimension)D, periodic cell relaxed \
        \(relaxation.freedom == .full ? "in every component" : "isotropically") to pressure \(Output.short(relaxation.pressure))
        \(outcome.converged ? "converged" : "NOT converged (\(outcome.stopReason.rawValue))"): \
        max |F| = \(Output.short(outcome.maximumForce)), max cell force \(Output.short(outcome.maximumCellForce)) \
        (tolerance \(Output.short(choice.forceTolerance))) after \(outcome.steps) \(choice.kind.rawValue) steps in \
        \(String(format: "%.2f", outcome.seconds)) s
        energy: \(Output.exact(outcome.energy)); enthalpy E + P·V: \(Output.exact(outcome.enthalpy))
        pressure: \(Output.exact(outcome.pressure)) (stress [\(outcome.stress.map { "[" + $0.map(Output.short).joined(separator: ", ") + "]" }.joined(separator: ", "))], \
        largest |σ + P·I| on the relaxed components \(Output.short(outcome.stressResidual)))
        cell: edge vectors \(cell); volume \(Output.exact(outcome.model.boxVolume)); packing fraction \(Output.short(outcome.model.packingFraction))
        output: \(output) (\(format.rawValue), \(frames.count) frames)
        """,
      warnings: warnings, status: outcome.converged ? 0 : 3)
  }
}
