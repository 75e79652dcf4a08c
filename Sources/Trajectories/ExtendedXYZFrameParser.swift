/// The lines of a text, produced one at a time from its UTF-8 bytes.
///
/// `\n` ends a line and a `\r` before it (CRLF files) or at the end of the text is dropped. Lines are
/// made on demand, so memory stays proportional to the text whatever its shape (splitting a file of
/// newlines into an array of lines up front costs some 30 bytes per byte).
struct TextLines {
  private let bytes: [UInt8]
  private var offset = 0
  /// The 0-based number of the line ``next()`` returns next.
  private(set) var index = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  /// The next line without its terminator, or nil at the end of the text; throws the line's
  /// 0-based number when it is not valid UTF-8.
  mutating func next() throws(TextLinesError) -> Substring? {
    guard offset < bytes.count else { return nil }
    let end = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
    var lineEnd = end
    if lineEnd > offset, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
    guard let text = String(validating: bytes[offset..<lineEnd], as: UTF8.self) else {
      throw TextLinesError(line: index)
    }
    offset = end + 1
    index += 1
    return text[...]
  }
}

/// A line of the text is not valid UTF-8.
struct TextLinesError: Error { let line: Int }

/// Parses extended XYZ frames one at a time, keeping the header of the first frame to check later
/// frames against.
///
/// Nothing is allocated from a number in the file: particle lines are read one by one, so a count
/// larger than the file is reported when the lines run out.
struct ExtendedXYZFrameParser {
  let path: String
  let dimension: Int
  private var lines: TextLines
  /// Frames read so far; a frame without `step=` gets its index as step.
  private var frameIndex = 0
  private(set) var header: TrajectoryHeader?

  init(path: String, dimension: Int, lines: TextLines) {
    self.path = path
    self.dimension = dimension
    self.lines = lines
  }

  private func error(_ line: Int, _ reason: String, _ kind: TrajectoryError.Kind = .malformedText) -> TrajectoryError {
    TrajectoryError(kind, path: path, line: line + 1, reason: reason)
  }

  /// The next line and its 0-based number, or nil at the end of the file.
  private mutating func nextLine() throws -> (index: Int, text: Substring)? {
    let index = lines.index
    do {
      guard let text = try lines.next() else { return nil }
      return (index, text)
    } catch {
      throw self.error(error.line, "the line is not UTF-8 text", .cannotOpen)
    }
  }

  /// The next frame, or nil at the end of the file (trailing blank lines are allowed).
  mutating func nextFrame() throws -> TrajectoryFrame? {
    var firstBlankLine: Int?
    var countLineText: (index: Int, text: Substring)?
    while countLineText == nil {
      guard let line = try nextLine() else { return nil }
      if line.text.isBlank {
        firstBlankLine = firstBlankLine ?? line.index
      } else if let firstBlankLine {
        throw error(firstBlankLine, "expected a particle count (a positive integer), found a blank line")
      } else {
        countLineText = line
      }
    }
    let countLine = countLineText!.index
    let countText = countLineText!.text.trimmingWhitespace()
    guard let count = Int(countText), count >= 1 else {
      throw error(countLine, "expected a particle count (a positive integer), found \"\(excerpt(countText))\"")
    }
    guard let (commentLine, commentText) = try nextLine() else {
      throw error(countLine, "the file ends before the comment line")
    }
    let comment: ExtendedXYZCommentLine
    do {
      comment = try ExtendedXYZCommentLine(parsing: commentText)
    } catch let syntax {
      throw error(commentLine, syntax.message)
    }
    let layout = try columnLayout(comment, line: commentLine)
    let geometry = try boxAndBoundary(comment, line: commentLine)

    let speciesNames = try speciesNameList(comment, line: commentLine)
    var names = speciesNames ?? header?.speciesNames ?? []
    var nameIndex = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    var species: [Int] = []
    var positions: [Double] = []
    var fields: [String: [Double]] = Dictionary(uniqueKeysWithValues: layout.fields.map { ($0.name, []) })
    // Arrays grow with the lines actually read; `count` is only compared with.
    for particle in 0..<count {
      let next = try nextLine()
      guard let (line, text) = next, !text.isBlank else {
        throw error(next?.index ?? lines.index,
                    "the particle count on line \(countLine + 1) is \(count) but only \(particle) particle lines follow")
      }
      let tokens = text.whitespaceFields()
      guard tokens.count == layout.columnCount else {
        throw error(line, "expected \(layout.columnCount) columns as Properties says, found \(tokens.count)")
      }
      let name = String(tokens[layout.speciesNameColumn ?? layout.speciesColumn])
      if let index = nameIndex[name] {
        species.append(index)
      } else if speciesNames == nil && header == nil {
        names.append(name)
        nameIndex[name] = names.count - 1
        species.append(names.count - 1)
      } else {
        throw error(line, "species \"\(excerpt(name))\" is not among the species names \(excerpt(list: names))",
                    .invalidData)
      }
      positions += try vector(tokens, from: layout.positionColumn, count: layout.positionCount, line: line, what: "pos")
      for field in layout.fields {
        fields[field.name]! += try vector(tokens, from: field.column, count: field.count, line: line, what: field.name)
      }
    }

    if let header {
      guard species.count == header.particleCount else {
        throw error(countLine, "this frame has \(species.count) particles, the first frame \(header.particleCount)",
                    .inconsistentShape)
      }
      guard names == header.speciesNames, species == header.species else {
        throw error(commentLine, "the species differ from the first frame's", .inconsistentShape)
      }
    } else {
      header = TrajectoryHeader(
        dimension: dimension, speciesNames: names, species: species, periodic: geometry.periodic,
        box: geometry.box, creatorName: "", lengthUnit: comment.value(forKey: "length_unit") ?? "",
        energyUnit: comment.value(forKey: "energy_unit") ?? "",
        speciesDiameters: try speciesDiameterList(comment, count: names.count, line: commentLine))
    }
    if header!.periodic != geometry.periodic {
      throw error(commentLine, "pbc differs from the first frame's", .inconsistentShape)
    }
    frameIndex += 1
    return TrajectoryFrame(
      step: try integer(comment, "step", line: commentLine) ?? frameIndex - 1,
      time: try number(comment, "time", line: commentLine) ?? 0,
      positions: positions, box: geometry.box,
      potentialEnergy: try number(comment, "energy", line: commentLine),
      maxForceComponent: try number(comment, "max_force", line: commentLine),
      fields: fields)
  }

  private struct ColumnLayout {
    var columnCount = 0
    var speciesColumn = 0
    /// The `species_name` column, which names the species when `species` holds element symbols.
    var speciesNameColumn: Int?
    var positionColumn = 0
    var positionCount = 3
    var fields: [(name: String, column: Int, count: Int)] = []
  }

  private func columnLayout(_ comment: ExtendedXYZCommentLine, line: Int) throws -> ColumnLayout {
    guard let text = comment.value(forKey: "Properties") else {
      throw error(line, "the comment line has no Properties= key", .missingObject)
    }
    let properties: [ExtendedXYZProperty]
    do { properties = try ExtendedXYZProperty.parseList(text) } catch let syntax { throw error(line, syntax.message) }
    var layout = ColumnLayout()
    var foundSpecies = false, foundPosition = false
    for property in properties {
      switch (property.name, property.type, property.count) {
      case ("species", .string, 1):
        layout.speciesColumn = layout.columnCount
        foundSpecies = true
      case (ExtendedXYZProperty.speciesNameColumn, .string, 1):
        layout.speciesNameColumn = layout.columnCount
      case ("pos", .real, 3), ("pos", .real, dimension):
        layout.positionColumn = layout.columnCount
        layout.positionCount = property.count
        foundPosition = true
      case (_, .real, 3) where isValidFieldName(property.name),
           (_, .real, dimension) where isValidFieldName(property.name):
        layout.fields.append((property.name, layout.columnCount, property.count))
      default:
        break  // columns this module has no use for (masses, tags, ...) are skipped
      }
      layout.columnCount += property.count
    }
    guard foundSpecies, foundPosition else {
      throw error(line, "Properties=\(excerpt(text)) needs species:S:1 and pos:R:3 columns", .missingObject)
    }
    return layout
  }

  /// Reads `count` numbers starting at `column`, keeping `dimension` of them; dropped z values must be 0.
  private func vector(_ tokens: [Substring], from column: Int, count: Int, line: Int, what: String) throws -> [Double] {
    var values: [Double] = []
    for component in 0..<count {
      let token = tokens[column + component]
      guard let value = Double(token) else {
        throw error(line, "column \(column + component + 1) (\(excerpt(what))) is not a number: \"\(excerpt(token))\"")
      }
      guard value.isFinite else {
        throw error(line, "column \(column + component + 1) (\(excerpt(what))) is not finite: \"\(excerpt(token))\"", .invalidData)
      }
      if component < dimension {
        values.append(value)
      } else if value != 0 {
        throw error(line, "\(excerpt(what)) has z = \(excerpt(token)) but a 2D system lies in the z = 0 plane", .invalidData)
      }
    }
    return values
  }

  private func boxAndBoundary(_ comment: ExtendedXYZCommentLine, line: Int) throws
    -> (box: SimulationBox, periodic: [Bool]) {
    var periodic = [Bool](repeating: comment.value(forKey: "Lattice") != nil, count: 3)
    if let text = comment.value(forKey: "pbc") {
      let flags = text.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
      guard flags.count == 3, flags.allSatisfy({ ["t", "f", "true", "false", "1", "0"].contains($0) }) else {
        throw error(line, "pbc=\"\(excerpt(text))\" must be three flags T or F")
      }
      periodic = flags.map { ["t", "true", "1"].contains($0) }
    }
    periodic = Array(periodic.prefix(dimension))
    guard let text = comment.value(forKey: "Lattice") else {
      guard !periodic.contains(true) else { throw error(line, "pbc has a periodic axis but there is no Lattice=", .missingObject) }
      return (SimulationBox(edges: [Double](repeating: 0, count: dimension)), periodic)
    }
    let tokens = text.split(whereSeparator: \.isWhitespace)
    let numbers = tokens.compactMap { Double($0) }
    guard tokens.count == 9, numbers.count == 9 else {
      throw error(line, "Lattice=\"\(excerpt(text))\" must be nine numbers")
    }
    guard numbers.allSatisfy(\.isFinite) else { throw error(line, "Lattice has a non-finite number", .invalidData) }
    let offDiagonal = [1, 2, 3, 5, 6, 7].map { numbers[$0] }
    if offDiagonal.contains(where: { $0 != 0 }) {
      // A triclinic cell: the first d edge vectors (in 2D the z components must be 0).
      guard periodic.allSatisfy({ $0 }) else {
        throw error(line, "a triclinic Lattice must be periodic along every axis", .invalidData)
      }
      if dimension == 2, numbers[2] != 0 || numbers[5] != 0 {
        throw error(line, "the Lattice of a 2D system has an edge vector out of the x–y plane", .invalidData)
      }
      let rows = (0..<dimension).map { row in (0..<dimension).map { numbers[row * 3 + $0] } }
      let box = SimulationBox(edgeVectors: rows)
      guard box.volume > 0, (0..<dimension).allSatisfy({ rows[$0][$0] > 0 }) else {
        throw error(line, "the Lattice's edge vectors must be right-handed with positive diagonal entries", .invalidData)
      }
      return (box, periodic)
    }
    let edges = Array([numbers[0], numbers[4], numbers[8]].prefix(dimension))
    for axis in 0..<dimension where periodic[axis] ? edges[axis] <= 0 : edges[axis] < 0 {
      throw error(line, "Lattice edge \(axis + 1) is \(edges[axis])", .invalidData)
    }
    return (SimulationBox(edges: edges), periodic)
  }

  /// `species_diameters="0.6 1"`, one positive number per species, when present.
  private func speciesDiameterList(_ comment: ExtendedXYZCommentLine, count: Int, line: Int) throws -> [Double]? {
    guard let text = comment.value(forKey: "species_diameters") else { return nil }
    let values = text.split(separator: " ").map { Double($0) }
    guard values.count == count, values.allSatisfy({ $0 != nil && $0! > 0 && $0!.isFinite }) else {
      throw error(line, "species_diameters=\"\(excerpt(text))\" must give \(count) positive diameters", .invalidData)
    }
    return values.map { $0! }
  }

  private func speciesNameList(_ comment: ExtendedXYZCommentLine, line: Int) throws -> [String]? {
    guard let text = comment.value(forKey: "species_names") else { return nil }
    let names = text.split(whereSeparator: \.isWhitespace).map(String.init)
    guard !names.isEmpty, Set(names).count == names.count else {
      throw error(line, "species_names=\"\(excerpt(text))\" must list distinct names", .invalidData)
    }
    return names
  }

  private func number(_ comment: ExtendedXYZCommentLine, _ key: String, line: Int) throws -> Double? {
    guard let text = comment.value(forKey: key) else { return nil }
    guard let value = Double(text) else { throw error(line, "\(key)=\(excerpt(text)) is not a number") }
    guard value.isFinite else { throw error(line, "\(key)=\(excerpt(text)) is not finite", .invalidData) }
    return value
  }

  private func integer(_ comment: ExtendedXYZCommentLine, _ key: String, line: Int) throws -> Int? {
    guard let text = comment.value(forKey: key) else { return nil }
    guard let value = Int(text) else { throw error(line, "\(key)=\(excerpt(text)) is not an integer") }
    return value
  }
}

extension Substring {
  /// The fields between runs of whitespace (`Character.isWhitespace`), as `split` gives them.
  ///
  /// A particle line is nearly always ASCII, and splitting its bytes is many times faster than
  /// splitting its Characters (each one a grapheme cluster to segment and classify): a 10⁵-particle
  /// file is read in a fraction of the time. A line with any other byte goes the Character way, so
  /// Unicode whitespace still separates.
  func whitespaceFields() -> [Substring] {
    let bytes = utf8
    var fields: [Substring] = []
    var fieldStart: Index?
    var index = bytes.startIndex
    while index != bytes.endIndex {
      let byte = bytes[index]
      if byte >= 0x80 { return split(whereSeparator: \.isWhitespace) }
      if Self.isASCIIWhitespace(byte) {
        if let start = fieldStart { fields.append(self[start..<index]) }
        fieldStart = nil
      } else if fieldStart == nil {
        fieldStart = index
      }
      bytes.formIndex(after: &index)
    }
    if let start = fieldStart { fields.append(self[start..<endIndex]) }
    return fields
  }

  /// Whether every character is whitespace (true for an empty line): by bytes up to the first byte
  /// that is not ASCII whitespace, by Character from there only if that byte is not ASCII.
  var isBlank: Bool {
    for byte in utf8 where !Self.isASCIIWhitespace(byte) {
      return byte >= 0x80 ? allSatisfy(\.isWhitespace) : false
    }
    return true
  }

  /// The ASCII characters with Unicode's White_Space property: tab, line feed, vertical tab, form
  /// feed, carriage return and space.
  private static func isASCIIWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

  func trimmingWhitespace() -> Substring {
    let start = firstIndex { !$0.isWhitespace } ?? endIndex
    let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
    return self[start..<Swift.max(start, end)]
  }
}
