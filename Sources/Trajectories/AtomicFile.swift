import Foundation

/// A file that appears at its destination only when complete.
///
/// Writers fill a temporary sibling in the destination's directory (same file system, so the final
/// `rename(2)` is atomic) and rename it into place on success; on failure, or when the owner is
/// released without committing, the temporary is removed. Readers therefore never see a partial
/// trajectory and a failed run leaves nothing behind.
final class AtomicFile {
  /// The path the caller asked for.
  let destination: String
  /// The sibling the writer fills.
  let temporaryPath: String
  private var isSettled = false

  /// Checks that the destination's directory exists and is writable and picks a fresh temporary name.
  init(destination: String) throws {
    let url = URL(fileURLWithPath: destination)
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw TrajectoryError(.cannotCreate, path: destination, reason: "directory \(directory) does not exist")
    }
    guard access(directory, W_OK) == 0 else {
      throw TrajectoryError(.cannotCreate, path: destination, reason: "directory \(directory) is not writable")
    }
    var isExistingDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: destination, isDirectory: &isExistingDirectory),
       isExistingDirectory.boolValue {
      throw TrajectoryError(.cannotCreate, path: destination, reason: "a directory exists at this path")
    }
    self.destination = destination
    // Hidden and unique, so concurrent writers and directory listings do not mistake it for output.
    self.temporaryPath = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
  }

  /// Moves the completed temporary file to the destination, replacing any file there.
  func commit() throws {
    guard !isSettled else { return }
    isSettled = true
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
