// libFuzzer target "system-file": the system-file (JSON) parser behind `mdsens --system FILE`.
// A hostile file may make ParticleSystem.parse throw SystemError, but never trap.
import Foundation
import Simulation

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data!, count: size))
  let text = String(decoding: bytes, as: UTF8.self)
  if fuzzSkipKnown && reachesKnownCrash(text) { return 0 }
  // No base directory: a positions path in the file is only resolved when a run starts, not here.
  if let system = fuzzRun("system file", { try ParticleSystem.parse(json: text, origin: "fuzz input") }) {
    // Cheap derived values a command computes right after loading.
    _ = system.packingFraction
    _ = system.variableSpecies
    _ = system.particleCount
  }
  return 0
}

/// Known (being fixed): species counts of 1e12 allocate terabytes, counts summing past Int.max trap.
private func reachesKnownCrash(_ text: String) -> Bool {
  guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
        let top = object as? [String: Any], let species = top["species"] as? [Any] else { return false }
  var total = 0.0
  for entry in species {
    // On Linux JSONSerialization gives Int or Double, which do not always bridge to NSNumber.
    guard let entry = entry as? [String: Any] else { continue }
    switch entry["count"] {
    case let count as Int: total += abs(Double(count))
    case let count as Double: total += abs(count)
    case let count as UInt64: total += Double(count)
    case let count as Int64: total += abs(Double(count))
    case let count as NSNumber: total += abs(count.doubleValue)
    default: continue
    }
  }
  return total > 10_000_000
}
