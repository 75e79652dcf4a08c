import CHDF5
import Foundation

/// Writes a trajectory as an H5MD 1.1 file (HDF5), frame by frame.
///
/// Layout: `/h5md` (`version` = [1, 1], `author`/`name` (never empty: ``TrajectoryHeader/anonymousAuthor``
/// stands in), `creator`/`name`, `version`, and the units module `/h5md/modules/units` with
/// `version` = [1, 0] and `system` = ``TrajectoryHeader/unitSystem``);
/// `/particles/trajectory/position/{step,time,value}` with value shape [frames, N, d] (the group
/// named as MDAnalysis expects it);
/// `/particles/trajectory/box` (`dimension`, `boundary`) with the time-dependent `edges` of shape [frames, d],
/// whose `step` and `time` are hard links to the position's, as H5MD asks;
/// `/particles/trajectory/species` (int, N) whose `names` attribute lists the species names;
/// `/observables/potential_energy` and `/observables/max_force` (time-dependent scalars), created
/// only when a frame carries them (MDAnalysis refuses empty observables), and named array
/// observables (`/observables/<name>`, one row per frame);
/// every extra field as `/particles/trajectory/<name>/{step,time,value}`, hard-linked as the
/// observable `/observables/trajectory/<name>` when every frame has it (MDAnalysis's `ts.data`).
/// Value datasets carry `unit` and the position's `time` carries the time unit, when the header has them: H5MD's convention that a
/// dataset without `unit` is dimensionless, or in the reduced units the units module names.
/// Two-dimensional systems are stored with d = 2 and `dimension` = 2.
///
/// The file appears at `path` only after ``finish()`` succeeds. Any error removes the temporary
/// file and leaves the writer unusable, so a destination never holds a partial trajectory.
///
/// libhdf5 builds the file in memory (the core driver, without a backing store) and ``finish()``
/// writes the finished image to the temporary file with plain `write(2)`. libhdf5 itself therefore
/// never meets a failing disk: in libhdf5 1.10 a file close whose flush fails (a full disk, a file
/// size limit) frees the file but leaves its identifier registered, and the library's exit handler
/// then crashes on it. A full disk is instead reported by ``finish()`` as `.cannotWrite`. The memory
/// used is the size of the file, which is about the size of the frames appended.
/// All libhdf5 calls are serialised (the library is not thread-safe), so writers may be used from
/// different threads, one thread per writer at a time.
public final class H5MDWriter {
  /// The destination; the file appears here when ``finish()`` succeeds.
  public let path: String
  /// What every frame is checked against.
  public let header: TrajectoryHeader
  /// The number of frames appended so far.
  public private(set) var frameCount = 0

  private enum State { case writing, finished, failed }
  private var state = State.writing
  private let atomicFile: AtomicFile
  private var file: hid_t = -1
  /// The temporary file on disk, filled by ``finish()``.
  private var descriptor: Int32 = -1
  private var series: [String: H5MDTimeSeries] = [:]
  private let layout = H5MDLayout()
  /// Rows appended to each per-particle field, to tell which fields cover every frame.
  private var fieldRows: [String: Int] = [:]

  /// Creates the temporary file and writes the metadata, particle species and box description.
  ///
  /// - Throws: ``TrajectoryError`` when the header is invalid (`.invalidData`), the directory does
  ///   not exist or is not writable (`.cannotCreate`), or libhdf5 fails.
  public init(path: String, header: TrajectoryHeader) throws {
    if let problem = header.validationProblem() {
      throw TrajectoryError(.invalidData, path: path, reason: problem)
    }
    self.path = path
    self.header = header
    self.atomicFile = try AtomicFile(destination: path)
    // Created now, so that a directory that refuses new files is reported before any work.
    descriptor = try atomicFile.createTemporary()
    try HDF5Library.synchronized {
      let p = HDF5Library.defaultProperties
      let access = H5Pcreate(mdsens_h5p_file_access())
      if access >= 0 {
        // Grow the in-memory image 4 MiB at a time; never write it to disk from libhdf5.
        if H5Pset_fapl_core(access, 4 << 20, false) >= 0 {
          file = H5Fcreate(atomicFile.temporaryPath, mdsens_h5f_acc_trunc(), p, access)
        }
        H5Pclose(access)
      }
      guard file >= 0 else {
        abandon()
        throw TrajectoryError(.cannotCreate, path: path, reason: "HDF5 cannot create an in-memory file")
      }
      do {
        try writeStaticGroups()
      } catch {
        abandon()
        throw error.asTrajectoryError(path: path)
      }
    }
  }

  /// Appends one frame: positions, box edges, the observables it carries and its extra fields.
  ///
  /// - Throws: ``TrajectoryError``; `.inconsistentShape`/`.invalidData` when the frame does not match
  ///   the header (wrong N × d, non-finite values). Any error abandons the file.
  public func append(_ frame: TrajectoryFrame) throws {
    try HDF5Library.synchronized {
      guard state == .writing else {
        throw TrajectoryError(.invalidState, path: path, reason: "the writer has already finished or failed")
      }
      if let problem = header.frameProblem(frame) {
        abandon()
        throw TrajectoryError(.inconsistentShape, path: path, reason: problem)
      }
      // The box series keeps the form the first frame set: edge lengths, or H5MD's (d, d) edge vectors.
      guard frame.box.isOrthorhombic == header.box.isOrthorhombic else {
        abandon()
        throw TrajectoryError(.inconsistentShape, path: path,
                              reason: "a frame's box is \(frame.box.isOrthorhombic ? "orthorhombic" : "triclinic"), the first frame's is not")
      }
      do {
        try appendValidated(frame)
      } catch {
        abandon()
        throw error.asTrajectoryError(path: path)
      }
      frameCount += 1
    }
  }

  /// Closes the file, writes it to disk and moves it to ``path``.
  ///
  /// - Throws: ``TrajectoryError`` `.cannotWrite` when the disk is full or the file cannot be
  ///   written (e.g. "writing failed: File too large"); the temporary file is then removed and
  ///   nothing appears at ``path``.
  public func finish() throws {
    try HDF5Library.synchronized {
      guard state == .writing else {
        throw TrajectoryError(.invalidState, path: path, reason: "the writer has already finished or failed")
      }
      do {
        try linkFieldObservables()
      } catch {
        abandon()
        throw error.asTrajectoryError(path: path)
      }
      let seriesClosed = series.values.allSatisfy { $0.close() }
      series = [:]
      var image: [UInt8] = []
      var imageRead = false
      if seriesClosed, H5Fflush(file, H5F_SCOPE_GLOBAL) >= 0 {
        let size = H5Fget_file_image(file, nil, 0)
        if size > 0 {
          image = [UInt8](repeating: 0, count: size)
          imageRead = image.withUnsafeMutableBytes { H5Fget_file_image(file, $0.baseAddress, $0.count) } == size
        }
      }
      // An in-memory file has no I/O to fail on close.
      let fileClosed = H5Fclose(file) >= 0
      file = -1
      guard seriesClosed, imageRead, fileClosed else {
        abandon()
        throw TrajectoryError(.cannotWrite, path: path, reason: "HDF5 failed to complete the file in memory")
      }
      do {
        try writeImage(image)
        try atomicFile.commit()
      } catch {
        abandon()
        throw error
      }
      state = .finished
    }
  }

  /// Writes the file image to the temporary file and closes it.
  private func writeImage(_ image: [UInt8]) throws {
    var written = 0
    while written < image.count {
      let count = image.withUnsafeBytes { bytes in
        Glibc.write(descriptor, bytes.baseAddress!.advanced(by: written), min(image.count - written, 1 << 30))
      }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        let reason = count < 0 ? String(cString: strerror(errno)) : "no progress"
        throw TrajectoryError(.cannotWrite, path: path, reason: "writing failed: \(reason)")
      }
      written += count
    }
    let closed = Glibc.close(descriptor)
    descriptor = -1
    guard closed == 0 else {
      let reason = String(cString: strerror(errno))
      throw TrajectoryError(.cannotWrite, path: path, reason: "closing failed: \(reason)")
    }
  }

  /// Writes a whole trajectory to `path` in one call.
  public static func write(_ frames: [TrajectoryFrame], header: TrajectoryHeader, to path: String) throws {
    let writer = try H5MDWriter(path: path, header: header)
    for frame in frames { try writer.append(frame) }
    try writer.finish()
  }

  deinit {
    // Released without finish(): the trajectory is incomplete, so nothing may stay behind.
    HDF5Library.synchronized { if state == .writing { abandon() } }
  }

  /// Closes everything without checking and removes the temporary file.
  private func abandon() {
    series.values.forEach { $0.close() }
    series = [:]
    if file >= 0 { H5Fclose(file) }
    file = -1
    if descriptor >= 0 { Glibc.close(descriptor) }
    descriptor = -1
    atomicFile.discard()
    state = .failed
  }

  private func writeStaticGroups() throws {
    let metadata = try hdf5CreateGroup(file, H5MDLayout.metadataGroup)
    defer { H5Gclose(metadata) }
    try hdf5WriteAttribute(metadata, "version", integers: H5MDLayout.version)
    let author = try hdf5CreateGroup(file, H5MDLayout.authorGroup)
    defer { H5Gclose(author) }
    let authorName = header.authorName.isEmpty ? TrajectoryHeader.anonymousAuthor : header.authorName
    try hdf5WriteAttribute(author, "name", strings: [authorName], scalar: true)
    let creator = try hdf5CreateGroup(file, H5MDLayout.creatorGroup)
    defer { H5Gclose(creator) }
    try hdf5WriteAttribute(creator, "name", strings: [header.creatorName], scalar: true)
    try hdf5WriteAttribute(creator, "version", strings: [header.creatorVersion], scalar: true)
    H5Gclose(try hdf5CreateGroup(file, H5MDLayout.modulesGroup))
    let units = try hdf5CreateGroup(file, H5MDLayout.unitsModule)
    defer { H5Gclose(units) }
    try hdf5WriteAttribute(units, "version", integers: H5MDLayout.unitsModuleVersion)
    try hdf5WriteAttribute(units, "system", strings: [header.unitSystem], scalar: true)

    H5Gclose(try hdf5CreateGroup(file, H5MDLayout.particlesGroup))
    H5Gclose(try hdf5CreateGroup(file, layout.particleGroup))
    let box = try hdf5CreateGroup(file, layout.boxGroup)
    defer { H5Gclose(box) }
    try hdf5WriteAttribute(box, "dimension", integers: [Int32(header.dimension)], scalar: true)
    try hdf5WriteAttribute(box, "boundary", strings: header.periodic.map(H5MDLayout.boundaryName))
    let species = try hdf5CreateDataset(file, layout.species, integers: header.species.map { Int32($0) })
    defer { H5Dclose(species) }
    try hdf5WriteAttribute(species, H5MDLayout.speciesNamesAttribute, strings: header.speciesNames)
    if let diameters = header.speciesDiameters {
      try hdf5WriteAttribute(species, H5MDLayout.speciesDiametersAttribute, doubles: diameters)
    }

    let n = header.particleCount, d = header.dimension
    let position = try openSeries(layout.position, frameShape: [n, d], unit: header.lengthUnit)
    // A triclinic cell as the (d, d) matrix of its edge vectors, as H5MD specifies.
    try openSeries(layout.edges, frameShape: header.box.isOrthorhombic ? [d] : [d, d], unit: header.lengthUnit,
                   clock: position)
  }

  @discardableResult
  private func openSeries(_ seriesPath: String, frameShape: [Int], unit: String,
                          clock: H5MDTimeSeries? = nil) throws -> H5MDTimeSeries {
    if let existing = series[seriesPath] { return existing }
    if seriesPath.hasPrefix(H5MDLayout.observablesGroup + "/"), hdf5Kind(file, H5MDLayout.observablesGroup) == nil {
      H5Gclose(try hdf5CreateGroup(file, H5MDLayout.observablesGroup))
    }
    let created = try H5MDTimeSeries(file: file, path: seriesPath, frameShape: frameShape, unit: unit,
                                     timeUnit: header.timeUnit, clock: clock)
    series[seriesPath] = created
    return created
  }

  /// Every field recorded in every frame also becomes the observable `/observables/<group>/<name>`
  /// (a hard link to the field's element), so that readers of observables (MDAnalysis's `ts.data`)
  /// see it frame by frame; a field missing from some frames is left out, since a reader indexes
  /// observables by frame.
  private func linkFieldObservables() throws {
    let complete = fieldRows.filter { $0.value == frameCount }.keys.sorted()
    guard !complete.isEmpty else { return }
    if hdf5Kind(file, H5MDLayout.observablesGroup) == nil {
      H5Gclose(try hdf5CreateGroup(file, H5MDLayout.observablesGroup))
    }
    H5Gclose(try hdf5CreateGroup(file, layout.fieldObservableGroup()))
    for name in complete {
      try hdf5HardLink(file, layout.field(name), as: layout.fieldObservable(name))
    }
  }

  private func appendValidated(_ frame: TrajectoryFrame) throws {
    let n = header.particleCount, d = header.dimension
    try series[layout.position]!.append(step: frame.step, time: frame.time, values: frame.positions)
    try series[layout.edges]!.append(step: frame.step, time: frame.time,
                                         values: header.box.isOrthorhombic ? frame.box.edges : frame.box.edgeVectors)
    if let energy = frame.potentialEnergy {
      try openSeries(H5MDLayout.potentialEnergy, frameShape: [], unit: header.energyUnit)
        .append(step: frame.step, time: frame.time, values: [energy])
    }
    if let force = frame.maxForceComponent {
      try openSeries(H5MDLayout.maxForce, frameShape: [], unit: header.forceUnit)
        .append(step: frame.step, time: frame.time, values: [force])
    }
    // Sorted so that files written from the same frames are identical.
    for name in frame.fields.keys.sorted() {
      let element = try openSeries(layout.field(name), frameShape: [n, d], unit: header.fieldUnits[name] ?? "")
      try element.append(step: frame.step, time: frame.time, values: frame.fields[name]!)
      fieldRows[name, default: 0] += 1
    }
    for name in frame.observables.keys.sorted() {
      let values = frame.observables[name]!
      let element = try openSeries(H5MDLayout.observable(name), frameShape: [values.count], unit: "")
      guard element.frameShape == [values.count] else {
        throw TrajectoryError(.inconsistentShape, path: path,
                              reason: "observable \(name) has \(values.count) values at step \(frame.step), \(element.frameShape[0]) before")
      }
      try element.append(step: frame.step, time: frame.time, values: values)
    }
  }
}
