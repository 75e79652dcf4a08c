import CHDF5

/// Reads H5MD 1.x trajectories: the header, and any frame (the last by default) with its box,
/// observables and extra per-particle fields.
///
/// Observables, box edges and fields are matched to a position frame by step, as each H5MD element
/// has its own step dataset; a frame without a matching energy row has `potentialEnergy == nil`.
/// Box edges are also accepted as a time-independent dataset of shape [d].
public final class H5MDReader {
  /// The file being read.
  public let path: String
  /// The header: dimension, species, boundary, provenance, units, and the first frame's box.
  public let header: TrajectoryHeader
  /// The number of position frames.
  public let frameCount: Int

  private var file: hid_t = -1
  private let positionSteps: [Int]
  /// Steps of each other time-dependent element, keyed by element path.
  private let elementSteps: [String: [Int]]
  private let fieldNames: [String]
  private let boxShape: [Int]
  private let layout: H5MDLayout

  /// Opens the file and reads and checks its header.
  ///
  /// - Throws: ``TrajectoryError``: `.cannotOpen` for a missing or non-HDF5 file, `.missingObject`
  ///   for absent groups, datasets or attributes, `.inconsistentShape` when shapes disagree with the
  ///   particle count or dimension, `.invalidData` for out-of-range values.
  public init(path: String) throws {
    self.path = path
    // Before libhdf5 opens it: a FIFO would block for ever, a device never end.
    try InputFile.checkReadable(path, limit: Int.max)
    var state = H5MDReadState()
    do {
      try HDF5Library.synchronized {
        let opened = H5Fopen(path, mdsens_h5f_acc_rdonly(), HDF5Library.defaultProperties)
        guard opened >= 0 else {
          throw HDF5Failure("cannot open as an HDF5 file (missing, unreadable or another format)", kind: .cannotOpen)
        }
        state.file = opened
        try state.readHeader()
      }
    } catch {
      HDF5Library.synchronized { if state.file >= 0 { H5Fclose(state.file) } }
      throw error.asTrajectoryError(path: path, defaultKind: .cannotOpen)
    }
    file = state.file
    header = state.header!
    frameCount = state.positionSteps.count
    positionSteps = state.positionSteps
    elementSteps = state.elementSteps
    fieldNames = state.fieldNames
    boxShape = state.boxShape
    layout = state.layout
  }

  deinit { HDF5Library.synchronized { if file >= 0 { H5Fclose(file) } } }

  /// The frame at `index` (0-based) among the position frames.
  public func frame(at index: Int) throws -> TrajectoryFrame {
    guard (0..<frameCount).contains(index) else {
      throw TrajectoryError(.invalidData, path: path, reason: "frame \(index) requested; the file has \(frameCount)")
    }
    do {
      return try HDF5Library.synchronized { try readFrame(index) }
    } catch {
      throw error.asTrajectoryError(path: path, defaultKind: .cannotOpen)
    }
  }

  /// The last frame, which for a minimisation is the minimised configuration.
  public func lastFrame() throws -> TrajectoryFrame {
    guard frameCount > 0 else { throw TrajectoryError(.missingObject, path: path, reason: "the file has no frames") }
    return try frame(at: frameCount - 1)
  }

  /// Every frame in order.
  public func frames() throws -> [TrajectoryFrame] {
    try (0..<frameCount).map { try frame(at: $0) }
  }

  /// Reads the header and one frame (the last when `frameIndex` is nil).
  public static func read(path: String, frameIndex: Int? = nil) throws -> (header: TrajectoryHeader, frame: TrajectoryFrame) {
    let reader = try H5MDReader(path: path)
    let frame = try frameIndex.map { try reader.frame(at: $0) } ?? reader.lastFrame()
    return (reader.header, frame)
  }

  /// Reads the header and all frames.
  public static func readAll(path: String) throws -> Trajectory {
    let reader = try H5MDReader(path: path)
    return Trajectory(header: reader.header, frames: try reader.frames())
  }

  private func readFrame(_ index: Int) throws -> TrajectoryFrame {
    let n = header.particleCount, d = header.dimension
    let step = positionSteps[index]
    let time = try readRow(layout.position + "/time", row: index, frameShape: []).first!
    try checkFinite([time], what: "\(layout.position)/time row \(index)")
    let positions = try readRow(layout.position + "/value", row: index, frameShape: [n, d])
    try checkFinite(positions, what: "\(layout.position)/value frame \(index) (step \(step))")
    let box = try readBox(step: step, preferredRow: index)
    var frame = TrajectoryFrame(step: step, time: time, positions: positions, box: box)
    if let row = matchingRow(H5MDLayout.potentialEnergy, step: step, preferredRow: index) {
      frame.potentialEnergy = try readRow(H5MDLayout.potentialEnergy + "/value", row: row, frameShape: []).first
      try checkFinite([frame.potentialEnergy!], what: "\(H5MDLayout.potentialEnergy)/value row \(row)")
    }
    if let row = matchingRow(H5MDLayout.maxForce, step: step, preferredRow: index) {
      frame.maxForceComponent = try readRow(H5MDLayout.maxForce + "/value", row: row, frameShape: []).first
      try checkFinite([frame.maxForceComponent!], what: "\(H5MDLayout.maxForce)/value row \(row)")
    }
    for name in fieldNames {
      let element = layout.field(name)
      if let row = matchingRow(element, step: step, preferredRow: index) {
        let values = try readRow(element + "/value", row: row, frameShape: [n, d])
        try checkFinite(values, what: "\(element)/value row \(row)")
        frame.fields[name] = values
      }
    }
    return frame
  }

  private func readBox(step: Int, preferredRow: Int) throws -> SimulationBox {
    if elementSteps[layout.edges] == nil { return header.box }  // time-independent edges
    // Without an exact match the box in force is the latest one stored at or before this step.
    let steps = elementSteps[layout.edges]!
    let row = matchingRow(layout.edges, step: step, preferredRow: preferredRow)
      ?? steps.lastIndex(where: { $0 <= step }) ?? 0
    let values = try readRow(layout.edges + "/value", row: row, frameShape: boxShape)
    return try simulationBox(values, shape: boxShape, periodic: header.periodic,
                             what: "\(layout.edges)/value row \(row)")
  }

  private func matchingRow(_ element: String, step: Int, preferredRow: Int) -> Int? {
    guard let steps = elementSteps[element] else { return nil }
    if preferredRow < steps.count, steps[preferredRow] == step { return preferredRow }
    return steps.firstIndex(of: step)
  }

  private func readRow(_ datasetPath: String, row: Int, frameShape: [Int]) throws -> [Double] {
    let dataset = try hdf5OpenDataset(file, datasetPath)
    defer { H5Dclose(dataset) }
    return try hdf5ReadDoubles(dataset, start: [row] + frameShape.map { _ in 0 }, count: [1] + frameShape,
                               what: datasetPath)
  }
}
