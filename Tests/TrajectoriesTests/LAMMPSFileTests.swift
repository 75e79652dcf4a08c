import Foundation
import Testing
import Trajectories

/// LAMMPS data files and dumps (tools/check_lammps.py exchanges them with the real LAMMPS).
@Suite("LAMMPS data files round-trip and dumps are read")
struct LAMMPSFileTests {
  @Test("a data file round-trips positions, box, types and names, in both atom styles and dimensions",
        arguments: [(2, LAMMPSDataFile.AtomStyle.atomic), (2, .sphere), (3, .atomic), (3, .sphere)])
  func dataRoundTrip(dimension: Int, style: LAMMPSDataFile.AtomStyle) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.data").path
    var header = TrajectoryFixtures.header(dimension: dimension, particles: 5)
    header.periodic = Array(repeating: true, count: dimension)
    let frame = TrajectoryFixtures.frames(for: header)[2]
    try LAMMPSDataFile.write(frame, header: header, to: path, style: style, speciesDiameters: [0.6, 1.0, 1.4])
    let snapshot = try LAMMPSDataFile.read(path: path)
    #expect(snapshot.ids == [1, 2, 3, 4, 5])
    #expect(snapshot.types == header.species.map { $0 + 1 })
    #expect(snapshot.typeNames == [1: "A", 2: "B", 3: "Large"])
    #expect(Array(snapshot.boxEdges.prefix(dimension)) == frame.box.edges)
    for particle in 0..<5 {
      let row = Array(snapshot.positions[(3 * particle)..<(3 * particle + dimension)])
      #expect(row == Array(frame.positions[(dimension * particle)..<(dimension * particle + dimension)]))
      if dimension == 2 { #expect(snapshot.positions[3 * particle + 2] + snapshot.origin[2] == 0) }
    }
    #expect(snapshot.diameters == (style == .sphere ? header.species.map { [0.6, 1.0, 1.4][$0] } : nil))
  }

  @Test("a dump's last frame: ids sorted, positions relative to the box corner, scaled coordinates scaled")
  func dump() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let frame = """
      ITEM: TIMESTEP
      %d
      ITEM: NUMBER OF ATOMS
      3
      ITEM: BOX BOUNDS pp pp ff
      -1 3
      0 2
      0 5
      ITEM: ATOMS %@

      """
    let plain = directory.appendingPathComponent("a.dump").path
    let text = String(format: frame, 10, "id type x y z") + "3 2 0 0 0\n1 1 1 1 1\n2 1 2 1.5 4\n"
      + String(format: frame, 20, "id type x y z radius") + "3 2 0.5 0.5 0.5 0.7\n1 1 -1 0 0 0.5\n2 1 2.5 1 1 0.5\n"
    try text.write(toFile: plain, atomically: true, encoding: .utf8)
    let last = try LAMMPSDumpFile.readLastFrame(path: plain)
    #expect(last.step == 20 && last.ids == [1, 2, 3] && last.types == [1, 1, 2])
    #expect(last.positions == [0, 0, 0, 3.5, 1, 1, 1.5, 0.5, 0.5])
    #expect(last.boxEdges == [4, 2, 5] && last.periodic == [true, true, false])
    #expect(last.diameters == [1, 1, 1.4])

    let scaled = directory.appendingPathComponent("b.lammpstrj").path
    try (String(format: frame, 0, "type id xs ys zs") + "2 2 0.5 0.25 0.1\n1 1 0 0 0\n1 3 1 1 1\n")
      .write(toFile: scaled, atomically: true, encoding: .utf8)
    let fractions = try LAMMPSDumpFile.readLastFrame(path: scaled)
    #expect(fractions.positions == [0, 0, 0, 2, 0.5, 0.5, 4, 2, 5])
  }

  @Test("refused: a tilted box, missing columns, a repeated id, too few atom lines",
        arguments: [
          ("LAMMPS\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n0.1 0 0 xy xz yz\n\nAtoms\n\n1 1 0 0 0\n", "tilted"),
          ("LAMMPS\n\n2 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms # atomic\n\n1 1 0 0 0\n1 1 0.5 0 0\n", "appears twice"),
          ("LAMMPS\n\n3 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms # atomic\n\n1 1 0 0 0\n", "the Atoms section has 1 lines"),
          ("LAMMPS\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n\nAtoms\n\n1 1 0 0 0\n", "zlo zhi"),
          ("LAMMPS\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms # atomic\n\n1 1 0 nan 0\n", "not a finite number"),
        ])
  func dataRefusals(text: String, message: String) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("bad.data").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    #expect { try LAMMPSDataFile.read(path: path) } throws: { "\($0)".contains(message) }
  }

  @Test("a dump without id and type, or without coordinates, is refused by name")
  func dumpRefusals() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let head = "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 1\n0 1\n0 1\n"
    for (columns, message) in [("x y z", "id and type"), ("id type vx vy vz", "x y z")] {
      let path = directory.appendingPathComponent("bad.dump").path
      try (head + "ITEM: ATOMS \(columns)\n1 1 0\n").write(toFile: path, atomically: true, encoding: .utf8)
      #expect { try LAMMPSDumpFile.readLastFrame(path: path) } throws: { "\($0)".contains(message) }
    }
  }
}
