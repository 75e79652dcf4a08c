import CHDF5
import Foundation

/// A failed libhdf5 call, turned into a ``TrajectoryError`` (which knows the user's path) at the
/// public boundary.
struct HDF5Failure: Error {
  let kind: TrajectoryError.Kind
  let reason: String

  init(_ reason: String, kind: TrajectoryError.Kind = .cannotWrite) {
    self.kind = kind
    self.reason = reason
  }
}

/// Serialises every call into libhdf5.
///
/// Debian's serial libhdf5 is not built thread-safe, while callers (and Swift Testing) may use several
/// threads; one process-wide recursive lock lets helpers nest freely.
enum HDF5Library {
  private static let lock: NSRecursiveLock = {
    // We check every return code and raise our own errors, so HDF5's stderr dumps are only noise.
    mdsens_h5e_silence()
    return NSRecursiveLock()
  }()

  static func synchronized<Result>(_ body: () throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  /// `H5P_DEFAULT`, which Swift cannot import directly.
  static var defaultProperties: hid_t { mdsens_h5p_default() }
}

/// Throws when a libhdf5 status code reports failure.
func hdf5Check(_ status: herr_t, _ what: @autoclosure () -> String,
               kind: TrajectoryError.Kind = .cannotWrite) throws {
  if status < 0 { throw HDF5Failure("HDF5 failed to \(what())", kind: kind) }
}

/// Throws when a libhdf5 call returned an invalid identifier; returns it otherwise.
func hdf5Identifier(_ id: hid_t, _ what: @autoclosure () -> String,
                    kind: TrajectoryError.Kind = .cannotWrite) throws -> hid_t {
  if id < 0 { throw HDF5Failure("HDF5 failed to \(what())", kind: kind) }
  return id
}

extension Error {
  /// This error as a ``TrajectoryError`` about `path`.
  func asTrajectoryError(path: String, defaultKind: TrajectoryError.Kind = .cannotWrite) -> TrajectoryError {
    if let error = self as? TrajectoryError { return error }
    if let failure = self as? HDF5Failure { return TrajectoryError(failure.kind, path: path, reason: failure.reason) }
    return TrajectoryError(defaultKind, path: path, reason: "\(self)")
  }
}
