// libFuzzer target "system-file": the system-file (JSON) parser behind `mdsens --system FILE`.
// A hostile file may make ParticleSystem.parse throw SystemError, but never trap.
import Foundation
import Simulation

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data!, count: size))
  let text = String(decoding: bytes, as: UTF8.self)
  // No base directory: a positions path in the file is only resolved when a run starts, not here.
  if let system = fuzzRun("system file", { try ParticleSystem.parse(json: text, origin: "fuzz input") }) {
    // Cheap derived values a command computes right after loading.
    _ = system.packingFraction
    _ = system.variableSpecies
    _ = system.particleCount
  }
  return 0
}
