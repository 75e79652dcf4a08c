import CHDF5
import Foundation
import Testing
@testable import Trajectories

/// Small trajectories with awkward values (non-representable decimals, tiny and huge magnitudes) so
/// that round trips prove bit-exactness rather than formatting luck.
enum TrajectoryFixtures {
  /// Runs a program to completion; returns how it ended and its combined stdout and stderr.
  static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws
    -> (reason: Process.TerminationReason, status: Int32, output: String)
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationReason, process.terminationStatus, output)
  }

  /// Writes a valid 3D H5MD file, lets `damage` edit it through libhdf5, and returns the error the
  /// reader then throws (which must name the file and fit on one line).
  static func readerError(after damage: (hid_t) throws -> Void,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> TrajectoryError {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.h5").path
    let header = header(dimension: 3)
    try H5MDWriter.write(frames(for: header), header: header, to: path)
    try HDF5Library.synchronized {
      let file = H5Fopen(path, mdsens_h5f_acc_rdwr(), mdsens_h5p_default())
      try #require(file >= 0, sourceLocation: sourceLocation)
      defer { H5Fclose(file) }
      try damage(file)
    }
    let error = try #require(throws: TrajectoryError.self, sourceLocation: sourceLocation) {
      _ = try H5MDReader.readAll(path: path)
    }
    #expect(error.path == path, sourceLocation: sourceLocation)
    #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
    return error
  }

  static func header(dimension: Int, particles: Int = 5) -> TrajectoryHeader {
    TrajectoryHeader(
      dimension: dimension, speciesNames: ["A", "B", "Large"],
      species: (0..<particles).map { ($0 * 7 + 1) % 3 },
      periodic: dimension == 2 ? [true, false] : [true, true, false],
      box: SimulationBox(edges: (0..<dimension).map { 3.3 + 0.1 * Double($0) }),
      authorName: "Ada Lovelace", creatorName: "mdsens", creatorVersion: "0.1.0",
      lengthUnit: "nm", energyUnit: "kJ mol-1", fieldUnits: ["sensitivity_diameter": "nm nm-1"])
  }

  static func frames(for header: TrajectoryHeader, count: Int = 3) -> [TrajectoryFrame] {
    let values = header.particleCount * header.dimension
    return (0..<count).map { index in
      let positions = (0..<values).map { 0.1 * Double($0) + Double(index) / 3 + 1e-17 * Double($0) }
      let sensitivity = (0..<values).map { -1.0 / Double($0 + index + 3) * 1e-9 }
      // Later frames shrink the box, so box rows must be matched per frame.
      let edges = header.box.edges.map { $0 * (1 - 0.01 * Double(index)) }
      return TrajectoryFrame(
        step: index * 10, time: Double(index) * 0.1, positions: positions, box: SimulationBox(edges: edges),
        potentialEnergy: index == 1 ? nil : -12.3456789012345 / Double(index + 1),
        maxForceComponent: 1e-300 * Double(index + 1),
        fields: index == 0 ? [:] : ["sensitivity_diameter": sensitivity])
    }
  }

  /// A fresh empty directory, removed by the caller.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mdsens-trajectories-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func contents(of directory: URL) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted() ?? []
  }
}
