import Foundation

/// A file that appears at its destination only when complete.
///
/// Writers fill a temporary sibling in the destination's directory (same file system, so the final
/// `rename(2)` is atomic) and rename it into place on success; on failure, or when the owner is
/// released without committing, the temporary is removed. Readers therefore never see a partial
/// trajectory and a failed run leaves nothing behind.
///
/// The destination must be a regular file or not exist: renaming over a device, FIFO or socket would
/// replace it (as root, `/dev/null` itself), so such destinations are refused before any temporary
/// file is created.
final class AtomicFile {
  /// The path the caller asked for.
  let destination: String
  /// The sibling the writer fills.
  let temporaryPath: String
  private var isSettled = false

  /// Checks the destination (see ``TrajectoryOutput/checkDestination(_:)``) and picks a fresh
  /// temporary name; creates nothing.
  init(destination: String) throws {
    try TrajectoryOutput.checkDestination(destination)
    let url = URL(fileURLWithPath: destination)
    self.destination = destination
    // Hidden and unique, so concurrent writers and directory listings do not mistake it for output.
    self.temporaryPath = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
  }

  /// Creates the temporary file (never following or reusing an existing file) and returns a
  /// descriptor open for writing.
  func createTemporary() throws -> Int32 {
    let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard descriptor >= 0 else {
      let reason = String(cString: strerror(errno))
      throw TrajectoryError(.cannotCreate, path: destination, reason: "cannot create the temporary file: \(reason)")
    }
    return descriptor
  }

  /// Moves the completed temporary file to the destination, replacing any regular file there.
  func commit() throws {
    guard !isSettled else { return }
    isSettled = true
    // Checked again: the destination may have been replaced by a device since the writer started.
    do {
      try TrajectoryOutput.checkDestination(destination)
    } catch {
      unlink(temporaryPath)
      throw error
    }
    guard rename(temporaryPath, destination) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporaryPath)
      throw TrajectoryError(.cannotWrite, path: destination, reason: "cannot rename the temporary file into place: \(reason)")
    }
  }

  /// Removes the temporary file, if it was created.
  func discard() {
    guard !isSettled else { return }
    isSettled = true
    unlink(temporaryPath)
  }

  deinit { discard() }
}

/// Checks on output paths that callers (the command-line tool) make before a long computation, and
/// that both writers make again before creating anything.
public enum TrajectoryOutput {
  /// Throws unless a trajectory can be written at `destination`: its directory must exist and be
  /// writable, and the path must not exist or be a regular file (or a symbolic link to one).
  ///
  /// A device, FIFO, socket or directory at `destination` is refused with `.cannotCreate` and the
  /// reason "… is a character device, not a regular file; mdsens writes trajectories only to regular
  /// files": writers replace the destination by renaming, which would destroy such a file.
  public static func checkDestination(_ destination: String) throws {
    guard !destination.isEmpty else {
      throw TrajectoryError(.cannotCreate, path: destination, reason: "the output path is empty")
    }
    if let status = InputFile.status(destination) {
      guard InputFile.isRegular(status) else {
        throw TrajectoryError(
          .cannotCreate, path: destination,
          reason: "is \(InputFile.typeName(status)), not a regular file; mdsens writes trajectories only to regular files")
      }
    } else if errno != ENOENT {
      let reason = String(cString: strerror(errno))
      throw TrajectoryError(.cannotCreate, path: destination, reason: "cannot examine the output path: \(reason)")
    } else {
      var link = stat()
      if lstat(destination, &link) == 0 {  // a dangling symbolic link
        throw TrajectoryError(.cannotCreate, path: destination,
                              reason: "is a symbolic link to a missing file; give the target's path instead")
      }
    }
    let directory = URL(fileURLWithPath: destination).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw TrajectoryError(.cannotCreate, path: destination, reason: "directory \(excerpt(directory)) does not exist")
    }
    guard access(directory, W_OK) == 0 else {
      throw TrajectoryError(.cannotCreate, path: destination, reason: "directory \(excerpt(directory)) is not writable")
    }
  }

  /// Throws when `destination` is the same file as one of `inputs`, compared by device and inode,
  /// so that another spelling of the path (`./a.json`, a symbolic or hard link) is caught too.
  ///
  /// Inputs and a destination that do not exist are not compared (nothing can be overwritten). The
  /// error has kind `.cannotCreate`, the destination's path and the reason
  /// "is the same file as the input INPUT; mdsens does not overwrite its inputs, choose another output".
  public static func refuseOverwriting(inputs: [String], destination: String) throws {
    guard let target = InputFile.status(destination) else { return }
    for input in inputs {
      guard let source = InputFile.status(input) else { continue }
      if source.st_dev == target.st_dev && source.st_ino == target.st_ino {
        throw TrajectoryError(
          .cannotCreate, path: destination,
          reason: "is the same file as the input \(excerpt(input)); mdsens does not overwrite its inputs, choose another output")
      }
    }
  }
}

extension AtomicFile {
  /// Writes `bytes` to `destination` completely or not at all (a full disk leaves nothing behind).
  static func write(_ bytes: [UInt8], to destination: String) throws {
    let file = try AtomicFile(destination: destination)
    let descriptor = try file.createTemporary()
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { buffer in
        Glibc.write(descriptor, buffer.baseAddress!.advanced(by: written), bytes.count - written)
      }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        let reason = count < 0 ? String(cString: strerror(errno)) : "no progress"
        close(descriptor)
        file.discard()
        throw TrajectoryError(.cannotWrite, path: destination, reason: "writing failed: \(reason)")
      }
      written += count
    }
    guard close(descriptor) == 0 else {
      let reason = String(cString: strerror(errno))
      file.discard()
      throw TrajectoryError(.cannotWrite, path: destination, reason: "closing failed: \(reason)")
    }
    try file.commit()
  }
}

extension TrajectoryOutput {
  /// Writes `bytes` to `destination` complete or not at all, as the trajectory writers do (a hidden
  /// temporary sibling renamed into place): for the records and summaries written beside trajectories.
  public static func writeAtomically(_ bytes: [UInt8], to destination: String) throws {
    try AtomicFile.write(bytes, to: destination)
  }
}
