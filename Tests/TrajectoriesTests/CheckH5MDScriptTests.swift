import Foundation
import Testing
@testable import Trajectories

/// tools/check_h5md.py, an independent reader (h5py), accepts what the writer produces. Skipped when
/// python3 with h5py and numpy is not installed.
@Suite("tools/check_h5md.py accepts written files", .enabled(if: Python.hasH5py))
struct CheckH5MDScriptTests {
  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("tools/check_h5md.py").path

  @Test("2D and 3D files pass the check", arguments: [2, 3])
  func writtenFilePasses(dimension: Int) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.h5").path
    let header = TrajectoryFixtures.header(dimension: dimension)
    try H5MDWriter.write(TrajectoryFixtures.frames(for: header), header: header, to: path)

    let (status, output) = try Python.run([Self.script, path])
    #expect(status == 0, "\(output)")
    #expect(output.contains("5 particles in \(dimension)D, 3 frames"))
    #expect(output.contains("sensitivity_diameter (2 frames)"))
  }
}

/// The python3 on PATH, run as a subprocess.
enum Python {
  static let hasH5py: Bool = (try? run(["-c", "import h5py, numpy"]).status) == 0

  /// Runs python3 with `arguments`; returns the exit status and combined output.
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let outcome = try TrajectoryFixtures.run("/usr/bin/env", ["python3"] + arguments)
    return (outcome.status, outcome.output)
  }
}
