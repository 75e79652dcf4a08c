import Foundation
import Testing
@testable import Simulation

/// Crashes tools/fuzz.sh found in the system-file parser (inputs in tools/fuzz/crashes-found/system-file).
/// A hostile file must make ParticleSystem.parse throw SystemError, never trap or corrupt memory.
@Suite("Fuzz regressions: hostile system files throw")
struct SystemFileFuzzRegressionTests {
  static let crashes = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("tools/fuzz/crashes-found/system-file")

  @Test("Species counts that cannot be allocated are refused",
        arguments: ["known-count-1e12-allocation.json", "known-count-sum-overflow.json",
                    "count-2p61-heap-buffer-overflow.json"])
  func hugeSpeciesCounts(_ name: String) throws {
    let json = try String(contentsOf: Self.crashes.appendingPathComponent(name), encoding: .utf8)
    #expect(throws: SystemError.self) { _ = try ParticleSystem.parse(json: json, origin: name) }
  }
}
