import Foundation
import Testing
@testable import Trajectories

@Suite("Extended XYZ files round-trip what the format can hold")
struct ExtendedXYZRoundTripTests {
  @Test("Frames written and read back are identical, in 2D and 3D", arguments: [2, 3])
  func roundTrip(dimension: Int) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.xyz").path
    let header = TrajectoryFixtures.header(dimension: dimension)
    let frames = TrajectoryFixtures.frames(for: header)

    try ExtendedXYZWriter.write(frames, header: header, to: path)
    let trajectory = try ExtendedXYZReader.read(path: path, dimension: dimension)

    #expect(trajectory.frames == frames)
    #expect(trajectory.header.dimension == dimension)
    #expect(trajectory.header.speciesNames == header.speciesNames)
    #expect(trajectory.header.species == header.species)
    #expect(trajectory.header.periodic == header.periodic)
    #expect(trajectory.header.box == header.box)
    #expect(trajectory.header.lengthUnit == "nm")
    #expect(trajectory.header.energyUnit == "kJ mol-1")
    #expect(TrajectoryFixtures.contents(of: directory) == ["run.xyz"])
  }

  @Test("2D files lie in the z = 0 plane with a unit third lattice vector and non-periodic z")
  func twoDimensionalLayout() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.xyz").path
    let header = TrajectoryFixtures.header(dimension: 2, particles: 2)
    try ExtendedXYZWriter.write(Array(TrajectoryFixtures.frames(for: header).prefix(1)), header: header, to: path)

    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines[0] == "2")
    #expect(lines[1].hasPrefix(
      "Lattice=\"3.3 0 0 0 3.4 0 0 0 1.0\" Properties=species:S:1:pos:R:3:species_name:S:1 pbc=\"T F F\""))
    // An element stands in for the species (ASE accepts only elements there); the name follows z = 0.
    #expect(lines[2].split(separator: " ").first == "He" && lines[2].hasSuffix(" 0 B"))
    // Read as 3D, the same file is a slab of unit thickness.
    #expect(try ExtendedXYZReader.read(path: path).header.box.edges == [3.3, 3.4, 1])
  }

  @Test("Columns may come in any order, with unknown columns skipped and species named in the file")
  func foreignColumnOrder() throws {
    let text = """
      2
      pbc="T T T" Properties=pos:R:3:id:I:1:species:S:1:forces:R:3 Lattice="2 0 0 0 2 0 0 0 2" energy=-1.5
      0.5 0.5 0.5 7 Ni 1 2 3
      1.5 1.5 1.5 8 Al 4 5 6

      """
    let trajectory = try ExtendedXYZReader.parse(text, path: "memory.xyz", dimension: 3)
    #expect(trajectory.header.speciesNames == ["Ni", "Al"])
    #expect(trajectory.header.species == [0, 1])
    #expect(trajectory.frames[0].positions == [0.5, 0.5, 0.5, 1.5, 1.5, 1.5])
    #expect(trajectory.frames[0].fields["forces"] == [1, 2, 3, 4, 5, 6])
    #expect(trajectory.frames[0].potentialEnergy == -1.5)
    #expect(trajectory.header.box.edges == [2, 2, 2])
  }
}
