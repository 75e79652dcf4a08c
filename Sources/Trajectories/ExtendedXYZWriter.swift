import Foundation

/// Writes a trajectory as extended XYZ (the ASE / OVITO convention), one frame after another.
///
/// Each frame is a particle-count line, a comment line such as
/// `Lattice="3.3 0 0 0 3.4 0 0 0 3.5" Properties=species:S:1:pos:R:3:species_name:S:1:sensitivity_diameter:R:3
/// pbc="T T F" step=10 time=0.1 energy=-1.5 max_force=1e-06 species_names="A B"` and one line per
/// particle. Numbers are written in Swift's shortest round-trip form, so reading gives back the same
/// doubles. The keys `species_names`, `length_unit` and `energy_unit` carry what the format has no
/// standard place for; ASE keeps them in `atoms.info`.
///
/// Species: ASE reads the `species` column as chemical symbols and refuses other names, so that
/// column holds a stand-in element per species (H for the first, He for the second, …) and the
/// `species_name` column the real names (`atoms.arrays["species_name"]` in ASE, a property of the
/// same name in OVITO). ``ExtendedXYZReader`` takes the names from `species_name` when present.
///
/// Two-dimensional systems: with ``Layout/embedded`` (the default) they are written as 3D ones in
/// the z = 0 plane, as ASE expects three coordinates: z columns are 0, the third lattice vector is
/// `0 0 1` (unit length, so the cell volume equals the 2D area) and the third `pbc` flag is `F`;
/// extra fields get a zero z component. OVITO shows such a file as a thin 3D slab. With
/// ``Layout/planar`` positions and fields have two components (`pos:R:2`), which OVITO opens as a
/// 2D system and ASE refuses. ``ExtendedXYZReader`` reads both back as 2D when asked for dimension 2.
///
/// The file appears at `path` only after ``finish()`` succeeds; any error removes the temporary file.
public final class ExtendedXYZWriter {
  /// The destination; the file appears here when ``finish()`` succeeds.
  public let path: String
  /// What every frame is checked against.
  public let header: TrajectoryHeader
  /// How two-dimensional systems are laid out.
  public let layout: Layout
  /// The number of frames appended so far.
  public private(set) var frameCount = 0

  /// How a two-dimensional system is written (three-dimensional ones are always written as they are).
  public enum Layout: Sendable {
    /// Three components, z = 0: what ASE reads (OVITO shows a thin slab).
    case embedded
    /// Two components (`pos:R:2`): what OVITO reads as a 2D system (ASE refuses it).
    case planar
  }

  private let atomicFile: AtomicFile
  private var stream: UnsafeMutablePointer<FILE>?
  private var hasFailed = false

  /// Creates the temporary file.
  ///
  /// - Throws: ``TrajectoryError`` when the header is invalid or the directory is missing or unwritable.
  public init(path: String, header: TrajectoryHeader, layout: Layout = .embedded) throws {
    if let problem = header.validationProblem() {
      throw TrajectoryError(.invalidData, path: path, reason: problem)
    }
    self.path = path
    self.header = header
    self.layout = layout
    self.atomicFile = try AtomicFile(destination: path)
    // "x": never follow or reuse an existing file at the temporary name.
    guard let stream = fopen(atomicFile.temporaryPath, "wx") else {
      let reason = String(cString: strerror(errno))
      atomicFile.discard()
      throw TrajectoryError(.cannotCreate, path: path, reason: "cannot create the temporary file: \(reason)")
    }
    self.stream = stream
  }

  /// Appends one frame.
  ///
  /// - Throws: ``TrajectoryError`` when the frame does not match the header or writing fails; the
  ///   file is then abandoned.
  public func append(_ frame: TrajectoryFrame) throws {
    guard let stream, !hasFailed else {
      throw TrajectoryError(.invalidState, path: path, reason: "the writer has already finished or failed")
    }
    if let problem = header.frameProblem(frame) {
      abandon()
      throw TrajectoryError(.inconsistentShape, path: path, reason: problem)
    }
    let text = formatted(frame)
    let bytes = Array(text.utf8)
    guard fwrite(bytes, 1, bytes.count, stream) == bytes.count else {
      let reason = String(cString: strerror(errno))
      abandon()
      throw TrajectoryError(.cannotWrite, path: path, reason: "writing failed: \(reason)")
    }
    frameCount += 1
  }

  /// Flushes and closes the file and moves it to ``path``.
  public func finish() throws {
    guard let stream, !hasFailed else {
      throw TrajectoryError(.invalidState, path: path, reason: "the writer has already finished or failed")
    }
    self.stream = nil
    // fclose flushes; a full disk shows up here.
    guard fclose(stream) == 0 else {
      let reason = String(cString: strerror(errno))
      abandon()
      throw TrajectoryError(.cannotWrite, path: path, reason: "closing failed: \(reason)")
    }
    try atomicFile.commit()
  }

  /// Writes a whole trajectory to `path` in one call.
  public static func write(_ frames: [TrajectoryFrame], header: TrajectoryHeader, to path: String,
                           layout: Layout = .embedded) throws {
    let writer = try ExtendedXYZWriter(path: path, header: header, layout: layout)
    for frame in frames { try writer.append(frame) }
    try writer.finish()
  }

  deinit {
    // Released without finish(): the trajectory is incomplete, so nothing may stay behind.
    if stream != nil { abandon() }
  }

  private func abandon() {
    if let stream { fclose(stream) }
    stream = nil
    hasFailed = true
    atomicFile.discard()
  }

  private func formatted(_ frame: TrajectoryFrame) -> String {
    let d = header.dimension
    let width = columnsPerVector
    let fieldNames = frame.fields.keys.sorted()
    let properties = [ExtendedXYZProperty(name: "species", type: .string, count: 1),
                      ExtendedXYZProperty(name: "pos", type: .real, count: width),
                      ExtendedXYZProperty(name: ExtendedXYZProperty.speciesNameColumn, type: .string, count: 1)]
      + (header.speciesDiameters == nil ? [] : [ExtendedXYZProperty(name: "radius", type: .real, count: 1)])
      + fieldNames.map { ExtendedXYZProperty(name: $0, type: .real, count: width) }
    var entries: [(key: String, value: String)] = [
      ("Lattice", latticeText(frame.box)),
      ("Properties", ExtendedXYZProperty.formatList(properties)),
      ("pbc", (0..<3).map { $0 < d && header.periodic[$0] ? "T" : "F" }.joined(separator: " ")),
      ("step", String(frame.step)),
      ("time", numberText(frame.time)),
    ]
    if let energy = frame.potentialEnergy { entries.append(("energy", numberText(energy))) }
    if let force = frame.maxForceComponent { entries.append(("max_force", numberText(force))) }
    entries.append(("species_names", header.speciesNames.joined(separator: " ")))
    if let diameters = header.speciesDiameters {
      entries.append(("species_diameters", diameters.map(numberText).joined(separator: " ")))
    }
    if !header.lengthUnit.isEmpty { entries.append(("length_unit", header.lengthUnit)) }
    if !header.energyUnit.isEmpty { entries.append(("energy_unit", header.energyUnit)) }

    var text = "\(header.particleCount)\n\(ExtendedXYZCommentLine(entries: entries).formatted)\n"
    for particle in 0..<header.particleCount {
      let species = header.species[particle]
      var columns = [ElementSymbols.symbol(forSpecies: species)]
      columns += vectorText(frame.positions, particle: particle)
      columns.append(header.speciesNames[species])
      if let diameters = header.speciesDiameters { columns.append(numberText(diameters[species] / 2)) }
      for name in fieldNames { columns += vectorText(frame.fields[name]!, particle: particle) }
      text += columns.joined(separator: " ") + "\n"
    }
    return text
  }

  /// Components written per vector: 3, or 2 for a planar 2D layout.
  private var columnsPerVector: Int { layout == .planar ? header.dimension : 3 }

  /// A particle's vector, padding 2D vectors with z = 0 unless the layout is planar.
  private func vectorText(_ values: [Double], particle: Int) -> [String] {
    let d = header.dimension
    return (0..<columnsPerVector).map { $0 < d ? numberText(values[particle * d + $0]) : "0" }
  }

  /// The three edge vectors, row by row (a 2D cell padded with the unit z vector).
  private func latticeText(_ box: SimulationBox) -> String {
    let rows = box.edgeVectorRows
    return (0..<3).flatMap { row in
      (0..<3).map { column -> String in
        if row < box.dimension && column < box.dimension {
          return row == column || rows[row][column] != 0 ? numberText(rows[row][column]) : "0"
        }
        return row == column ? numberText(1) : "0"
      }
    }.joined(separator: " ")
  }
}

/// The shortest text that reads back as the same double (Swift's `description`, e.g. `0.1`, `1e-300`).
func numberText(_ value: Double) -> String { value.description }
