import Foundation
import Testing
import Trajectories

/// The conventions that let ASE, OVITO, MDAnalysis and pyh5md open the files (tools/check_readers.py
/// opens them with the real packages; these tests pin the layout itself).
@Suite("Files follow the conventions other readers need")
struct ReaderConventionTests {
  @Test("extended XYZ: elements in species, real names in species_name, read back by name")
  func speciesNames() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.xyz").path
    let header = TrajectoryFixtures.header(dimension: 3, particles: 4)
    let frames = TrajectoryFixtures.frames(for: header)
    try ExtendedXYZWriter.write(frames, header: header, to: path)
    let particleLines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst(2).prefix(4)
    for (particle, line) in particleLines.enumerated() {
      let columns = line.split(separator: " ")
      let species = header.species[particle]
      #expect(columns[0] == ["H", "He", "Li"][species])
      #expect(columns[4] == header.speciesNames[species])
    }
    let read = try ExtendedXYZReader.read(path: path)
    #expect(read.header.speciesNames == header.speciesNames && read.header.species == header.species)
    #expect(read.frames.map(\.positions) == frames.map(\.positions))
  }

  @Test("extended XYZ, planar layout: two columns per vector, the same 2D numbers back")
  func planarLayout() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("plane.xyz").path
    let header = TrajectoryFixtures.header(dimension: 2, particles: 3)
    let frames = TrajectoryFixtures.frames(for: header)
    try ExtendedXYZWriter.write(frames, header: header, to: path, layout: .planar)
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines[1].contains("Properties=species:S:1:pos:R:2:species_name:S:1"))
    #expect(lines[2].split(separator: " ").count == 1 + 2 + 1 + 2 * frames[0].fields.count)
    let read = try ExtendedXYZReader.read(path: path, dimension: 2)
    #expect(read.frames == frames.map { frame in
      var expected = frame
      expected.box = SimulationBox(edges: frame.box.edges)
      return expected
    })
  }

  @Test("H5MD: units module, author never empty, observables only when stored, box clock linked to position's")
  func h5mdMetadata() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.h5").path
    var header = TrajectoryFixtures.header(dimension: 2, particles: 3)
    header.authorName = ""
    header.timeUnit = "ps"
    header.unitSystem = "SI"
    var frames = TrajectoryFixtures.frames(for: header)
    for index in frames.indices { frames[index].potentialEnergy = nil; frames[index].maxForceComponent = nil }
    try H5MDWriter.write(frames, header: header, to: path)
    let read = try H5MDReader.readAll(path: path)
    #expect(read.header.authorName == TrajectoryHeader.anonymousAuthor)
    #expect(read.header.unitSystem == "SI" && read.header.timeUnit == "ps")
    #expect(read.frames.map(\.step) == frames.map(\.step))
    #expect(read.frames.map(\.box) == frames.map(\.box))

    // h5ls (hdf5-tools, installed by tools/setup.sh) names hard links "same as".
    let listing = try h5ls(path)
    #expect(!listing.contains("/observables"))
    #expect(listing.contains("/h5md/modules/units"))
    let stepLine = listing.split(separator: "\n").first { $0.hasPrefix("/particles/trajectory/position/step ") }
    #expect(stepLine?.contains("same as /particles/trajectory/box/edges/step") == true
      || listing.contains("/particles/trajectory/box/edges/step Dataset, same as /particles/trajectory/position/step"))
  }

  @Test("species diameters travel with the file: an H5MD attribute, an XYZ radius column and key",
        arguments: ["h5", "xyz"])
  func speciesDiameters(kind: String) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.\(kind)").path
    var header = TrajectoryFixtures.header(dimension: 2, particles: 4)
    header.speciesDiameters = [0.6, 1.0, 1.4]
    let frames = TrajectoryFixtures.frames(for: header)
    if kind == "h5" {
      try H5MDWriter.write(frames, header: header, to: path)
      #expect(try H5MDReader(path: path).header.speciesDiameters == [0.6, 1.0, 1.4])
    } else {
      try ExtendedXYZWriter.write(frames, header: header, to: path)
      #expect(try ExtendedXYZReader.read(path: path, dimension: 2).header.speciesDiameters == [0.6, 1.0, 1.4])
      // OVITO draws particles with the radius column: half the species' diameter.
      let line = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[2].split(separator: " ")
      #expect(line[5] == ["0.3", "0.5", "0.7"][header.species[0]])
    }
    header.speciesDiameters = [0.6, -1, 1.4]
    #expect(throws: TrajectoryError.self) { try H5MDWriter.write(frames, header: header, to: path + ".bad.h5") }
  }

  @Test("a 2D trajectory embedded in 3D: z = 0, a periodic slab of the given thickness, x and y unchanged")
  func planarEmbedding() {
    let header = TrajectoryFixtures.header(dimension: 2, particles: 3)
    let frame = TrajectoryFixtures.frames(for: header)[1]
    let embedding = PlanarEmbedding(thickness: 0.5)
    let embeddedHeader = embedding.embedding(header)
    let embedded = embedding.embedding(frame, dimension: 2)
    #expect(embeddedHeader.dimension == 3 && embeddedHeader.periodic == header.periodic + [true])
    #expect(embedded.box.edges == frame.box.edges + [0.5])
    for particle in 0..<3 {
      #expect(Array(embedded.positions[(3 * particle)..<(3 * particle + 3)])
        == Array(frame.positions[(2 * particle)..<(2 * particle + 2)]) + [0])
    }
    #expect(embedded.fields.keys == frame.fields.keys)
    #expect(embedding.embedding(embeddedHeader) == embeddedHeader)
  }

  @Test("H5MD: a field of every frame is also the observable /observables/trajectory/<name>, one object (MDAnalysis's ts.data)")
  func fieldObservables() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let header = TrajectoryFixtures.header(dimension: 3, particles: 4)
    var frames = TrajectoryFixtures.frames(for: header)
    let everyFrame = directory.appendingPathComponent("every.h5").path
    frames[0].fields = frames[1].fields
    try H5MDWriter.write(frames, header: header, to: everyFrame)
    let listing = try h5ls(everyFrame)
    let observable = "/observables/trajectory/sensitivity_diameter", field = "/particles/trajectory/sensitivity_diameter"
    #expect(listing.contains("\(field) Group, same as \(observable)")
      || listing.contains("\(observable) Group, same as \(field)"))
    // The reader sees the field once, in every frame, unchanged.
    let read = try H5MDReader.readAll(path: everyFrame)
    #expect(read.header.fieldUnits == ["sensitivity_diameter": "nm nm-1"])
    #expect(read.frames.map(\.fields) == frames.map(\.fields))

    // A field missing from a frame would make an observable a frame-indexed reader cannot index.
    let someFrames = directory.appendingPathComponent("some.h5").path
    try H5MDWriter.write(TrajectoryFixtures.frames(for: header), header: header, to: someFrames)
    #expect(!(try h5ls(someFrames)).contains("/observables/trajectory"))
  }

  private func h5ls(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["h5ls", "-r", path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}
