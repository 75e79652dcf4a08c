import Foundation
import Testing
@testable import Trajectories

/// Crashes tools/fuzz.sh found in the trajectory readers (inputs in tools/fuzz/crashes-found, see the
/// README there). Each input must make the reader throw a TrajectoryError, never trap or corrupt memory.
@Suite("Fuzz regressions: hostile trajectory files throw")
struct FuzzRegressionTests {
  static let crashes = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("tools/fuzz/crashes-found")

  static func path(_ name: String) -> String { crashes.appendingPathComponent(name).path }

  @Test("XYZ counts near Int.max (particle count line, Properties column count) are refused",
        arguments: ["new-properties-count-overflow", "known-count-line-intmax"])
  func xyzCountOverflow(_ name: String) {
    for dimension in [2, 3] {
      #expect(throws: TrajectoryError.self) {
        _ = try ExtendedXYZReader.read(path: Self.path("xyz/\(name).xyz"), dimension: dimension)
      }
    }
  }

  @Test("An H5MD species dataset with a huge (unallocated) extent is refused",
        arguments: ["new-species-extent-2p61-heap-buffer-overflow", "new-species-extent-intmax-negative-size",
                    "new-species-extent-2p40-allocation"])
  func h5mdHugeSpeciesExtent(_ name: String) {
    #expect(throws: TrajectoryError.self) { _ = try H5MDReader.readAll(path: Self.path("h5md/\(name).h5")) }
  }
}
