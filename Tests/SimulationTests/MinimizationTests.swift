import Foundation
import Models
import Simulation
import Testing
import Trajectories

private func temporaryPath(_ name: String) -> String {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdsens-tests-\(UUID().uuidString)")
  try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  return directory.appendingPathComponent(name).path
}

@Suite("Minimisation runs and their files")
struct MinimizationTests {
  @Test("minimising the paper's system writes a valid H5MD file that reads back", arguments: [TrajectoryFormat.h5md, .xyz])
  func paperRoundTrip(format: TrajectoryFormat) throws {
    let (system, start) = try BuiltInSystems.paper().startingPositions(seed: 1)
    let outcome = try system.minimize(from: start, recordEvery: 200)
    #expect(outcome.converged)
    #expect(outcome.maximumForce <= 1e-12)
    #expect(outcome.frames.first?.step == 0 && outcome.frames.last?.step == outcome.steps)
    let path = temporaryPath("paper.\(format.fileExtension)")
    let frames = outcome.frames.map { system.frame(step: $0.step, positions: $0.positions, energy: $0.energy, maximumForce: $0.maximumForce) }
    try writeTrajectory(frames, header: system.trajectoryHeader(), to: path, format: format)
    // Reading the file back as a starting configuration: the species and box match, and the
    // minimiser has nothing left to do.
    let loaded = try PositionsFile(path: path, system: system)
    #expect(loaded.positions == outcome.positions)
    #expect(loaded.system.speciesOfParticle == system.speciesOfParticle)
    #expect(loaded.system.boxEdges == system.boxEdges)
    let again = try loaded.system.minimize(from: loaded.positions)
    #expect(again.steps == 0 && again.converged)
    // The same pair terms, summed in the order of a freshly built neighbour list rather than the
    // minimiser's last one: equal to rounding.
    #expect(abs(again.energy - outcome.energy) <= 1e-14 * abs(outcome.energy))
  }

  @Test("numbering particles cell by cell internally returns a minimum in the caller's numbering")
  func spatialReordering() throws {
    let (system, start) = try BuiltInSystems.paper().startingPositions(seed: 2)
    let outcome = try system.model.minimize(from: start, using: system.minimizer, recordEvery: 100, reorderingFrom: 0)
    #expect(outcome.converged)
    #expect(outcome.frames.first?.positions == start.map { $0 - 8.352016507218536 * ($0 / 8.352016507218536).rounded(.down) })
    // The restored positions are a minimum of the system as numbered by the caller.
    let check = try system.minimize(from: outcome.positions)
    #expect(check.steps == 0 && check.maximumForce <= 1e-12)
    #expect(abs(check.energy - outcome.energy) < 1e-12)
  }

  @Test("particles are numbered cell by cell from 4,096 on, on one thread and on several")
  func reorderingThresholds() throws {
    let system = try BuiltInSystems.paper()
    let model = system.model
    var one = model
    one.threads = 1
    var two = model
    two.threads = 2
    #expect(ParticleModel.reorderingThreshold == 4096)
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: 1)
    for threaded in [one, two] {
      #expect(threaded.cellOrder(of: start, using: system.minimizer) == nil, "128 particles stay as numbered")
      #expect(threaded.cellOrder(of: start, using: system.minimizer, threshold: 129) == nil)
    }
    let order = try #require(two.cellOrder(of: start, using: system.minimizer, threshold: 128))
    #expect(order.sorted() == Array(0..<128), "a permutation")
    #expect(order != Array(0..<128), "a random start is not already in cell order")
    #expect(one.cellOrder(of: start, using: system.minimizer, threshold: 128) == order)
  }

  @Test("a positions file must match the system: count, species names, dimension")
  func positionsMismatch() throws {
    let system = try BuiltInSystems.paper()
    let path = temporaryPath("wrong.xyz")
    var header = system.trajectoryHeader()
    header.speciesNames = ["small", "huge"]
    let positions = RandomConfiguration.uniform(count: 128, edges: system.boxEdges, seed: 3)
    try writeTrajectory([system.frame(step: 0, positions: positions, energy: nil, maximumForce: nil)],
                        header: header, to: path, format: .xyz)
    #expect { try PositionsFile(path: path, system: system) } throws: { "\($0)".contains("species 'huge'") }

    let small = try ParticleSystem.parse(json: """
      {"dimension": 2, "species": [{"name": "small", "count": 3, "diameter": 1}],
       "potential": {"kind": "soft-sphere"}, "box": 10}
      """, origin: "small")
    let threePath = temporaryPath("three.xyz")
    try writeTrajectory([small.frame(step: 0, positions: [1, 1, 2, 2, 3, 3], energy: nil, maximumForce: nil)],
                        header: small.trajectoryHeader(), to: threePath, format: .xyz)
    #expect { try PositionsFile(path: threePath, system: system) } throws: { "\($0)".contains("has 3 particles") }
    #expect(throws: SystemError.self) { try PositionsFile(path: "/nonexistent.xyz", system: system) }
  }

  @Test("a 2D system embedded in 3D for 3D-only readers reads back as the same 2D positions")
  func embeddedReadsBack() throws {
    let (system, start) = try BuiltInSystems.paper().startingPositions(seed: 5)
    for format in [TrajectoryFormat.h5md, .xyz] {
      let path = temporaryPath("embedded.\(format.fileExtension)")
      try writeTrajectory([system.frame(step: 0, positions: start, energy: nil, maximumForce: nil)],
                          header: system.trajectoryHeader(), to: path, format: format, embedding: PlanarEmbedding())
      let loaded = try PositionsFile(path: path, system: system)
      #expect(loaded.positions == start && loaded.system.boxEdges == system.boxEdges)
    }
  }

  @Test("the box of a positions file's lattice replaces the system's box")
  func boxFromLattice() throws {
    let system = try BuiltInSystems.paper()
    var header = system.trajectoryHeader()
    header.box = SimulationBox(edges: [9, 9])
    let path = temporaryPath("box.xyz")
    let positions = RandomConfiguration.uniform(count: 128, edges: [9, 9], seed: 2)
    try ExtendedXYZWriter.write([TrajectoryFrame(step: 0, time: 0, positions: positions, box: SimulationBox(edges: [9, 9]))],
                                header: header, to: path)
    let loaded = try PositionsFile(path: path, system: system)
    #expect(loaded.system.boxEdges == [9, 9])
  }

  @Test("an unwritable output leaves no file behind")
  func unwritable() throws {
    let system = try BuiltInSystems.paper()
    let frame = system.frame(step: 0, positions: RandomConfiguration.uniform(count: 128, edges: system.boxEdges, seed: 0),
                             energy: 1, maximumForce: 1)
    let path = "/nonexistent-directory/out.h5"
    #expect(throws: SystemError.self) {
      try writeTrajectory([frame], header: system.trajectoryHeader(), to: path, format: .h5md)
    }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test("every potential and boundary minimises: Lennard-Jones, Morse, Hertzian 3D, free space", arguments: [
    #"{"dimension": 3, "species": [{"name": "a", "count": 40, "diameter": 1}, {"name": "b", "count": 40, "diameter": 1.4}], "potential": {"kind": "soft-sphere", "alpha": 2.5}, "packing_fraction": 0.7, "minimizer": {"force_tolerance": 1e-10}}"#,
    #"{"dimension": 2, "species": [{"name": "a", "count": 30, "diameter": 1}], "potential": {"kind": "lennard-jones", "cutoff": 2.5}, "box": 7, "minimizer": {"force_tolerance": 1e-9, "max_steps": 30000}}"#,
    #"{"dimension": 3, "species": [{"name": "a", "count": 27, "diameter": 1}], "potential": {"kind": "morse", "alpha": 5, "cutoff": 2}, "box": 5, "minimizer": {"force_tolerance": 1e-9, "max_steps": 30000}}"#,
    #"{"dimension": 2, "boundary": "free", "species": [{"name": "a", "count": 30, "diameter": 1}], "potential": {"kind": "soft-sphere"}, "box": 3}"#,
  ])
  func otherSystems(json: String) throws {
    let system = try ParticleSystem.parse(json: json, origin: "test")
    let (_, start) = try system.startingPositions(seed: 4)
    let outcome = try system.minimize(from: start)
    #expect(outcome.converged, "\(outcome.stopReason.rawValue) at max force \(outcome.maximumForce) after \(outcome.steps)")
    #expect(outcome.energy.isFinite)
  }
}

@Suite("LAMMPS files as starting positions")
struct LAMMPSPositionsTests {
  @Test("types by the names mdsens writes, by --type-map, by diameter; a file naming none is refused")
  func typeMapping() throws {
    let (system, start) = try BuiltInSystems.paper().startingPositions(seed: 4)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdsens-lammps-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let frame = system.frame(step: 0, positions: start, energy: nil, maximumForce: nil)
    for style in LAMMPSDataFile.AtomStyle.allCases {
      let path = directory.appendingPathComponent("\(style).data").path
      try writeTrajectory([frame], header: system.trajectoryHeader(), to: path, format: .lammpsData,
                          lammpsStyle: style, speciesDiameters: system.speciesDiameters)
      let loaded = try PositionsFile(path: path, system: system)
      #expect(loaded.positions == start && loaded.system.speciesOfParticle == system.speciesOfParticle)
    }
    // A LAMMPS-style file without names: atomic needs --type-map, sphere goes by diameter.
    let text = try String(contentsOfFile: directory.appendingPathComponent("atomic.data").path, encoding: .utf8)
    let anonymous = text.replacingOccurrences(of: "; types: 1=small 2=large", with: "")
      .replacingOccurrences(of: " # small", with: "").replacingOccurrences(of: " # large", with: "")
    let path = directory.appendingPathComponent("anonymous.data").path
    try anonymous.write(toFile: path, atomically: true, encoding: .utf8)
    #expect { try PositionsFile(path: path, system: system) } throws: { "\($0)".contains("give --type-map") }
    let swapped = try PositionsFile(path: path, system: system, typeMap: LAMMPSTypeMap(parsing: "1=large,2=small"))
    #expect(swapped.system.speciesOfParticle == system.speciesOfParticle.map { 1 - $0 })
    #expect { try LAMMPSTypeMap(parsing: "1=small,1=large") } throws: { "\($0)".contains("twice") }
    #expect { try PositionsFile(path: path, system: system, typeMap: LAMMPSTypeMap(parsing: "1=small,2=huge")) }
      throws: { "\($0)".contains("'huge'") }
  }
}
