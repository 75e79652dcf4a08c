import Foundation

/// Reads extended XYZ files (ASE / OVITO convention) with one or more frames.
///
/// The comment line must have `Properties=` with a `species:S:1` column and a `pos:R:3` (or, for 2D,
/// `pos:R:2`) column, in any order among other columns; a `species_name:S:1` column, when present,
/// names the species instead of `species` (which then holds ASE's element symbols); every other real column of 3 (or d)
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
  /// - Parameters:
  ///   - path: the file to read.
  ///   - dimension: 3, or 2 to map the z = 0 plane back to a 2D system.
  /// - Throws: ``TrajectoryError``: `.cannotOpen` when the path is missing, unreadable, not a
  ///   regular file (a FIFO or device would block or never end) or too large for memory; otherwise
  ///   naming the 1-based line for malformed lines (CRLF line ends are accepted), wrong particle
  ///   counts, unparsable or non-finite numbers, a missing `Properties` key, unknown species, or
  ///   frames that disagree with the first one about the particles.
  public static func read(path: String, dimension: Int = 3) throws -> Trajectory {
    let bytes = try InputFile.contents(of: path, limit: maximumFileSize)
    return try parse(bytes: bytes, path: path, dimension: dimension)
  }

  /// The largest file read: parsing holds the text, its numbers and the frames (about four times
  /// the text at worst), so a quarter of the machine's memory, and never more than 2³⁶ bytes.
  static var maximumFileSize: Int {
    Int(min(ProcessInfo.processInfo.physicalMemory / 4, 1 << 36))
  }

  /// Parses extended XYZ text; `path` only labels errors.
  static func parse(_ text: String, path: String, dimension: Int) throws -> Trajectory {
    try parse(bytes: Array(text.utf8), path: path, dimension: dimension)
  }

  /// Parses extended XYZ text given as UTF-8 bytes (`\n` or `\r\n` line ends); `path` only labels errors.
  static func parse(bytes: [UInt8], path: String, dimension: Int) throws -> Trajectory {
    guard dimension == 2 || dimension == 3 else {
      throw TrajectoryError(.invalidData, path: path, reason: "dimension must be 2 or 3, not \(dimension)")
    }
    var parser = ExtendedXYZFrameParser(path: path, dimension: dimension, lines: TextLines(bytes: bytes))
    var frames: [TrajectoryFrame] = []
    while let frame = try parser.nextFrame() { frames.append(frame) }
    guard let header = parser.header else {
      throw TrajectoryError(.malformedText, path: path, line: 1, reason: "the file has no frames")
    }
    return Trajectory(header: header, frames: frames)
  }
}
