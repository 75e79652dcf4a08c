import Foundation
import Trajectories

/// Starting positions read from an extended XYZ, H5MD or LAMMPS file (the last frame), matched to a
/// system: species by name (LAMMPS types through ``LAMMPSTypeMap``), the box from the file's
/// lattice when it has one.
public struct PositionsFile: Sendable {
  /// Flat positions [x₀, y₀, (z₀,) x₁, ...] (length units).
  public let positions: [Double]
  /// The system with the file's box and species order.
  public let system: ParticleSystem

  /// Reads `path` by extension: .h5/.h5md/.hdf5 as H5MD, .data/.lmp as a LAMMPS data file,
  /// .dump/.lammpstrj as a LAMMPS dump (its last frame), anything else as extended XYZ.
  ///
  /// - Parameters:
  ///   - path: the positions file.
  ///   - system: the system the positions are for; its species names and diameters match them.
  ///   - typeMap: the species of LAMMPS atom types; nil to take them from the file.
  public init(path: String, system: ParticleSystem, typeMap: LAMMPSTypeMap? = nil) throws {
    var header: TrajectoryHeader
    var frame: TrajectoryFrame
    do {
      if let kind = LAMMPSFileKind(path: path) {
        let snapshot = try kind == .data ? LAMMPSDataFile.read(path: path) : LAMMPSDumpFile.readLastFrame(path: path)
        (header, frame) = try Self.trajectory(from: snapshot, system: system, typeMap: typeMap, path: path)
      } else if Self.isH5MD(path) {
        (header, frame) = try H5MDReader.read(path: path)
      } else {
        let trajectory = try ExtendedXYZReader.read(path: path, dimension: system.dimension)
        guard let last = trajectory.frames.last else {
          throw SystemError("positions file \(path) has no frames")
        }
        (header, frame) = (trajectory.header, last)
      }
    } catch let error as TrajectoryError {
      throw SystemError("positions file: \(error)")
    }
    if header.dimension == 3, system.dimension == 2 {
      (header, frame) = try Self.planar(header, frame, path: path)
    }
    guard header.dimension == system.dimension else {
      throw SystemError("positions file \(path) is \(header.dimension)D, the system \(system.dimension)D")
    }
    guard header.particleCount == system.particleCount else {
      throw SystemError(
        "positions file \(path) has \(header.particleCount) particles, the system has \(system.particleCount)")
    }
    var assignment = [Int]()
    assignment.reserveCapacity(header.particleCount)
    for index in header.species {
      let name = header.speciesNames[index]
      guard let species = system.speciesNames.firstIndex(of: name) else {
        throw SystemError(
          "positions file \(path) has species '\(name)', which the system does not have (it has \(system.speciesNames.joined(separator: ", ")))")
      }
      assignment.append(species)
    }
    guard frame.positions.allSatisfy(\.isFinite) else {
      throw SystemError("positions file \(path) has a non-finite coordinate")
    }
    var matched = try system.reorderingSpecies(assignment)
    var positions = frame.positions
    let edges = frame.box.edges
    if system.periodic, !frame.box.isOrthorhombic {
      // A sheared cell: the reference cell's edges are the diagonal of the edge vectors, F their
      // columns over it, and positions go back to reference coordinates X = F⁻¹R.
      let rows = frame.box.edgeVectorRows
      let d = system.dimension
      let deformation = (0..<d).map { a in (0..<d).map { k in rows[k][a] / edges[k] } }
      matched = try matched.replacingBox(edges: edges, deformation: deformation).reorderingSpecies(assignment)
      positions = matched.model.referencePositions(positions)
    } else if system.periodic, edges.count == system.dimension, edges.allSatisfy({ $0 > 0 }),
              edges != system.boxEdges || system.model.deformation != nil {
      matched = try matched.replacingBox(edges: edges).reorderingSpecies(assignment)
    }
    try matched.checkConfiguration(positions, origin: "positions file \(path)")
    self.positions = positions
    self.system = matched
  }

  /// A LAMMPS snapshot as a one-frame trajectory of `system`: species from the types, the x–y plane
  /// of a 2D system (whose z coordinates must be 0, as in LAMMPS's 2D runs).
  static func trajectory(from snapshot: LAMMPSSnapshot, system: ParticleSystem, typeMap: LAMMPSTypeMap?,
                         path: String) throws -> (TrajectoryHeader, TrajectoryFrame) {
    let d = system.dimension
    let species = try LAMMPSTypeMap.species(of: snapshot, in: system, map: typeMap, path: path)
    var positions: [Double] = []
    positions.reserveCapacity(snapshot.atomCount * d)
    for atom in 0..<snapshot.atomCount {
      let row = snapshot.positions[(3 * atom)..<(3 * atom + 3)]
      let z = row.last! + snapshot.origin[2]
      if d == 2, z != 0 {
        throw SystemError("LAMMPS file \(path): atom \(snapshot.ids[atom]) has z = \(z); a 2D system lies at z = 0")
      }
      positions += row.prefix(d)
    }
    let box = SimulationBox(edges: Array(snapshot.boxEdges.prefix(d)))
    let header = TrajectoryHeader(dimension: d, speciesNames: system.speciesNames, species: species,
                                  periodic: Array(snapshot.periodic.prefix(d)), box: box)
    return (header, TrajectoryFrame(step: snapshot.step, time: 0, positions: positions, box: box))
  }

  /// A 3D file of a 2D system (written with `--embed-3d`, or by a 3D-only program): the x–y plane,
  /// when every z coordinate is 0.
  static func planar(_ header: TrajectoryHeader, _ frame: TrajectoryFrame, path: String) throws
    -> (TrajectoryHeader, TrajectoryFrame) {
    let n = header.particleCount
    guard (0..<n).allSatisfy({ frame.positions[3 * $0 + 2] == 0 }) else {
      throw SystemError("positions file \(path) is 3D with particles off the z = 0 plane; the system is 2D")
    }
    var planarHeader = header
    planarHeader.dimension = 2
    planarHeader.periodic = Array(header.periodic.prefix(2))
    planarHeader.box = SimulationBox(edges: Array(header.box.edges.prefix(2)))
    var planarFrame = frame
    planarFrame.positions = (0..<n).flatMap { [frame.positions[3 * $0], frame.positions[3 * $0 + 1]] }
    planarFrame.box = SimulationBox(edges: Array(frame.box.edges.prefix(2)))
    planarFrame.fields = [:]
    return (planarHeader, planarFrame)
  }

  static func isH5MD(_ path: String) -> Bool {
    ["h5", "h5md", "hdf5"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
  }
}

/// The LAMMPS files a positions path may name, by extension.
enum LAMMPSFileKind {
  case data, dump

  init?(path: String) {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "data", "lmp": self = .data
    case "dump", "lammpstrj": self = .dump
    default: return nil
    }
  }
}
