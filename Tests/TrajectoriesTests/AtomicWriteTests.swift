import Foundation
import Testing
@testable import Trajectories

/// Both writers either produce the complete file or nothing at all.
@Suite("Writers are atomic")
struct AtomicWriteTests {
  enum Format: String, CaseIterable, CustomTestStringConvertible {
    case h5md, extendedXYZ
    var testDescription: String { rawValue }

    func write(_ frames: [TrajectoryFrame], header: TrajectoryHeader, to path: String) throws {
      switch self {
      case .h5md: try H5MDWriter.write(frames, header: header, to: path)
      case .extendedXYZ: try ExtendedXYZWriter.write(frames, header: header, to: path)
      }
    }
  }

  @Test("Writing into a directory that does not exist throws and creates nothing", arguments: Format.allCases)
  func missingDirectory(format: Format) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("absent/run.out").path
    let header = TrajectoryFixtures.header(dimension: 3)

    let error = try #require(throws: TrajectoryError.self) {
      try format.write(TrajectoryFixtures.frames(for: header), header: header, to: path)
    }
    #expect(error.kind == .cannotCreate)
    #expect(error.path == path)
    #expect(TrajectoryFixtures.contents(of: directory).isEmpty)
  }

  @Test("A frame that does not fit the header aborts the write and leaves no file", arguments: Format.allCases)
  func failedWriteLeavesNothing(format: Format) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.out").path
    let header = TrajectoryFixtures.header(dimension: 2)
    var frames = TrajectoryFixtures.frames(for: header)
    frames[2].positions.removeLast()

    #expect(throws: TrajectoryError.self) { try format.write(frames, header: header, to: path) }
    #expect(TrajectoryFixtures.contents(of: directory).isEmpty)
  }

  @Test("A non-finite position is refused before anything is written", arguments: Format.allCases)
  func nonFinitePosition(format: Format) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.out").path
    let header = TrajectoryFixtures.header(dimension: 3)
    var frames = TrajectoryFixtures.frames(for: header)
    frames[0].positions[4] = .nan

    let error = try #require(throws: TrajectoryError.self) { try format.write(frames, header: header, to: path) }
    #expect(error.reason.contains("not finite"))
    #expect(TrajectoryFixtures.contents(of: directory).isEmpty)
  }

  @Test("A writer released before finishing removes its temporary file", arguments: Format.allCases)
  func abandonedWriter(format: Format) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.out").path
    let header = TrajectoryFixtures.header(dimension: 3)
    do {
      switch format {
      case .h5md:
        let writer = try H5MDWriter(path: path, header: header)
        try writer.append(TrajectoryFixtures.frames(for: header)[0])
        #expect(TrajectoryFixtures.contents(of: directory).count == 1)  // the hidden temporary
      case .extendedXYZ:
        let writer = try ExtendedXYZWriter(path: path, header: header)
        try writer.append(TrajectoryFixtures.frames(for: header)[0])
        #expect(TrajectoryFixtures.contents(of: directory).count == 1)
      }
    }
    #expect(TrajectoryFixtures.contents(of: directory).isEmpty)
  }

  @Test("Rewriting an existing file replaces it whole")
  func replacesExistingFile() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.h5").path
    let header = TrajectoryFixtures.header(dimension: 3)
    let frames = TrajectoryFixtures.frames(for: header)
    try H5MDWriter.write(frames, header: header, to: path)
    try H5MDWriter.write(Array(frames.prefix(1)), header: header, to: path)

    #expect(try H5MDReader(path: path).frameCount == 1)
    #expect(TrajectoryFixtures.contents(of: directory) == ["run.h5"])
  }
}
