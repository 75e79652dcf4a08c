import Simulation
import Trajectories

/// How a command writes its trajectory file.
struct FileSettings {
  var author: String?
  var units = UnitConvention.reduced
  var embedding: PlanarEmbedding?
  var xyzLayout = ExtendedXYZWriter.Layout.embedded
  var lammpsStyle = LAMMPSDataFile.AtomStyle.sphere

  /// Writes `frames` of `system` with these settings.
  func write(_ frames: [TrajectoryFrame], system: ParticleSystem, fieldUnits: [String: String] = [:],
             to path: String, format: TrajectoryFormat) throws {
    let header = system.trajectoryHeader(fieldUnits: fieldUnits, author: author, units: units)
    try writeTrajectory(frames, header: header, to: path, format: format, embedding: embedding, xyzLayout: xyzLayout,
                        lammpsStyle: lammpsStyle, speciesDiameters: system.speciesDiameters)
  }
}
