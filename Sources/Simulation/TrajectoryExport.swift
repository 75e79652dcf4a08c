import Foundation
import Trajectories

/// The output formats of the command-line tool.
public enum TrajectoryFormat: String, Sendable, CaseIterable {
  case h5md
  case xyz

  /// The format a path's extension implies (.xyz / .extxyz → XYZ, else H5MD).
  public init(path: String) {
    let suffix = URL(fileURLWithPath: path).pathExtension.lowercased()
    self = suffix == "xyz" || suffix == "extxyz" ? .xyz : .h5md
  }

  public var fileExtension: String { self == .xyz ? "xyz" : "h5" }
}

extension ParticleSystem {
  /// The trajectory header for this system: dimensionless (reduced) units, species by name.
  public func trajectoryHeader(fieldUnits: [String: String] = [:]) -> TrajectoryHeader {
    TrajectoryHeader(
      dimension: dimension, speciesNames: speciesNames, species: speciesOfParticle,
      periodic: Array(repeating: periodic, count: dimension), box: SimulationBox(edges: boxEdges),
      authorName: ProcessInfo.processInfo.environment["USER"] ?? "", creatorName: "mdsens",
      creatorVersion: MDSensVersion.string, lengthUnit: "sigma", energyUnit: "epsilon", fieldUnits: fieldUnits)
  }

  /// A frame at `step` with this system's box.
  public func frame(step: Int, positions: [Double], energy: Double?, maximumForce: Double?,
                    fields: [String: [Double]] = [:]) -> TrajectoryFrame {
    TrajectoryFrame(step: step, time: Double(step), positions: positions, box: SimulationBox(edges: boxEdges),
                    potentialEnergy: energy, maxForceComponent: maximumForce, fields: fields)
  }
}

/// Writes frames to a file, completely or not at all (both writers go through a temporary file).
public func writeTrajectory(
  _ frames: [TrajectoryFrame], header: TrajectoryHeader, to path: String, format: TrajectoryFormat
) throws {
  do {
    switch format {
    case .h5md: try H5MDWriter.write(frames, header: header, to: path)
    case .xyz: try ExtendedXYZWriter.write(frames, header: header, to: path)
    }
  } catch let error as TrajectoryError {
    throw SystemError("cannot write \(path): \(error.reason)")
  }
}

/// The version written into output files.
public enum MDSensVersion {
  public static let string = "0.1.0"
}
