// libFuzzer target "xyz": the extended XYZ reader (ExtendedXYZReader.read(path:dimension:)), in
// both 3D and 2D mode. Reading must throw TrajectoryError on bad input, never trap.
import Foundation
import Trajectories

private let scratch = fuzzScratchPath("xyz")

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard fuzzWrite(data, size, to: scratch) else { return 0 }
  for dimension in [3, 2] {
    if let trajectory = fuzzRun("xyz \(dimension)D", { try ExtendedXYZReader.read(path: scratch, dimension: dimension) }) {
      _ = trajectory.header.particleCount
      _ = trajectory.frames.count
    }
  }
  return 0
}
