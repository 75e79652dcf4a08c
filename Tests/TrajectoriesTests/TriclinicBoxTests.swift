import Foundation
import Testing
import Trajectories

/// A sheared (triclinic) cell: extended XYZ carries its edge vectors in `Lattice=`, H5MD as the (d, d)
/// `box/edges`, both ways.
@Suite("Triclinic cells in files")
struct TriclinicBoxTests {
  static func header(_ box: SimulationBox) -> TrajectoryHeader {
    TrajectoryHeader(dimension: box.dimension, speciesNames: ["A"], species: [0, 0, 0],
                     periodic: [Bool](repeating: true, count: box.dimension), box: box,
                     authorName: "Ada Lovelace", creatorName: "mdsens", creatorVersion: "0.1.0",
                     lengthUnit: "nm", energyUnit: "kJ mol-1")
  }

  @Test("extended XYZ: the edge vectors read back exactly, 2D and 3D", arguments: [2, 3])
  func extendedXYZRoundTrip(dimension: Int) throws {
    let rows = dimension == 2 ? [[4.0, 0.0], [1.25, 3.5]] : [[4.0, 0.0, 0.0], [1.25, 3.5, 0.0], [-0.5, 0.75, 5.0]]
    let box = SimulationBox(edgeVectors: rows)
    #expect(!box.isOrthorhombic && box.edgeVectorRows == rows)
    let header = Self.header(box)
    let frame = TrajectoryFrame(step: 0, time: 0, positions: (0..<(3 * dimension)).map { 0.5 * Double($0) }, box: box)
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("sheared.xyz").path
    try ExtendedXYZWriter.write([frame], header: header, to: path)
    let read = try ExtendedXYZReader.read(path: path, dimension: dimension)
    #expect(read.frames[0].box.edgeVectorRows == rows)
    #expect(read.frames[0].positions == frame.positions)
  }

  @Test("H5MD: the (d, d) edge vectors read back exactly, 2D and 3D", arguments: [2, 3])
  func h5mdRoundTrip(dimension: Int) throws {
    let rows = dimension == 2 ? [[4.0, 0.0], [1.25, 3.5]] : [[4.0, 0.0, 0.0], [1.25, 3.5, 0.0], [-0.5, 0.75, 5.0]]
    let box = SimulationBox(edgeVectors: rows)
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("sheared.h5").path
    let frame = TrajectoryFrame(step: 0, time: 0, positions: (0..<(3 * dimension)).map { 0.25 * Double($0) }, box: box)
    try H5MDWriter.write([frame], header: Self.header(box), to: path)
    let (header, read) = try H5MDReader.read(path: path)
    #expect(header.box.edgeVectorRows == rows && read.box.edgeVectorRows == rows)
    #expect(read.positions == frame.positions)
  }

  @Test("H5MD refuses a trajectory whose box changes from triclinic to orthorhombic, and writes nothing")
  func h5mdRefusesMixedBoxes() throws {
    let sheared = SimulationBox(edgeVectors: [[4.0, 0.0], [1.0, 3.5]])
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("mixed.h5").path
    let frames = [TrajectoryFrame(step: 0, time: 0, positions: [0, 0, 1, 1, 2, 2], box: sheared),
                  TrajectoryFrame(step: 1, time: 1, positions: [0, 0, 1, 1, 2, 2], box: SimulationBox(edges: [4, 3.5]))]
    #expect(throws: TrajectoryError.self) { try H5MDWriter.write(frames, header: Self.header(sheared), to: path) }
    #expect(TrajectoryFixtures.contents(of: directory).isEmpty)
  }
}
