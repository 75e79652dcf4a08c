// Shared helpers for the libFuzzer harnesses in tools/fuzz (not a SwiftPM target: tools/fuzz.sh
// compiles each harness together with this file and links it against the package's modules).
import Foundation

/// A per-process scratch file for readers that only take a path (libFuzzer's -fork/-jobs run
/// several processes at once, so the process id is part of the name).
func fuzzScratchPath(_ suffix: String) -> String {
  let directory = ProcessInfo.processInfo.environment["MDSENS_FUZZ_TMP"]
    ?? (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
  return "\(directory)/mdsens-fuzz-\(getpid()).\(suffix)"
}

/// Writes the fuzz input to `path` (replacing it); false when the write fails.
func fuzzWrite(_ data: UnsafePointer<UInt8>?, _ size: Int, to path: String) -> Bool {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  guard fd >= 0 else { return false }
  defer { close(fd) }
  var written = 0
  while written < size {
    let n = write(fd, data! + written, size - written)
    guard n > 0 else { return false }
    written += n
  }
  return true
}

/// With MDSENS_FUZZ_DEBUG set (e.g. when replaying one input), prints what the reader made of it.
let fuzzDebug = ProcessInfo.processInfo.environment["MDSENS_FUZZ_DEBUG"] != nil

func fuzzRun<T>(_ what: String, _ body: () throws -> T) -> T? {
  do {
    let result = try body()
    if fuzzDebug { print("\(what): accepted") }
    return result
  } catch {
    if fuzzDebug { print("\(what): rejected: \(error)") }
    return nil
  }
}
