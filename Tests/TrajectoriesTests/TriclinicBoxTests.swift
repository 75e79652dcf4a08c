import Foundation
import Testing
import Trajectories

/// A sheared (triclinic) cell: extended XYZ carries its edge vectors in `Lattice=` both ways, H5MD
/// refuses it with one line and leaves no file.
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

  @Test("H5MD refuses a sheared cell and writes nothing")
  func h5mdRefuses() throws {
    let box = SimulationBox(edgeVectors: [[4.0, 0.0], [1.0, 3.5]])
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("sheared.h5").path
    let frame = TrajectoryFrame(step: 0, time: 0, positions: [0, 0, 1, 1, 2, 2], box: box)
    #expect(throws: TrajectoryError.self) { try H5MDWriter.write([frame], header: Self.header(box), to: path) }
    #expect(TrajectoryFixtures.contents(of: directory).isEmpty)
  }
}
