import Foundation
import Testing
@testable import Trajectories

/// Writers never rename over a device, FIFO or input file, and a disk that fills up mid-write ends
/// in a clean error with nothing left behind.
@Suite("Writer destinations and full disks")
struct WriterDestinationTests {
  typealias Format = AtomicWriteTests.Format

  @Test("A FIFO or device destination is refused before any temporary file is made", arguments: Format.allCases)
  func nonRegularDestination(format: Format) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let fifo = directory.appendingPathComponent("pipe.out").path
    try #require(mkfifo(fifo, 0o600) == 0)
    let header = TrajectoryFixtures.header(dimension: 3)
    let frames = TrajectoryFixtures.frames(for: header)

    for destination in [fifo, "/dev/null", directory.path] {
      let error = try #require(throws: TrajectoryError.self) { try format.write(frames, header: header, to: destination) }
      #expect(error.kind == .cannotCreate)
      #expect(error.path == destination)
      #expect(error.reason.contains("not a regular file; mdsens writes trajectories only to regular files"))
      #expect(throws: TrajectoryError.self) { try TrajectoryOutput.checkDestination(destination) }
    }
    #expect(TrajectoryFixtures.contents(of: directory) == ["pipe.out"])
    var status = stat()
    #expect(stat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
    let devTemporaries = (try? FileManager.default.contentsOfDirectory(atPath: "/dev"))?
      .filter { $0.hasPrefix(".null.") } ?? []
    #expect(devTemporaries.isEmpty)
  }

  @Test("A regular file, or a symbolic link to one, is a valid destination")
  func regularDestination() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("run.xyz").path
    try TrajectoryOutput.checkDestination(path)  // absent
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    try TrajectoryOutput.checkDestination(path)
    let link = directory.appendingPathComponent("link.xyz").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
    try TrajectoryOutput.checkDestination(link)
    let dangling = directory.appendingPathComponent("dangling.xyz").path
    try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "/nonexistent/x")
    #expect(throws: TrajectoryError.self) { try TrajectoryOutput.checkDestination(dangling) }
  }

  @Test("An output that is an input under another spelling or a link is refused")
  func sameFileAsInput() throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let input = directory.appendingPathComponent("system.json").path
    let positions = directory.appendingPathComponent("start.xyz").path
    try "{}".write(toFile: input, atomically: false, encoding: .utf8)
    try "1".write(toFile: positions, atomically: false, encoding: .utf8)
    let hardLink = directory.appendingPathComponent("hard.json").path
    try #require(link(input, hardLink) == 0)
    let symbolicLink = directory.appendingPathComponent("soft.xyz").path
    try FileManager.default.createSymbolicLink(atPath: symbolicLink, withDestinationPath: positions)
    let respelled = directory.path + "/./../" + directory.lastPathComponent + "//system.json"

    for (destination, named) in [(input, "system.json"), (respelled, "system.json"), (hardLink, "system.json"),
                                 (symbolicLink, "start.xyz")] {
      let error = try #require(throws: TrajectoryError.self) {
        try TrajectoryOutput.refuseOverwriting(inputs: [input, positions], destination: destination)
      }
      #expect(error.path == destination)
      #expect(error.reason.contains("is the same file as the input"))
      #expect(error.reason.contains(named))
    }
    // A different or absent destination, and absent inputs, pass.
    try TrajectoryOutput.refuseOverwriting(inputs: [input, positions], destination: directory.appendingPathComponent("out.h5").path)
    try TrajectoryOutput.refuseOverwriting(inputs: [directory.appendingPathComponent("absent").path], destination: input)
    try "x".write(toFile: directory.appendingPathComponent("other.h5").path, atomically: false, encoding: .utf8)
    try TrajectoryOutput.refuseOverwriting(inputs: [input, positions], destination: directory.appendingPathComponent("other.h5").path)
  }

  /// The environment variable that makes ``fullDiskChild(format:)`` act: the directory to write into.
  static let childVariable = "MDSENS_TRAJECTORIES_FULL_DISK_CHILD"

  /// Run by ``fullDisk(format:)`` in a child process whose file size limit is 64 KiB with SIGXFSZ
  /// ignored (a full disk); does nothing in a normal test run. Exits 0 when the write failed cleanly.
  @Test("(child of the full-disk test)", arguments: Format.allCases)
  func fullDiskChild(format: Format) throws {
    guard let directory = ProcessInfo.processInfo.environment[Self.childVariable],
          ProcessInfo.processInfo.environment[Self.childVariable + "_FORMAT"] == format.rawValue else { return }
    let path = directory + "/run.out"
    let header = TrajectoryFixtures.header(dimension: 3, particles: 20_000)  // about 1 MB per frame
    var status: Int32 = 3
    do {
      try format.write(TrajectoryFixtures.frames(for: header, count: 2), header: header, to: path)
      status = 4
    } catch let error as TrajectoryError {
      let clean = error.kind == .cannotWrite && error.path == path && error.reason.contains("File too large")
      FileHandle.standardError.write(Data("child error: \(error)\n".utf8))
      status = clean ? 0 : 5
    }
    exit(status)  // before the test harness: the parent reads only the status
  }

  @Test("A disk that fills up mid-write ends in a clean error, no file, no crash", arguments: Format.allCases)
  func fullDisk(format: Format) throws {
    let directory = try TrajectoryFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    var environment = ProcessInfo.processInfo.environment
    environment[Self.childVariable] = directory.path
    environment[Self.childVariable + "_FORMAT"] = format.rawValue
    let child = try TrajectoryFixtures.run(
      "/bin/bash", ["-c", #"ulimit -f 64 && trap "" XFSZ && exec "$0" "$@""#, executable,
                    "--testing-library", "swift-testing", "--filter", "fullDiskChild"],
      environment: environment)
    #expect(child.reason == .exit, "\(child.output.suffix(2000))")
    #expect(child.status == 0, "\(child.output.suffix(2000))")
    #expect(child.output.contains("child error: \(directory.path)/run.out: writing failed: File too large")
              || child.output.contains("child error: \(directory.path)/run.out: closing failed: File too large"),
            "\(child.output.suffix(2000))")
    #expect(TrajectoryFixtures.contents(of: directory).isEmpty)
  }
}
