import CHDF5
import Foundation
import Testing
@testable import Trajectories

/// Regression tests for issue 12: every hostile input is refused with one clear line naming the file
/// and field, without a trap, a hang, a huge allocation or a file left behind.
@Suite("Hostile extended XYZ input")
struct HostileExtendedXYZTests {
  static let comment = #"Lattice="2 0 0 0 2 0 0 0 2" Properties=species:S:1:pos:R:3 pbc="T T T""#

  func error(reading text: String, dimension: Int = 3) throws -> TrajectoryError {
    try #require(throws: TrajectoryError.self) {
      _ = try ExtendedXYZReader.parse(text, path: "bad.xyz", dimension: dimension)
    }
  }

  @Test("A huge, negative or non-integer particle count is refused, not trapped or allocated",
        arguments: ["9223372036854775807", "9223372036854775808", "99999999999999999999999", "1000000000000",
                    "-1", "-9223372036854775808", "0", "2.5", "1e12", "0x10", "１"])
  func hostileCount(count: String) throws {
    let error = try self.error(reading: "\(count)\n\(Self.comment)\nA 0 0 0\n")
    #expect(error.path == "bad.xyz")
    #expect(error.kind == .malformedText)
    #expect(error.reason.contains("particle count"))
    #expect(error.line == 1 || error.line == 4)
  }

  @Test("A count larger than the file is reported where the particle lines end")
  func countBeyondFile() throws {
    let error = try self.error(reading: "9223372036854775807\n\(Self.comment)\nA 0 0 0\nA 1 1 1\n")
    #expect(error.line == 5)
    #expect(error.reason.contains("9223372036854775807 but only 2 particle lines follow"))
  }

  @Test("A Properties count near Int.max is refused, not summed into an overflow")
  func hostilePropertiesCount() throws {
    let comment = #"Lattice="2 0 0 0 2 0 0 0 2" Properties=species:S:1:pos:R:3:x:R:9223372036854775807 pbc="T T T""#
    let error = try self.error(reading: "1\n\(comment)\nA 0 0 0 1\n")
    #expect(error.line == 2)
    #expect(error.reason.contains("Properties entry"))
  }

  @Test("CRLF line ends (and a lone trailing \\r) read as LF ones")
  func crlf() throws {
    let text = "2\n\(Self.comment) step=7\nA 0 0 0\nB 1 1.5 1\n"
    let expected = try ExtendedXYZReader.parse(text, path: "lf.xyz", dimension: 3)
    let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
    #expect(try ExtendedXYZReader.parse(crlf, path: "crlf.xyz", dimension: 3) == expected)
    #expect(try ExtendedXYZReader.parse(crlf + "\r\n\r\n", path: "crlf.xyz", dimension: 3) == expected)
    let trailing = String(text.dropLast()) + "\r"
    #expect(try ExtendedXYZReader.parse(trailing, path: "cr.xyz", dimension: 3) == expected)

    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("windows.xyz").path
    try crlf.write(toFile: path, atomically: false, encoding: .utf8)
    #expect(try ExtendedXYZReader.read(path: path).frames == expected.frames)
  }

  @Test("A message quotes at most one line of about 80 characters of the input",
        arguments: ["\r\n", "\n", "\r"])
  func shortMessages(separator: String) throws {
    // A file whose lines do not split as expected, or one very long bad line.
    let long = String(repeating: "x", count: 100_000)
    let texts = [
      ["3", Self.comment, "A 0 0 \(long)", "A 0 0 0", "A 0 0 0"].joined(separator: separator),
      [long, Self.comment, "A 0 0 0"].joined(separator: separator),
      ["1", "Properties=\(long):S:1", "A 0 0 0"].joined(separator: separator),
      ["1", "Lattice=\"\(long)\" Properties=species:S:1:pos:R:3", "A 0 0 0"].joined(separator: separator),
      ["1", Self.comment + " step=\(long)", "A 0 0 0"].joined(separator: separator),
      ["1", Self.comment + " species_names=\"B C\"", "\(long) 0 0 0"].joined(separator: separator),
    ]
    for text in texts {
      let error = try self.error(reading: text)
      #expect(error.path == "bad.xyz")
      #expect(error.description.count < 300, "\(error.description.prefix(300))")
      #expect(!error.description.contains("\n") && !error.description.contains("\r"))
      #expect(!error.description.contains(String(repeating: "x", count: 81)))
    }
  }

  @Test("A file of newlines or one endless line does not blow up memory")
  func degenerateShapes() throws {
    let newlines = String(repeating: "\n", count: 200_000)
    let error = try self.error(reading: newlines)
    #expect(error.reason.contains("no frames"))
    let blankThenFrame = "\n\n1\n\(Self.comment)\nA 0 0 0\n"
    #expect(try self.error(reading: blankThenFrame).line == 1)
  }

  @Test("Many distinct species names are read in linear time")
  func manySpecies() throws {
    let n = 20_000
    var text = "\(n)\n\(Self.comment)\n"
    for index in 0..<n { text += "S\(index) 0 0 0\n" }
    let trajectory = try ExtendedXYZReader.parse(text, path: "many.xyz", dimension: 3)
    #expect(trajectory.header.speciesNames.count == n)
  }

  @Test("A FIFO, a device or a directory is refused without reading it")
  func nonRegularInput() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let fifo = directory.appendingPathComponent("pipe.xyz").path
    try #require(mkfifo(fifo, 0o600) == 0)
    for path in [fifo, "/dev/zero", directory.path] {
      let error = try #require(throws: TrajectoryError.self) { _ = try ExtendedXYZReader.read(path: path) }
      #expect(error.kind == .cannotOpen)
      #expect(error.path == path)
      #expect(error.reason.contains("not a regular file"))
      let h5 = try #require(throws: TrajectoryError.self) { _ = try H5MDReader(path: path) }
      #expect(h5.reason.contains("not a regular file"))
    }
  }

  @Test("Invalid UTF-8 is refused with its line")
  func invalidUTF8() throws {
    var bytes = Array("1\n\(Self.comment)\nA 0 0 0".utf8)
    bytes[bytes.count - 5] = 0xFF
    let error = try #require(throws: TrajectoryError.self) {
      _ = try ExtendedXYZReader.parse(bytes: bytes, path: "bad.xyz", dimension: 3)
    }
    #expect(error.line == 3)
    #expect(error.reason.contains("UTF-8"))
  }
}

@Suite("Hostile H5MD input")
struct HostileH5MDTests {
  func readerError(after damage: (hid_t) throws -> Void,
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> TrajectoryError {
    try TrajectoryFixtures.readerError(after: damage, sourceLocation: sourceLocation)
  }

  /// Replaces the species dataset with `values`, without the names attribute.
  func replaceSpecies(_ file: hid_t, _ values: [Int32]) throws {
    #expect(H5Ldelete(file, H5MDLayout().species, mdsens_h5p_default()) >= 0)
    H5Dclose(try hdf5CreateDataset(file, H5MDLayout().species, integers: values))
  }

  /// Overwrites element `index` of the double dataset at `path`.
  func overwrite(_ file: hid_t, _ path: String, index: Int, with value: Double) throws {
    let dataset = H5Dopen2(file, path, mdsens_h5p_default())
    try #require(dataset >= 0)
    defer { H5Dclose(dataset) }
    let shape = try hdf5Shape(dataset)
    var values = try hdf5ReadDoubles(dataset, start: shape.map { _ in 0 }, count: shape, what: path)
    values[index] = value
    #expect(H5Dwrite(dataset, mdsens_h5t_native_double(), mdsens_h5s_all(), mdsens_h5s_all(),
                     mdsens_h5p_default(), values) >= 0)
  }

  @Test("Species index -1, N or 2e9 without names is refused, naming the dataset",
        arguments: [Int32(-1), 5, 2_000_000_000, Int32.min])
  func speciesWithoutNames(bad: Int32) throws {
    let error = try readerError { try replaceSpecies($0, [0, 1, bad, 0, 1]) }
    #expect(error.kind == .invalidData)
    #expect(error.reason.contains(H5MDLayout().species))
    #expect(error.reason.contains("particle 2"))
  }

  @Test("Species indices within the particle count name species by index")
  func speciesByIndex() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.h5").path
    let header = TrajectoryFixtures.header(dimension: 2)
    try H5MDWriter.write(TrajectoryFixtures.frames(for: header), header: header, to: path)
    try HDF5Library.synchronized {
      let file = H5Fopen(path, mdsens_h5f_acc_rdwr(), mdsens_h5p_default())
      try #require(file >= 0)
      defer { H5Fclose(file) }
      try replaceSpecies(file, [4, 0, 4, 0, 0])
    }
    let reader = try H5MDReader(path: path)
    #expect(reader.header.speciesNames == ["0", "1", "2", "3", "4"])
    #expect(reader.header.species == [4, 0, 4, 0, 0])
  }

  @Test("A species index beyond the names attribute, or repeated names, are refused")
  func speciesWithNames() throws {
    let error = try readerError { file in
      try replaceSpecies(file, [0, 1, 3, 0, 1])
      let dataset = H5Dopen2(file, H5MDLayout().species, mdsens_h5p_default())
      defer { H5Dclose(dataset) }
      try hdf5WriteAttribute(dataset, H5MDLayout.speciesNamesAttribute, strings: ["A", "B", "C"])
    }
    #expect(error.reason.contains("species index 3"))
    let repeated = try readerError { file in
      try replaceSpecies(file, [0, 1, 0, 0, 1])
      let dataset = H5Dopen2(file, H5MDLayout().species, mdsens_h5p_default())
      defer { H5Dclose(dataset) }
      try hdf5WriteAttribute(dataset, H5MDLayout.speciesNamesAttribute, strings: ["A", "A"])
    }
    #expect(repeated.reason.contains("repeats"))
  }

  @Test("A dataset whose extent the file does not hold is refused before allocating it")
  func craftedExtent() throws {
    let error = try readerError { file in
      #expect(H5Ldelete(file, H5MDLayout().species, mdsens_h5p_default()) >= 0)
      var dimensions: [hsize_t] = [2_000_000_000]
      let space = H5Screate_simple(1, &dimensions, nil)
      defer { H5Sclose(space) }
      let creation = H5Pcreate(mdsens_h5p_dataset_create())
      defer { H5Pclose(creation) }
      var chunk: [hsize_t] = [1024]
      H5Pset_chunk(creation, 1, &chunk)
      let p = mdsens_h5p_default()
      let dataset = H5Dcreate2(file, H5MDLayout().species, mdsens_h5t_native_int(), space, p, creation, p)
      #expect(dataset >= 0)
      H5Dclose(dataset)
    }
    #expect(error.kind == .invalidData)
    #expect(error.reason.contains(H5MDLayout().species))
    #expect(error.reason.contains("2000000000"))
  }

  @Test("Box edges that are NaN, infinite, 0 or negative on a periodic axis are refused, naming the dataset",
        arguments: [Double.nan, .infinity, 0, -1])
  func badBoxEdges(edge: Double) throws {
    // Row 0 (the header's box) and row 2 (a later frame) of the time-dependent edges.
    for index in [0, 7] {
      let error = try readerError { try overwrite($0, H5MDLayout().edges + "/value", index: index, with: edge) }
      #expect(error.kind == .invalidData)
      #expect(error.reason.contains(H5MDLayout().edges + "/value"))
      #expect(error.reason.contains("box edge"))
    }
  }

  @Test("A non-periodic edge may be 0 (unknown extent) but not negative or NaN")
  func nonPeriodicEdge() throws {
    // The fixture's z axis is not periodic.
    let error = try readerError { try overwrite($0, H5MDLayout().edges + "/value", index: 2, with: -0.5) }
    #expect(error.reason.contains("box edge 2"))
  }

  @Test("Time-independent box edges are checked too")
  func staticBoxEdges() throws {
    let error = try readerError { file in
      #expect(H5Ldelete(file, H5MDLayout().edges, mdsens_h5p_default()) >= 0)
      let space = try hdf5Dataspace(count: 3)
      defer { H5Sclose(space) }
      let p = mdsens_h5p_default()
      let dataset = H5Dcreate2(file, H5MDLayout().edges, mdsens_h5t_native_double(), space, p, p, p)
      defer { H5Dclose(dataset) }
      let values: [Double] = [3, .nan, 0]
      #expect(H5Dwrite(dataset, mdsens_h5t_native_double(), mdsens_h5s_all(), mdsens_h5s_all(), p, values) >= 0)
    }
    #expect(error.reason.contains(H5MDLayout().edges))
    #expect(error.reason.contains("box edge 1"))
  }

  @Test("Coordinates, fields, times and energies that are not finite are refused, naming the dataset",
        arguments: [(H5MDLayout().position + "/value", 4), (H5MDLayout().position + "/time", 1),
                    (H5MDLayout.potentialEnergy + "/value", 0),
                    (H5MDLayout().field("sensitivity_diameter") + "/value", 3)])
  func nonFiniteValues(dataset: String, index: Int) throws {
    for value in [Double.nan, -.infinity] {
      let error = try readerError { try overwrite($0, dataset, index: index, with: value) }
      #expect(error.kind == .invalidData)
      #expect(error.reason.contains(dataset))
    }
  }

  @Test("Attribute strings quoted in a message are cut short")
  func longBoundary() throws {
    let error = try readerError { file in
      let box = H5Gopen2(file, H5MDLayout().boxGroup, mdsens_h5p_default())
      defer { H5Gclose(box) }
      #expect(H5Adelete(box, "boundary") >= 0)
      try hdf5WriteAttribute(box, "boundary", strings: [String(repeating: "p\n", count: 50_000), "none", "none"])
    }
    #expect(error.reason.contains("boundary"))
    #expect(error.description.count < 300)
  }
}
