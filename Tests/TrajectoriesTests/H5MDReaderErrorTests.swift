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
      #expect(H5Ldelete(file, "/particles/all/position/step", mdsens_h5p_default()) >= 0)
    }
    #expect(error.kind == .missingObject)
    #expect(error.reason.contains("/particles/all/position/step"))
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
      #expect(H5Ldelete(file, H5MDLayout.species, mdsens_h5p_default()) >= 0)
      H5Dclose(try hdf5CreateDataset(file, H5MDLayout.species, integers: [0, 1, 2, 0, 1, 2]))
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
