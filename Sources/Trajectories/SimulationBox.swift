/// The simulation cell of one configuration.
///
/// The cell is stored as its matrix of edge vectors (row `i` is edge vector `i`, in length units),
/// so that a general triclinic cell can be added later as a new initialiser without changing the
/// stored representation or the file layouts. A triclinic (sheared) cell is made from its edge
/// vectors; the extended XYZ reader and writer carry it in `Lattice=`, the H5MD writer refuses it.
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

  /// A general (triclinic) cell from its edge vectors, row `i` being edge vector `i` (length units).
  public init(edgeVectors rows: [[Double]]) {
    precondition(rows.allSatisfy { $0.count == rows.count }, "the edge vectors are a d×d matrix")
    dimension = rows.count
    edgeVectors = rows.flatMap { $0 }
  }

  /// Edge vector `i` as row `i`.
  public var edgeVectorRows: [[Double]] {
    (0..<dimension).map { Array(edgeVectors[($0 * dimension)..<(($0 + 1) * dimension)]) }
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

  /// det(edge vectors): the volume (area in 2D) of the cell, positive for a right-handed one.
  public var volume: Double {
    let h = edgeVectorRows
    return dimension == 2
      ? h[0][0] * h[1][1] - h[0][1] * h[1][0]
      : h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) - h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0])
        + h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0])
  }
}
