/// A two-dimensional trajectory written as a three-dimensional one, for readers that open 3D
/// boxes only (MDAnalysis refuses a box whose `dimension` is not 3).
///
/// As LAMMPS users do for 2D runs, the plane becomes the layer z = 0 of a box whose third edge is
/// a thin periodic `thickness` (in length units): positions and every field get a zero z component,
/// the box edges (L_x, L_y) become (L_x, L_y, thickness). Nothing else changes, so the x and y
/// numbers are the same doubles. A three-dimensional trajectory is returned unchanged.
public struct PlanarEmbedding: Sendable, Equatable {
  /// The third box edge, in length units.
  public var thickness: Double

  /// An embedding with the given slab thickness (length units, > 0).
  public init(thickness: Double = 1) {
    precondition(thickness > 0 && thickness.isFinite, "the slab thickness must be positive")
    self.thickness = thickness
  }

  /// The header of the embedded trajectory: dimension 3, z periodic, the box padded with the slab.
  public func embedding(_ header: TrajectoryHeader) -> TrajectoryHeader {
    guard header.dimension == 2 else { return header }
    var embedded = header
    embedded.dimension = 3
    embedded.periodic = header.periodic + [true]
    embedded.box = embedding(header.box)
    return embedded
  }

  /// A frame of a 2D trajectory with zero z components and the slab's box.
  public func embedding(_ frame: TrajectoryFrame, dimension: Int) -> TrajectoryFrame {
    guard dimension == 2 else { return frame }
    var embedded = frame
    embedded.positions = Self.padded(frame.positions)
    embedded.box = embedding(frame.box)
    embedded.fields = frame.fields.mapValues(Self.padded)
    return embedded
  }

  private func embedding(_ box: SimulationBox) -> SimulationBox {
    SimulationBox(edges: box.edges + [thickness])
  }

  /// Row-major N × 2 values as N × 3 with z = 0.
  private static func padded(_ planar: [Double]) -> [Double] {
    var values: [Double] = []
    values.reserveCapacity(planar.count / 2 * 3)
    for row in stride(from: 0, to: planar.count - 1, by: 2) {
      values += [planar[row], planar[row + 1], 0]
    }
    return values
  }
}
