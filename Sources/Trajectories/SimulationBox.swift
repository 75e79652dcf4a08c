/// The simulation cell of one configuration.
///
/// The cell is stored as its matrix of edge vectors (row `i` is edge vector `i`, in length units),
/// so that a general triclinic cell can be added later as a new initialiser without changing the
/// stored representation or the file layouts. Today only orthorhombic cells can be made, and the
/// writers rely on ``isOrthorhombic``.
public struct SimulationBox: Sendable, Hashable {
  /// The spatial dimension, 2 or 3.
  public let dimension: Int
  /// Row-major `dimension × dimension` matrix whose rows are the edge vectors, in length units.
  public let edgeVectors: [Double]

  /// An orthorhombic cell with the given edge lengths per axis, in length units.
  ///
  /// An edge of a non-periodic axis may be 0, meaning the extent along that axis is not known.
  public init(edges: [Double]) {
    let dimension = edges.count
    var matrix = [Double](repeating: 0, count: dimension * dimension)
    for axis in 0..<dimension { matrix[axis * dimension + axis] = edges[axis] }
    self.dimension = dimension
    self.edgeVectors = matrix
  }

  /// The edge lengths along the coordinate axes (the diagonal of ``edgeVectors``), in length units.
  public var edges: [Double] {
    (0..<dimension).map { edgeVectors[$0 * dimension + $0] }
  }

  /// Whether every edge vector lies along its own coordinate axis.
  public var isOrthorhombic: Bool {
    for row in 0..<dimension {
      for column in 0..<dimension where row != column && edgeVectors[row * dimension + column] != 0 {
        return false
      }
    }
    return true
  }
}
