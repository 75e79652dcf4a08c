import Foundation
import Testing

/// Runs the built `mdsens` executable in a fresh scratch directory, as a user would, and reports
/// what it printed, its exit status and what it left in the directory.
struct CommandLineRunner {
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("mdsens-cli-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  /// The `mdsens` the test bundle was built with: SwiftPM puts products beside the test bundle.
  static let executable: URL = {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = bundle.deletingLastPathComponent()
    // The bundle may be a directory (…/mdsensPackageTests.xctest) or a binary inside one.
    while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("mdsens").path),
          folder.path != "/" {
      folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent("mdsens")
  }()

  struct Outcome {
    let status: Int32
    let standardOutput: String
    let standardError: String
  }

  /// Writes `text` to `name` in the scratch directory and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let path = directory.appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// Runs mdsens with `arguments`; with `fileSizeLimit` (KiB), as a disk that fills up after that
  /// much: writes beyond it fail with EFBIG (SIGXFSZ ignored, as a full disk gives ENOSPC).
  func run(_ arguments: [String], fileSizeLimit: Int? = nil) throws -> Outcome {
    let process = Process()
    if let fileSizeLimit {
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", "ulimit -f \(fileSizeLimit); trap '' XFSZ; exec \"$0\" \"$@\"", Self.executable.path]
        + arguments
    } else {
      process.executableURL = Self.executable
      process.arguments = arguments
    }
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["MDSENS_THREADS"] = "1"
    process.environment = environment
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes before waiting, so that a chatty child never blocks on a full pipe.
    let errorData = LockedData()
    let reader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errorData.isSet { usleep(1000) }
    return Outcome(status: process.terminationStatus,
                   standardOutput: String(decoding: outputData, as: UTF8.self),
                   standardError: String(decoding: errorData.value, as: UTF8.self))
  }

  /// Every file in the scratch directory (hidden temporaries included), except `inputs`.
  func leftovers(besides inputs: [String]) throws -> [String] {
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    let kept = Set(inputs.map { URL(fileURLWithPath: $0).lastPathComponent })
    var found: [String] = []
    for name in names where !kept.contains(name) {
      if name == "Trajectories" {
        found += try FileManager.default.contentsOfDirectory(atPath: path(name)).map { "Trajectories/\($0)" }
      } else {
        found.append(name)
      }
    }
    return found
  }

  /// Runs `arguments` and expects the refusal every bad input gets: exit status 1, one line on
  /// stderr starting "mdsens: error:" and containing `message`, nothing on stdout, no file left.
  func expectRefusal(_ arguments: [String], mentioning message: String, inputs: [String] = [],
                     fileSizeLimit: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let outcome = try run(arguments, fileSizeLimit: fileSizeLimit)
    #expect(outcome.status == 1, "exit status \(outcome.status) for \(arguments): \(outcome.standardError)",
            sourceLocation: sourceLocation)
    // Progress lines may come first (a long run prints some every few seconds); the error is one
    // line, the last.
    let lines = outcome.standardError.split(separator: "\n")
    let errors = lines.filter { $0.hasPrefix("mdsens: error:") }
    #expect(errors.count == 1 && lines.last == errors.first, "stderr: \(outcome.standardError)",
            sourceLocation: sourceLocation)
    #expect(errors.first?.contains(message) == true, "stderr: \(outcome.standardError)", sourceLocation: sourceLocation)
    #expect((errors.first?.count ?? 0) < 600, "a message longer than a line: \(errors.first?.count ?? 0) characters",
            sourceLocation: sourceLocation)
    #expect(outcome.standardOutput.isEmpty, "stdout: \(outcome.standardOutput)", sourceLocation: sourceLocation)
    let left = try leftovers(besides: inputs)
    #expect(left.isEmpty, "left behind: \(left)", sourceLocation: sourceLocation)
  }

  func removeAll() { try? FileManager.default.removeItem(at: directory) }
}

/// The stderr bytes, handed from the reading thread to the test.
private final class LockedData: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  private var done = false
  func set(_ value: Data) { lock.lock(); data = value; done = true; lock.unlock() }
  var isSet: Bool { lock.lock(); defer { lock.unlock() }; return done }
  var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}
