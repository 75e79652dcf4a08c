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
/// A textual scan rather than JSONSerialization: the decoder accepts text JSONSerialization (and the
/// JSON grammar) rejects, e.g. raw control characters in strings and numbers with leading zeros.
private func reachesKnownCrash(_ text: String) -> Bool {
  var total = 0.0
  var rest = Substring(text)
  while let key = rest.range(of: "\"count\"") {
    rest = rest[key.upperBound...]
    let value = rest.drop(while: \.isWhitespace).dropFirst().drop(while: \.isWhitespace)
      .prefix(while: { "+-0123456789.eE".contains($0) })
    if let number = Double(value) { total += abs(number) }
  }
  return total > 10_000_000
}
