import Foundation
import Trajectories

/// Starting positions read from an extended XYZ or H5MD file (the last frame), matched to a system:
/// species by name, the box from the file's lattice when it has one.
public struct PositionsFile: Sendable {
  /// Flat positions [x₀, y₀, (z₀,) x₁, ...] (length units).
  public let positions: [Double]
  /// The system with the file's box and species order.
  public let system: ParticleSystem

  /// Reads `path` (by extension: .h5/.h5md/.hdf5 as H5MD, anything else as extended XYZ).
  public init(path: String, system: ParticleSystem) throws {
    let header: TrajectoryHeader
    let frame: TrajectoryFrame
    do {
      if Self.isH5MD(path) {
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
    let edges = frame.box.edges
    if system.periodic, edges.count == system.dimension, edges.allSatisfy({ $0 > 0 }), edges != system.boxEdges {
      matched = try matched.replacingBox(edges: edges).reorderingSpecies(assignment)
    }
    try matched.checkConfiguration(frame.positions, origin: "positions file \(path)")
    self.positions = frame.positions
    self.system = matched
  }

  static func isH5MD(_ path: String) -> Bool {
    ["h5", "h5md", "hdf5"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
  }
}
