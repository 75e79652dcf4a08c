import Foundation

/// Reads extended XYZ files (ASE / OVITO convention) with one or more frames.
///
/// The comment line must have `Properties=` with a `species:S:1` column and a `pos:R:3` (or, for 2D,
/// `pos:R:2`) column, in any order among other columns; every other real column of 3 (or d)
/// components becomes a named field, other columns are skipped. `Lattice=` (orthorhombic only) gives
/// the box; without it every axis must be non-periodic and the box edges are 0 (unknown extent).
/// `pbc=` defaults to periodic when a lattice is given, as in ASE. `step`, `time`, `energy`,
/// `max_force`, `species_names`, `length_unit` and `energy_unit` are read when present.
///
/// Asked for dimension 2, the reader expects the layout ``ExtendedXYZWriter`` produces: z
/// coordinates and z field components must be 0, the third lattice vector and `pbc` flag are ignored.
public enum ExtendedXYZReader {
  /// Reads every frame of the file at `path`.
  ///
  /// - Parameter dimension: 3, or 2 to map the z = 0 plane back to a 2D system.
  /// - Throws: ``TrajectoryError`` naming the 1-based line for malformed lines, wrong particle
  ///   counts, unparsable or non-finite numbers, a missing `Properties` key, unknown species, or
  ///   frames that disagree with the first one about the particles.
  public static func read(path: String, dimension: Int = 3) throws -> Trajectory {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TrajectoryError(.cannotOpen, path: path, reason: "cannot read the file (missing or unreadable)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw TrajectoryError(.cannotOpen, path: path, reason: "the file is not UTF-8 text")
    }
    return try parse(text, path: path, dimension: dimension)
  }

  /// Parses extended XYZ text; `path` only labels errors.
  static func parse(_ text: String, path: String, dimension: Int) throws -> Trajectory {
    guard dimension == 2 || dimension == 3 else {
      throw TrajectoryError(.invalidData, path: path, reason: "dimension must be 2 or 3, not \(dimension)")
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.last == "\r" ? line.dropLast() : line
    }
    var parser = ExtendedXYZFrameParser(path: path, dimension: dimension, lines: lines)
    var frames: [TrajectoryFrame] = []
    while let frame = try parser.nextFrame() { frames.append(frame) }
    guard let header = parser.header else {
      throw TrajectoryError(.malformedText, path: path, line: 1, reason: "the file has no frames")
    }
    return Trajectory(header: header, frames: frames)
  }
}
