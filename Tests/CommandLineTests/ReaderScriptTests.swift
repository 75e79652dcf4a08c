import Foundation
import Testing

/// The slow interoperability set: tools/check_readers.py and tools/check_lammps.py open the files the
/// built `mdsens` writes with ASE, MDAnalysis, OVITO, h5py, pyh5md and the real LAMMPS, and compare
/// every number. Runs with MDSENS_SLOW_TESTS=1; the Python is MDSENS_READERS_PYTHON, else the venv
/// `tools/setup.sh --python` makes (.venv-readers), else python3. The scripts skip readers that are
/// not installed, so the result is as strong as the environment (CI installs all of them).
@Suite("The real readers open every kind of output",
       .enabled(if: ProcessInfo.processInfo.environment["MDSENS_SLOW_TESTS"] == "1"))
struct ReaderScriptTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static var python: String {
    if let chosen = ProcessInfo.processInfo.environment["MDSENS_READERS_PYTHON"] { return chosen }
    let venv = root.appendingPathComponent(".venv-readers/bin/python").path
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
  }

  @Test("every reader opens every file with mdsens's numbers; LAMMPS reads and writes what mdsens does",
        arguments: ["check_readers.py", "check_lammps.py"])
  func script(name: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [Self.python, Self.root.appendingPathComponent("tools/\(name)").path,
                         "--mdsens", CommandLineRunner.executable.path]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(text.contains(" 0 failures") || text.contains(": skipped ("), "\(text)")
  }
}
