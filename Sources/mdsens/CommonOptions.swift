import Foundation
import ImplicitDifferentiation
import Simulation
import Trajectories

/// Options several commands share, parsed one way.
extension Arguments {
  /// `--seed S`, or nil.
  func seed() throws -> UInt64? {
    try values["seed"].map { text in
      guard let seed = UInt64(text) else { throw UsageError("--seed must be a whole number ≥ 0, got '\(text)'") }
      return seed
    }
  }

  /// `--out`, or `Trajectories/<defaultName>.<ext>`, checked before any work is done: it must be a
  /// regular file or absent (a device or FIFO would be replaced by the rename that completes a
  /// write), and it must not be one of the inputs (the system file, its positions file,
  /// `--positions`, or `extraInputs`), under any spelling of the path.
  func outputPath(defaultName: String, format: TrajectoryFormat, system: ParticleSystem,
                  extraInputs: [String] = []) throws -> String {
    let output = try values["out"] ?? MinimizeCommand.defaultOutput(name: defaultName, format: format)
    var inputs = positional + extraInputs
    if let positions = values["positions"] { inputs.append(positions) }
    if let file = system.description.initial?.positions {
      inputs.append(system.baseDirectory.map { URL(fileURLWithPath: file, relativeTo: $0).path } ?? file)
    }
    do {
      try TrajectoryOutput.checkDestination(output)
      try TrajectoryOutput.refuseOverwriting(inputs: inputs, destination: output)
    } catch let error as TrajectoryError {
      throw UsageError("--out \(output) \(error.reason)")
    }
    // A format guessed from an unknown extension would surprise: name the choice instead.
    if values["format"] == nil, values["out"] != nil, TrajectoryFormat(recognising: output) == nil {
      throw UsageError("--out \(output): unknown extension; use .h5 (H5MD), .xyz (extended XYZ) or .data (LAMMPS), or give --format")
    }
    return output
  }

  /// `--format h5md|xyz`, else the extension of `--out` (.h5/.h5md/.hdf5 or .xyz/.extxyz; another
  /// extension is refused by ``outputPath(defaultName:format:system:extraInputs:)``), else H5MD.
  func outputFormat() throws -> TrajectoryFormat {
    if let text = values["format"] {
      guard let chosen = TrajectoryFormat(rawValue: text) else {
        throw UsageError("--format must be h5md, xyz or lammps-data, got '\(text)'")
      }
      return chosen
    }
    return values["out"].flatMap(TrajectoryFormat.init(recognising:)) ?? .h5md
  }

  /// The options of every command that writes a trajectory file: who wrote it, how its units are
  /// stated, and how a 2D system is laid out for readers that want 3D.
  static let fileValued: Set<String> = ["author", "units", "lammps-style", "type-map"]
  static let fileFlags: Set<String> = ["embed-3d", "xyz-planar"]
  static let fileHelp = """
      --author NAME        the H5MD author (default: the login name, else 'unknown')
      --units reduced|molecular
                           how units are stated (the numbers never change): reduced (default; no
                           unit strings, units module system 'reduced') or molecular (σ = 1 nm,
                           ε = 1 kJ/mol, one step = 1 ps; what MDAnalysis converts by default)
      --embed-3d           write a 2D system as the z = 0 layer of a 3D box with a periodic z edge
                           of 1 (for 3D-only readers such as MDAnalysis)
      --xyz-planar         extended XYZ of a 2D system with 2 columns per vector (OVITO shows a 2D
                           cell; ASE refuses it); default: 3 columns with z = 0 (ASE)
      --lammps-style atomic|sphere
                           atom style of a LAMMPS data output (--format lammps-data or .data;
                           the last frame; default sphere: diameters per atom, mass 1)
      --type-map T=NAME,...
                           species of the atom types of a LAMMPS --positions file (.data/.lmp or
                           .dump/.lammpstrj); default: the names mdsens writes, else by diameter
    """

  /// `--type-map 1=small,2=large`, or nil.
  func typeMap() throws -> LAMMPSTypeMap? {
    try values["type-map"].map { text in
      do { return try LAMMPSTypeMap(parsing: text) } catch { throw UsageError("\(error)") }
    }
  }

  /// The positions file `path` matched to `system`, LAMMPS types by `--type-map`.
  func positionsFile(_ path: String, system: ParticleSystem) throws -> PositionsFile {
    try PositionsFile(path: path, system: system, typeMap: typeMap())
  }

  /// The settings the file options give.
  func fileSettings() throws -> FileSettings {
    var settings = FileSettings()
    settings.author = values["author"]
    if let text = values["units"] {
      guard let units = UnitConvention(rawValue: text) else {
        throw UsageError("--units must be reduced or molecular, got '\(text)'")
      }
      settings.units = units
    }
    if has("embed-3d") { settings.embedding = PlanarEmbedding() }
    if let text = values["lammps-style"] {
      guard let style = LAMMPSDataFile.AtomStyle(rawValue: text) else {
        throw UsageError("--lammps-style must be atomic or sphere, got '\(text)'")
      }
      settings.lammpsStyle = style
    }
    if has("xyz-planar") {
      guard !has("embed-3d") else { throw UsageError("give either --embed-3d or --xyz-planar, not both") }
      settings.xyzLayout = .planar
    }
    return settings
  }

  /// `--solver`, `--tol` and `--jacobi` of the linear solve H J = B (or the adjoint H w = g).
  func solverChoice() throws -> SolverChoice {
    var solver = SolverChoice()
    if let text = values["solver"] {
      guard let chosen = SolverChoice.Method(rawValue: text) else {
        let names = SolverChoice.Method.allCases.map(\.rawValue).joined(separator: ", ")
        throw UsageError("--solver must be one of \(names), got '\(text)'")
      }
      solver.method = chosen
    }
    if let tolerance = try number("tol", minimum: 0) {
      // A relative residual of 1 is met by x = 0: a tolerance ≥ 1 accepts any answer.
      guard tolerance > 0, tolerance < 1 else {
        throw UsageError("--tol is a relative residual and must lie strictly between 0 and 1, got \(tolerance)")
      }
      solver.tolerance = tolerance
    }
    solver.jacobi = has("jacobi")
    return solver
  }
}
