/// One configuration as LAMMPS stores it: atoms with ids and integer types in an orthogonal box.
///
/// The readers sort atoms by id (LAMMPS writes them in any order) and shift coordinates so that
/// the box starts at the origin: position 0 is LAMMPS's `xlo`, as mdsens boxes are [0, L).
/// Types are LAMMPS's 1-based atom types; mapping them to species is the caller's choice.
public struct LAMMPSSnapshot: Sendable, Equatable {
  /// The atom ids, ascending.
  public var ids: [Int]
  /// The 1-based atom type of every atom, in id order.
  public var types: [Int]
  /// Positions, row-major N × 3 in LAMMPS's length unit, relative to the box's lower corner.
  public var positions: [Double]
  /// The box edges xhi − xlo, yhi − ylo, zhi − zlo.
  public var boxEdges: [Double]
  /// The box's lower corner (xlo, ylo, zlo) in LAMMPS's coordinates, which ``positions`` are relative to.
  public var origin: [Double]
  /// Whether each axis is periodic (a dump's `pp` flags; a data file does not say: all true).
  public var periodic: [Bool]
  /// Every atom's diameter (atom style `sphere`), else nil.
  public var diameters: [Double]?
  /// Type names found in comments after the `Masses` lines (`1 1.0 # small`), as mdsens writes them.
  public var typeNames: [Int: String]
  /// The time step (a dump's `TIMESTEP`; 0 for a data file).
  public var step: Int

  /// A snapshot from its parts.
  public init(ids: [Int], types: [Int], positions: [Double], boxEdges: [Double], origin: [Double] = [0, 0, 0],
              periodic: [Bool], diameters: [Double]? = nil, typeNames: [Int: String] = [:], step: Int = 0) {
    self.origin = origin
    self.ids = ids
    self.types = types
    self.positions = positions
    self.boxEdges = boxEdges
    self.periodic = periodic
    self.diameters = diameters
    self.typeNames = typeNames
    self.step = step
  }

  /// The number of atoms.
  public var atomCount: Int { ids.count }

  /// Atoms of `rows` (id, type, diameter, x, y, z) sorted by id, checked for repeated ids.
  static func sorted(_ rows: [(id: Int, type: Int, diameter: Double?, position: [Double])], path: String) throws
    -> (ids: [Int], types: [Int], diameters: [Double]?, positions: [Double]) {
    let ordered = rows.sorted { $0.id < $1.id }
    for index in ordered.indices.dropFirst() where ordered[index].id == ordered[index - 1].id {
      throw TrajectoryError(.invalidData, path: path, reason: "atom id \(ordered[index].id) appears twice")
    }
    let diameters = ordered.first?.diameter == nil ? nil : ordered.map { $0.diameter ?? 0 }
    return (ordered.map(\.id), ordered.map(\.type), diameters, ordered.flatMap(\.position))
  }
}

/// Reads a whitespace-separated token as a finite number, or throws naming the line.
func lammpsNumber(_ token: Substring, path: String, line: Int, what: String) throws -> Double {
  guard let value = Double(token), value.isFinite else {
    throw TrajectoryError(.malformedText, path: path, line: line, reason: "\(what) is not a finite number: '\(excerpt(token))'")
  }
  return value
}

/// Reads a token as a whole number ≥ `minimum`, or throws naming the line.
func lammpsInteger(_ token: Substring, path: String, line: Int, what: String, minimum: Int = 1) throws -> Int {
  guard let value = Int(token), value >= minimum else {
    throw TrajectoryError(.malformedText, path: path, line: line, reason: "\(what) must be a whole number ≥ \(minimum), got '\(excerpt(token))'")
  }
  return value
}
