import Foundation

/// LAMMPS data files (`read_data` / `write_data`) with atom style `atomic` or `sphere`.
///
/// Atom lines are `id type x y z` (atomic) or `id type diameter density x y z` (sphere), each
/// optionally followed by three image flags, which are ignored: positions are taken as they are,
/// relative to the box's lower corner. The style comes from the `Atoms # style` comment, else from
/// the column count. Tilted boxes (`xy xz yz` not zero) are refused. Other sections (Velocities,
/// Bonds, …) are skipped. Type names are read from mdsens's first line (`types: 1=small 2=large`) or
/// from comments after `Masses` lines (`1 1.0 # small`).
public enum LAMMPSDataFile {
  /// The two atom styles read and written.
  public enum AtomStyle: String, Sendable, CaseIterable {
    case atomic, sphere
  }

  /// Reads the configuration in `path`.
  ///
  /// - Throws: ``TrajectoryError`` naming the line for a malformed header or atom line, a tilted box,
  ///   a missing `Atoms` section, the wrong number of atom lines, a repeated id.
  public static func read(path: String) throws -> LAMMPSSnapshot {
    let bytes = try InputFile.contents(of: path, limit: ExtendedXYZReader.maximumFileSize)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw TrajectoryError(.malformedText, path: path, reason: "the file is not UTF-8 text")
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? $0.dropLast() : $0
    }
    var atomCount: Int?
    var bounds: [Double] = [0, 0, 0, 0, 0, 0]
    var foundAxes = Set<Int>()
    var typeNames = typeNamesFromTitle(lines.first ?? "")
    var index = 1
    // The header: counts and box bounds, until the first section keyword.
    while index < lines.count {
      let content = lines[index].split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
      let tokens = content.split(whereSeparator: \.isWhitespace)
      if tokens.isEmpty { index += 1; continue }
      if Double(tokens[0]) == nil { break }  // a section keyword
      let line = index + 1
      let keywords = tokens.drop { Double($0) != nil }.map(String.init)
      switch keywords {
      case ["atoms"]:
        atomCount = try lammpsInteger(tokens[0], path: path, line: line, what: "the atom count", minimum: 1)
      case ["xlo", "xhi"], ["ylo", "yhi"], ["zlo", "zhi"]:
        let axis = ["x", "y", "z"].firstIndex(of: String(tokens[2].prefix(1)))!
        bounds[2 * axis] = try lammpsNumber(tokens[0], path: path, line: line, what: "the lower bound")
        bounds[2 * axis + 1] = try lammpsNumber(tokens[1], path: path, line: line, what: "the upper bound")
        guard bounds[2 * axis + 1] > bounds[2 * axis] else {
          throw TrajectoryError(.invalidData, path: path, line: line, reason: "the box bounds are empty or reversed")
        }
        foundAxes.insert(axis)
      case ["xy", "xz", "yz"]:
        let tilts = try tokens.prefix(3).map { try lammpsNumber($0, path: path, line: line, what: "a tilt factor") }
        guard tilts.allSatisfy({ $0 == 0 }) else {
          throw TrajectoryError(.invalidData, path: path, line: line, reason: "the box is tilted; only orthogonal boxes are supported")
        }
      default:
        break  // atom types, bond counts and the like
      }
      index += 1
    }
    guard let atomCount else { throw TrajectoryError(.missingObject, path: path, reason: "the header has no 'N atoms' line") }
    guard foundAxes.count == 3 else {
      throw TrajectoryError(.missingObject, path: path, reason: "the header needs xlo xhi, ylo yhi and zlo zhi lines")
    }
    var rows: [(id: Int, type: Int, diameter: Double?, position: [Double])] = []
    var style: AtomStyle?
    // The sections.
    while index < lines.count {
      let parts = lines[index].split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
      let keyword = parts[0].trimmingCharacters(in: .whitespaces)
      index += 1
      if keyword.isEmpty { continue }
      let comment = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
      let body = sectionBody(lines, from: &index)
      switch keyword {
      case "Atoms":
        style = AtomStyle(rawValue: comment)
        guard comment.isEmpty || style != nil else {
          throw TrajectoryError(.invalidData, path: path, line: index, reason: "atom style '\(excerpt(comment))' is not atomic or sphere")
        }
        guard body.count == atomCount else {
          throw TrajectoryError(.inconsistentShape, path: path, reason: "the header says \(atomCount) atoms, the Atoms section has \(body.count) lines")
        }
        for (line, text) in body {
          let tokens = text.split(whereSeparator: \.isWhitespace)
          let lineStyle = try style ?? inferredStyle(columns: tokens.count, path: path, line: line)
          style = lineStyle
          let expected = lineStyle == .atomic ? [5, 8] : [7, 10]
          guard expected.contains(tokens.count) else {
            throw TrajectoryError(.malformedText, path: path, line: line, reason: "atom style \(lineStyle.rawValue) has \(expected[0]) or \(expected[1]) columns, found \(tokens.count)")
          }
          let id = try lammpsInteger(tokens[0], path: path, line: line, what: "the atom id")
          let type = try lammpsInteger(tokens[1], path: path, line: line, what: "the atom type")
          let first = lineStyle == .atomic ? 2 : 4
          let diameter = lineStyle == .sphere
            ? try lammpsNumber(tokens[2], path: path, line: line, what: "the diameter") : nil
          let position = try (0..<3).map { axis in
            try lammpsNumber(tokens[first + axis], path: path, line: line, what: "coordinate \(axis + 1)") - bounds[2 * axis]
          }
          rows.append((id, type, diameter, position))
        }
      case "Masses":
        for (_, text) in body {
          let halves = text.split(separator: "#", maxSplits: 1)
          if halves.count == 2, let type = Int(halves[0].split(whereSeparator: \.isWhitespace).first ?? ""),
             case let name = halves[1].trimmingCharacters(in: .whitespaces), !name.isEmpty, typeNames[type] == nil {
            typeNames[type] = name
          }
        }
      default:
        break  // Velocities, Bonds, coefficients: not needed for a configuration
      }
    }
    guard !rows.isEmpty else { throw TrajectoryError(.missingObject, path: path, reason: "there is no Atoms section") }
    let atoms = try LAMMPSSnapshot.sorted(rows, path: path)
    return LAMMPSSnapshot(ids: atoms.ids, types: atoms.types, positions: atoms.positions,
                          boxEdges: (0..<3).map { bounds[2 * $0 + 1] - bounds[2 * $0] },
                          origin: (0..<3).map { bounds[2 * $0] }, periodic: [true, true, true], diameters: atoms.diameters, typeNames: typeNames)
  }

  /// Writes `frame` of a trajectory as a data file LAMMPS's `read_data` accepts.
  ///
  /// Types are species indices + 1, named on the first line (`types: 1=small 2=large`) and, for the
  /// atomic style, in comments after the `Masses` lines (mass 1, as mdsens's minimiser assumes).
  /// The sphere style needs every species' diameter and writes the density that gives mass 1
  /// (6/(π d³) in 3D, 4/(π d²) for the discs of a 2D system). A 2D system lies at z = 0 in a box
  /// with zlo zhi = −0.5 0.5, as LAMMPS's 2D runs expect. The file is written atomically.
  public static func write(_ frame: TrajectoryFrame, header: TrajectoryHeader, to path: String,
                           style: AtomStyle, speciesDiameters: [Double]? = nil) throws {
    if let problem = header.validationProblem() ?? header.frameProblem(frame) {
      throw TrajectoryError(.invalidData, path: path, reason: problem)
    }
    guard frame.box.isOrthorhombic else {
      throw TrajectoryError(.invalidData, path: path,
                            reason: "a LAMMPS data file of a sheared (triclinic) cell is not supported yet; write extended XYZ")
    }
    if style == .sphere {
      guard let speciesDiameters, speciesDiameters.count == header.speciesNames.count,
            speciesDiameters.allSatisfy({ $0 > 0 && $0.isFinite }) else {
        throw TrajectoryError(.invalidData, path: path, reason: "atom style sphere needs a positive diameter per species")
      }
    }
    let d = header.dimension
    let names = header.speciesNames.enumerated().map { "\($0.offset + 1)=\($0.element)" }.joined(separator: " ")
    var text = "LAMMPS data file written by \(header.creatorName) \(header.creatorVersion); types: \(names)\n\n"
    text += "\(header.particleCount) atoms\n\(header.speciesNames.count) atom types\n\n"
    let edges = frame.box.edges
    for axis in 0..<3 {
      let label = ["x", "y", "z"][axis]
      let bounds = axis < d ? "0 \(numberText(edges[axis]))" : "-0.5 0.5"
      text += "\(bounds) \(label)lo \(label)hi\n"
    }
    if style == .atomic {
      text += "\nMasses\n\n"
      for (index, name) in header.speciesNames.enumerated() { text += "\(index + 1) 1 # \(name)\n" }
    }
    text += "\nAtoms # \(style.rawValue)\n\n"
    for particle in 0..<header.particleCount {
      let species = header.species[particle]
      var columns = ["\(particle + 1)", "\(species + 1)"]
      if style == .sphere, let speciesDiameters {
        let diameter = speciesDiameters[species]
        let density = d == 3 ? 6 / (Double.pi * diameter * diameter * diameter) : 4 / (Double.pi * diameter * diameter)
        columns += [numberText(diameter), numberText(density)]
      }
      columns += (0..<3).map { $0 < d ? numberText(frame.positions[particle * d + $0]) : "0" }
      text += columns.joined(separator: " ") + "\n"
    }
    try AtomicFile.write(Array(text.utf8), to: path)
  }

  /// The lines of a section: after one blank line, until a line that starts a new section.
  private static func sectionBody(_ lines: [Substring], from index: inout Int) -> [(line: Int, text: Substring)] {
    var body: [(Int, Substring)] = []
    while index < lines.count {
      let content = lines[index].split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
      let first = content.split(whereSeparator: \.isWhitespace).first
      if let first, Double(first) == nil { break }
      if first != nil { body.append((index + 1, lines[index])) }
      index += 1
    }
    return body
  }

  private static func inferredStyle(columns: Int, path: String, line: Int) throws -> AtomStyle {
    switch columns {
    case 5, 8: return .atomic
    case 7, 10: return .sphere
    default:
      throw TrajectoryError(.malformedText, path: path, line: line,
                            reason: "\(columns) columns fit neither atom style atomic (5 or 8) nor sphere (7 or 10)")
    }
  }

  /// `types: 1=small 2=large` on the first line, as this writer puts it.
  private static func typeNamesFromTitle(_ title: Substring) -> [Int: String] {
    guard let range = title.range(of: "types:") else { return [:] }
    var names: [Int: String] = [:]
    for entry in title[range.upperBound...].split(whereSeparator: \.isWhitespace) {
      let parts = entry.split(separator: "=", maxSplits: 1)
      if parts.count == 2, let type = Int(parts[0]) { names[type] = String(parts[1]) }
    }
    return names
  }
}
