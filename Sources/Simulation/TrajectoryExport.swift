import Foundation
import Trajectories

/// The output formats of the command-line tool.
public enum TrajectoryFormat: String, Sendable, CaseIterable {
  case h5md
  case xyz
  /// A LAMMPS data file of the last frame (`read_data`).
  case lammpsData = "lammps-data"

  /// The format a path's extension implies (.xyz / .extxyz → XYZ, else H5MD).
  public init(path: String) {
    self = Self(recognising: path) ?? .h5md
  }

  /// The format of a path with a known extension (.h5, .h5md, .hdf5; .xyz, .extxyz), else nil.
  public init?(recognising path: String) {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "h5", "h5md", "hdf5": self = .h5md
    case "xyz", "extxyz": self = .xyz
    case "data", "lmp": self = .lammpsData
    default: return nil
    }
  }

  public var fileExtension: String {
    switch self {
    case .h5md: "h5"
    case .xyz: "xyz"
    case .lammpsData: "data"
    }
  }
}

extension ParticleSystem {
  /// The trajectory header for this system, species by name.
  ///
  /// - Parameters:
  ///   - fieldUnits: the unit of each extra field (see ``UnitConvention/sensitivityUnit(parameterLengthPower:parameterEnergyPower:)``).
  ///   - author: the H5MD author; nil or empty takes the login name (``TrajectoryAuthor/resolved(_:)``).
  ///   - units: how the units are stated; the numbers are the same in every convention.
  public func trajectoryHeader(fieldUnits: [String: String] = [:], author: String? = nil,
                               units: UnitConvention = .reduced) -> TrajectoryHeader {
    TrajectoryHeader(
      dimension: dimension, speciesNames: speciesNames, species: speciesOfParticle,
      periodic: Array(repeating: periodic, count: dimension), box: simulationBox,
      authorName: TrajectoryAuthor.resolved(author), creatorName: "mdsens",
      creatorVersion: MDSensVersion.string, lengthUnit: units.length, energyUnit: units.energy,
      timeUnit: units.time, unitSystem: units.systemName, fieldUnits: fieldUnits.filter { !$0.value.isEmpty },
      speciesDiameters: speciesDiameters)
  }

  /// The cell as files store it: its edge lengths, or the edge vectors F·Lₖeₖ of a deformed one.
  public var simulationBox: SimulationBox {
    model.deformation == nil ? SimulationBox(edges: boxEdges) : SimulationBox(edgeVectors: model.edgeVectors)
  }

  /// A frame at `step` with this system's box. Positions and per-particle vector fields are given in
  /// the model's reference coordinates and written in the cell, R = F·X (unchanged when F = I).
  public func frame(step: Int, positions: [Double], energy: Double?, maximumForce: Double?,
                    fields: [String: [Double]] = [:]) -> TrajectoryFrame {
    TrajectoryFrame(step: step, time: Double(step), positions: model.physicalPositions(positions), box: simulationBox,
                    potentialEnergy: energy, maxForceComponent: maximumForce,
                    fields: fields.mapValues { model.physicalPositions($0) })
  }
}

/// Writes frames to a file, completely or not at all (both writers go through a temporary file).
///
/// - Parameters:
///   - frames: the frames in order (a LAMMPS data file keeps the last).
///   - header: the particles, species, boundary, provenance and units.
///   - path: the destination; it appears only when complete.
///   - format: H5MD, extended XYZ or a LAMMPS data file.
///   - embedding: write a 2D trajectory as a thin periodic 3D slab, for 3D-only readers (MDAnalysis).
///   - xyzLayout: how extended XYZ lays out a 2D system (`ExtendedXYZWriter/Layout`).
///   - lammpsStyle: the atom style of a LAMMPS data file, which holds the last frame only.
///   - speciesDiameters: every species' diameter, which the `sphere` style writes per atom.
public func writeTrajectory(
  _ frames: [TrajectoryFrame], header: TrajectoryHeader, to path: String, format: TrajectoryFormat,
  embedding: PlanarEmbedding? = nil, xyzLayout: ExtendedXYZWriter.Layout = .embedded,
  lammpsStyle: LAMMPSDataFile.AtomStyle = .sphere, speciesDiameters: [Double]? = nil
) throws {
  let (header, frames) = embedding.map { embedding in
    (embedding.embedding(header), frames.map { embedding.embedding($0, dimension: header.dimension) })
  } ?? (header, frames)
  do {
    switch format {
    case .h5md: try H5MDWriter.write(frames, header: header, to: path)
    case .xyz: try ExtendedXYZWriter.write(frames, header: header, to: path, layout: xyzLayout)
    case .lammpsData:
      guard let last = frames.last else { throw SystemError("cannot write \(path): no frames") }
      try LAMMPSDataFile.write(last, header: header, to: path, style: lammpsStyle, speciesDiameters: speciesDiameters)
    }
  } catch let error as TrajectoryError {
    throw SystemError("cannot write \(path): \(error.reason)")
  }
}

/// The version written into output files.
public enum MDSensVersion {
  public static let string = "0.1.0"
}
