import Foundation

/// The last frame of a LAMMPS text dump (`dump atom` or `dump custom`).
///
/// Each frame is `ITEM: TIMESTEP`, `ITEM: NUMBER OF ATOMS`, `ITEM: BOX BOUNDS` (with the boundary
/// flags, e.g. `pp pp pp`; tilted boxes are refused) and `ITEM: ATOMS` naming the columns, which
/// must include `id`, `type` and either `x y z` (or unwrapped `xu yu zu`) or scaled `xs ys zs`
/// (fractions of the box). A `diameter` column (or `radius`, doubled) gives the diameters.
/// Positions come back relative to the box's lower corner.
public enum LAMMPSDumpFile {
  /// Reads the last complete frame of the dump in `path`.
  ///
  /// - Throws: ``TrajectoryError`` naming the line for a malformed item, missing columns, a tilted
  ///   box, too few atom lines or a repeated id.
  public static func readLastFrame(path: String) throws -> LAMMPSSnapshot {
    let bytes = try InputFile.contents(of: path, limit: ExtendedXYZReader.maximumFileSize)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw TrajectoryError(.malformedText, path: path, reason: "the file is not UTF-8 text")
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? $0.dropLast() : $0
    }
    guard let start = lines.lastIndex(where: { $0.hasPrefix("ITEM: TIMESTEP") }) else {
      throw TrajectoryError(.missingObject, path: path, reason: "there is no 'ITEM: TIMESTEP' line")
    }
    var index = start + 1
    func next(_ what: String) throws -> (line: Int, text: Substring) {
      guard index < lines.count else {
        throw TrajectoryError(.malformedText, path: path, line: index, reason: "the file ends before \(what)")
      }
      index += 1
      return (index, lines[index - 1])
    }
    let stepLine = try next("the time step")
    let step = try lammpsInteger(stepLine.text.split(whereSeparator: \.isWhitespace).first ?? "", path: path,
                                 line: stepLine.line, what: "the time step", minimum: 0)
    var count = 0, edges = [Double](), lower = [Double](), periodic = [Bool]()
    var columns: [Substring] = []
    while columns.isEmpty {
      let item = try next("ITEM: ATOMS")
      if item.text.hasPrefix("ITEM: NUMBER OF ATOMS") {
        let value = try next("the atom count")
        count = try lammpsInteger(value.text.split(whereSeparator: \.isWhitespace).first ?? "", path: path,
                                  line: value.line, what: "the atom count")
      } else if item.text.hasPrefix("ITEM: BOX BOUNDS") {
        let flags = item.text.dropFirst("ITEM: BOX BOUNDS".count).split(whereSeparator: \.isWhitespace)
        guard !flags.contains(where: { ["xy", "xz", "yz"].contains($0) }) else {
          throw TrajectoryError(.invalidData, path: path, line: item.line, reason: "the box is tilted; only orthogonal boxes are supported")
        }
        periodic = (0..<3).map { $0 < flags.count ? flags[$0] == "pp" : true }
        for _ in 0..<3 {
          let bounds = try next("the box bounds")
          let values = try bounds.text.split(whereSeparator: \.isWhitespace).prefix(2).map {
            try lammpsNumber($0, path: path, line: bounds.line, what: "a box bound")
          }
          guard values.count == 2, values[1] > values[0] else {
            throw TrajectoryError(.invalidData, path: path, line: bounds.line, reason: "box bounds must be 'low high' with high > low")
          }
          lower.append(values[0])
          edges.append(values[1] - values[0])
        }
      } else if item.text.hasPrefix("ITEM: ATOMS") {
        columns = item.text.dropFirst("ITEM: ATOMS".count).split(whereSeparator: \.isWhitespace)
        guard !columns.isEmpty else {
          throw TrajectoryError(.missingObject, path: path, line: item.line, reason: "ITEM: ATOMS names no columns")
        }
      }
    }
    guard count > 0, edges.count == 3 else {
      throw TrajectoryError(.missingObject, path: path, reason: "the last frame lacks NUMBER OF ATOMS or BOX BOUNDS")
    }
    func column(_ names: [String]) -> [Int]? {
      let found = names.compactMap { name in columns.firstIndex(of: Substring(name)) }
      return found.count == names.count ? found : nil
    }
    guard let identity = column(["id", "type"]) else {
      throw TrajectoryError(.missingObject, path: path, reason: "ITEM: ATOMS needs the columns id and type")
    }
    let scaled = column(["x", "y", "z"]) == nil && column(["xu", "yu", "zu"]) == nil
    guard let coordinates = column(["x", "y", "z"]) ?? column(["xu", "yu", "zu"]) ?? column(["xs", "ys", "zs"]) else {
      throw TrajectoryError(.missingObject, path: path, reason: "ITEM: ATOMS needs x y z, xu yu zu or xs ys zs")
    }
    let diameterColumn = columns.firstIndex(of: "diameter")
    let radiusColumn = columns.firstIndex(of: "radius")
    var rows: [(id: Int, type: Int, diameter: Double?, position: [Double])] = []
    for _ in 0..<count {
      let atom = try next("atom line \(rows.count + 1) of \(count)")
      let tokens = atom.text.split(whereSeparator: \.isWhitespace)
      guard tokens.count == columns.count else {
        throw TrajectoryError(.malformedText, path: path, line: atom.line, reason: "expected \(columns.count) columns, found \(tokens.count)")
      }
      let position = try (0..<3).map { axis in
        let value = try lammpsNumber(tokens[coordinates[axis]], path: path, line: atom.line, what: String(columns[coordinates[axis]]))
        return scaled ? value * edges[axis] : value - lower[axis]
      }
      var diameter: Double?
      if let diameterColumn {
        diameter = try lammpsNumber(tokens[diameterColumn], path: path, line: atom.line, what: "diameter")
      } else if let radiusColumn {
        diameter = 2 * (try lammpsNumber(tokens[radiusColumn], path: path, line: atom.line, what: "radius"))
      }
      rows.append((try lammpsInteger(tokens[identity[0]], path: path, line: atom.line, what: "id"),
                   try lammpsInteger(tokens[identity[1]], path: path, line: atom.line, what: "type"),
                   diameter, position))
    }
    let atoms = try LAMMPSSnapshot.sorted(rows, path: path)
    return LAMMPSSnapshot(ids: atoms.ids, types: atoms.types, positions: atoms.positions, boxEdges: edges,
                          origin: lower, periodic: periodic, diameters: atoms.diameters, step: step)
  }
}
