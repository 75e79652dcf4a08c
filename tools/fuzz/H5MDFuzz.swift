// libFuzzer target "h5md": raw bytes written to a file and read with H5MDReader (header and
// every frame). Mutating raw HDF5 bytes mostly fails the superblock check; the "h5md-struct"
// target builds well-formed HDF5 files with hostile H5MD content instead.
import Foundation
import Trajectories

private let scratch = fuzzScratchPath("h5")

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard fuzzWrite(data, size, to: scratch) else { return 0 }
  if let trajectory = fuzzRun("h5md", { try H5MDReader.readAll(path: scratch) }) {
    _ = trajectory.frames.count
  }
  return 0
}
