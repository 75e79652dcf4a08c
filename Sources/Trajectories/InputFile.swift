import Foundation

/// Opening files named by a user, who may name anything: a FIFO (reading blocks for ever), a device
/// (`/dev/zero` never ends), a directory, or a file larger than memory.
enum InputFile {
  /// The `stat` of `path`, following symbolic links, or nil with `errno` set.
  static func status(_ path: String) -> stat? {
    var status = stat()
    return stat(path, &status) == 0 ? status : nil
  }

  static func isRegular(_ status: stat) -> Bool { status.st_mode & S_IFMT == S_IFREG }

  /// A description of a non-regular file type, for messages.
  static func typeName(_ status: stat) -> String {
    switch status.st_mode & S_IFMT {
    case S_IFDIR: return "a directory"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFIFO: return "a FIFO"
    case S_IFSOCK: return "a socket"
    default: return "not a regular file"
    }
  }

  /// Throws unless `path` names an existing regular file of at most `limit` bytes; returns its size.
  @discardableResult
  static func checkReadable(_ path: String, limit: Int) throws -> Int {
    guard let status = status(path) else {
      let reason = String(cString: strerror(errno))
      throw TrajectoryError(.cannotOpen, path: path, reason: "cannot read the file: \(reason)")
    }
    guard isRegular(status) else {
      throw TrajectoryError(.cannotOpen, path: path,
                            reason: "is \(typeName(status)), not a regular file; trajectories are read only from regular files")
    }
    let size = Int(status.st_size)
    guard size <= limit else {
      throw TrajectoryError(.cannotOpen, path: path,
                            reason: "the file is \(size) bytes, more than the \(limit) bytes this machine can parse")
    }
    return size
  }

  /// The bytes of the regular file at `path`, refused when larger than `limit`.
  static func contents(of path: String, limit: Int) throws -> [UInt8] {
    let size = try checkReadable(path, limit: limit)
    // O_NONBLOCK: should the path be swapped for a FIFO after the check, open does not wait for a writer.
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      let reason = String(cString: strerror(errno))
      throw TrajectoryError(.cannotOpen, path: path, reason: "cannot read the file: \(reason)")
    }
    defer { close(descriptor) }
    var opened = stat()
    guard fstat(descriptor, &opened) == 0, isRegular(opened) else {
      throw TrajectoryError(.cannotOpen, path: path, reason: "is not a regular file; trajectories are read only from regular files")
    }
    // Read what is there, up to the limit: a file that grows while being read is cut at the limit
    // and refused rather than followed.
    var bytes = [UInt8]()
    bytes.reserveCapacity(min(size, limit) + 1)
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        let reason = String(cString: strerror(errno))
        throw TrajectoryError(.cannotOpen, path: path, reason: "cannot read the file: \(reason)")
      }
      if count == 0 { break }
      bytes += buffer[0..<count]
      guard bytes.count <= limit else {
        throw TrajectoryError(.cannotOpen, path: path, reason: "the file grew beyond \(limit) bytes while being read")
      }
    }
    return bytes
  }
}
