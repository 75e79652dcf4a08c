import CHDF5
import Foundation
import Testing
@testable import Trajectories

/// The reader refuses damaged or foreign files with an error that says what is wrong.
@Suite("H5MD reader errors")
struct H5MDReaderErrorTests {
  func readerError(after damage: (hid_t) throws -> Void,
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> TrajectoryError {
    try TrajectoryFixtures.readerError(after: damage, sourceLocation: sourceLocation)
  }

  @Test("A missing dataset is named")
  func missingDataset() throws {
    let error = try readerError { file in
      #expect(H5Ldelete(file, "/particles/trajectory/position/step", mdsens_h5p_default()) >= 0)
    }
    #expect(error.kind == .missingObject)
    #expect(error.reason.contains("/particles/trajectory/position/step"))
  }

  @Test("The particle group is found by name: the only one, else trajectory, else all; otherwise refused by name")
  func particleGroupName() throws {
    let header = TrajectoryFixtures.header(dimension: 3)
    let frames = TrajectoryFixtures.frames(for: header)
    func read(after change: (hid_t) throws -> Void) throws -> [TrajectoryFrame] {
      let directory = try TrajectoryFixtures.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let path = directory.appendingPathComponent("run.h5").path
      try H5MDWriter.write(frames, header: header, to: path)
      try HDF5Library.synchronized {
        let file = H5Fopen(path, mdsens_h5f_acc_rdwr(), mdsens_h5p_default())
        try #require(file >= 0)
        defer { H5Fclose(file) }
        try change(file)
      }
      return try H5MDReader.readAll(path: path).frames
    }
    let p = mdsens_h5p_default()
    func rename(_ file: hid_t, to name: String) {
      #expect(H5Lmove(file, "/particles/trajectory", file, "/particles/\(name)", p, p) >= 0)
    }
    // Older mdsens files (`all`) and files of other writers (any single name).
    #expect(try read { rename($0, to: "all") } == frames)
    #expect(try read { rename($0, to: "group1") } == frames)
    // Beside another group, the one mdsens writes.
    #expect(try read { H5Gclose(try hdf5CreateGroup($0, "/particles/solvent")) } == frames)
    let error = try readerError { file in
      rename(file, to: "group1")
      H5Gclose(try hdf5CreateGroup(file, "/particles/solvent"))
    }
    #expect(error.kind == .invalidData)
    #expect(error.reason.contains("group1") && error.reason.contains("solvent"))
  }

  @Test("A missing group is named")
  func missingGroup() throws {
    let error = try readerError { file in
      #expect(H5Ldelete(file, "/h5md", mdsens_h5p_default()) >= 0)
    }
    #expect(error.kind == .missingObject)
    #expect(error.reason.contains("/h5md"))
  }

  @Test("A species list longer than the position rows is an inconsistent shape")
  func inconsistentParticleCount() throws {
    let error = try readerError { file in
      #expect(H5Ldelete(file, H5MDLayout().species, mdsens_h5p_default()) >= 0)
      H5Dclose(try hdf5CreateDataset(file, H5MDLayout().species, integers: [0, 1, 2, 0, 1, 2]))
    }
    #expect(error.kind == .inconsistentShape)
    #expect(error.reason.contains("position/value"))
  }

  @Test("A file that is not HDF5, or is absent, cannot be opened")
  func notHDF5() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("text.h5").path
    try "1\n\nA 0 0 0\n".write(toFile: path, atomically: false, encoding: .utf8)
    for candidate in [path, directory.appendingPathComponent("absent.h5").path] {
      let error = try #require(throws: TrajectoryError.self) { _ = try H5MDReader(path: candidate) }
      #expect(error.kind == .cannotOpen)
      #expect(error.path == candidate)
    }
  }

  @Test("Asking for a frame beyond the end is an error, not a crash")
  func frameOutOfRange() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.h5").path
    let header = TrajectoryFixtures.header(dimension: 2)
    try H5MDWriter.write(TrajectoryFixtures.frames(for: header), header: header, to: path)
    #expect(throws: TrajectoryError.self) { _ = try H5MDReader(path: path).frame(at: 3) }
  }
}
