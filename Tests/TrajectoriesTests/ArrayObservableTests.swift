import Foundation
import Testing
@testable import Trajectories

@Suite("Named array observables in H5MD")
struct ArrayObservableTests {
  static func frame(_ header: TrajectoryHeader, observables: [String: [Double]]) -> TrajectoryFrame {
    var frame = TrajectoryFixtures.frames(for: header)[0]
    frame.observables = observables
    return frame
  }

  @Test("a frame's named arrays are written as /observables/<name> (checked by tools/check_h5md.py when h5py is there)")
  func written() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("analysis.h5").path
    let header = TrajectoryFixtures.header(dimension: 2)
    try H5MDWriter.write([Self.frame(header, observables: ["dos_density": [0.5, 1, 0.25], "pressure": [2]])],
                         header: header, to: path)
    #expect(FileManager.default.fileExists(atPath: path))
    guard Python.hasH5py else { return }
    let (status, output) = try Python.run(["-c", """
      import h5py; f = h5py.File('\(path)', 'r')
      print(list(f['observables/dos_density/value'][0]), list(f['observables/pressure/value'][0]))
      """])
    #expect(status == 0, "\(output)")
    #expect(output.contains("[0.5, 1.0, 0.25] [2.0]"), "\(output)")
    let (checked, report) = try Python.run([CheckH5MDScriptTests.script, path])
    #expect(checked == 0, "\(report)")
  }

  @Test("empty, non-finite, badly named or reserved arrays are refused and no file is left", arguments: [
    (["": [1.0]], "observable name"),
    (["max_force": [1.0]], "reserved"),
    (["dos": []], "has no values"),
    (["dos": [1, .nan]], "not finite"),
  ])
  func refused(observables: [String: [Double]], message: String) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("bad.h5").path
    let header = TrajectoryFixtures.header(dimension: 2)
    #expect {
      try H5MDWriter.write([Self.frame(header, observables: observables)], header: header, to: path)
    } throws: { error in
      "\(error)".contains(message)
    }
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}
