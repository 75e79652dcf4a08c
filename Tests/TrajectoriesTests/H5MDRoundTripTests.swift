import Foundation
import Testing
@testable import Trajectories

@Suite("H5MD files round-trip trajectories exactly")
struct H5MDRoundTripTests {
  @Test("A trajectory written and read back is identical, in 2D and 3D", arguments: [2, 3])
  func roundTrip(dimension: Int) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.h5").path
    let header = TrajectoryFixtures.header(dimension: dimension)
    let frames = TrajectoryFixtures.frames(for: header)

    try H5MDWriter.write(frames, header: header, to: path)
    let trajectory = try H5MDReader.readAll(path: path)

    #expect(trajectory.header == header)
    #expect(trajectory.frames == frames)
    #expect(TrajectoryFixtures.contents(of: directory) == ["run.h5"])
  }

  @Test("Reading without a frame index returns the last frame")
  func lastFrameByDefault() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.h5").path
    let header = TrajectoryFixtures.header(dimension: 3)
    let frames = TrajectoryFixtures.frames(for: header, count: 4)
    try H5MDWriter.write(frames, header: header, to: path)

    let (readHeader, last) = try H5MDReader.read(path: path)
    #expect(readHeader.speciesNames == ["A", "B", "Large"])
    #expect(last == frames[3])
    #expect(try H5MDReader.read(path: path, frameIndex: 1).frame == frames[1])
  }

  @Test("A frame without an energy reads back with no energy, its neighbours keep theirs")
  func missingObservable() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.h5").path
    let header = TrajectoryFixtures.header(dimension: 2)
    try H5MDWriter.write(TrajectoryFixtures.frames(for: header), header: header, to: path)

    let reader = try H5MDReader(path: path)
    #expect(try reader.frame(at: 1).potentialEnergy == nil)
    #expect(try reader.frame(at: 2).potentialEnergy == -12.3456789012345 / 3)
    #expect(try reader.frame(at: 0).fields.isEmpty)
  }

  @Test("Frames larger than one chunk (here 4000 particles in 3D) round-trip")
  func largeFrames() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("large.h5").path
    let header = TrajectoryFixtures.header(dimension: 3, particles: 4000)
    let frames = TrajectoryFixtures.frames(for: header, count: 2)
    try H5MDWriter.write(frames, header: header, to: path)
    #expect(try H5MDReader.readAll(path: path).frames == frames)
  }
}
