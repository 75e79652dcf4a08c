// libFuzzer target "xyz": the extended XYZ reader (ExtendedXYZReader.read(path:dimension:)), in
// both 3D and 2D mode. Reading must throw TrajectoryError on bad input, never trap.
import Foundation
import Trajectories

private let scratch = fuzzScratchPath("xyz")

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  if fuzzSkipKnown && reachesKnownCrash(data, size) { return 0 }
  guard fuzzWrite(data, size, to: scratch) else { return 0 }
  for dimension in [3, 2] {
    if let trajectory = fuzzRun("xyz \(dimension)D", { try ExtendedXYZReader.read(path: scratch, dimension: dimension) }) {
      _ = trajectory.header.particleCount
      _ = trajectory.frames.count
    }
  }
  return 0
}

/// Known (being fixed): a particle count line near Int.max overflows `firstParticleLine + count`.
/// Skips any input with a line that is just an integer above 10^9.
private func reachesKnownCrash(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Bool {
  guard size > 0 else { return false }
  let text = String(decoding: UnsafeBufferPointer(start: data!, count: size), as: UTF8.self)
  for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if !trimmed.isEmpty, trimmed.count > 9, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "+") }) {
      return true
    }
  }
  return false
}
