/// One stored configuration: positions, box, observables and optional per-particle vector fields.
public struct TrajectoryFrame: Sendable, Equatable {
  /// The integration or minimisation step this frame belongs to.
  public var step: Int
  /// The simulation time of this frame, in the time unit of the caller (0 for minimisations).
  public var time: Double
  /// Positions, row-major N × d, in the header's length unit.
  public var positions: [Double]
  /// The box of this frame.
  public var box: SimulationBox
  /// The potential energy of the whole configuration, in the header's energy unit.
  public var potentialEnergy: Double?
  /// The largest absolute force component, in energy unit per length unit.
  public var maxForceComponent: Double?
  /// Named per-particle vector fields, each row-major N × d in physical units (the header's
  /// ``TrajectoryHeader/fieldUnits`` names them), e.g. `"sensitivity_diameter"`: the derivative of
  /// the positions by a particle diameter. Names use letters, digits and `_`.
  public var fields: [String: [Double]]
  /// Named arrays of any length stored as `/observables/<name>/value` (H5MD only; the XYZ writer
  /// leaves them out), e.g. a density of states or a structure factor sampled at this frame.
  public var observables: [String: [Double]]

  /// A frame; observables and fields are optional.
  public init(
    step: Int, time: Double, positions: [Double], box: SimulationBox,
    potentialEnergy: Double? = nil, maxForceComponent: Double? = nil, fields: [String: [Double]] = [:],
    observables: [String: [Double]] = [:]
  ) {
    self.step = step
    self.time = time
    self.positions = positions
    self.box = box
    self.potentialEnergy = potentialEnergy
    self.maxForceComponent = maxForceComponent
    self.fields = fields
    self.observables = observables
  }
}

/// A header with all its frames, as returned by the whole-file readers.
public struct Trajectory: Sendable, Equatable {
  /// What stays the same over the frames.
  public var header: TrajectoryHeader
  /// The frames in file order.
  public var frames: [TrajectoryFrame]

  /// A trajectory from its parts.
  public init(header: TrajectoryHeader, frames: [TrajectoryFrame]) {
    self.header = header
    self.frames = frames
  }
}
