import Foundation
import Models
import Sensitivity
import Simulation
import Testing

/// The README's library example, compiled and run as written.
@Suite("The README's library example")
struct ReadmeExampleTests {
  @Test("compiles, runs on the paper system and is the README's block line for line")
  func libraryExample() throws {
    let root = PaperReference.packageRoot
    let previous = FileManager.default.currentDirectoryPath
    FileManager.default.changeCurrentDirectoryPath(root.path)
    defer { FileManager.default.changeCurrentDirectoryPath(previous) }
    // README begin
    let system = try ParticleSystem.load(path: "Systems/paper-2d-128.json")
    let (_, start) = try system.startingPositions()
    let minimum = try system.minimize(from: start)                                 // FIRE to max |F| ≤ 1e-12
    let dxdθ = try ImplicitSensitivity.compute(model: system.model, positions: minimum.positions,
                                               parameter: .speciesDiameter(0), holding: .packingFraction)
    print(dxdθ.normalisedL1Norm, dxdθ.validity!.root.solverIterations)
    // README end
    #expect(minimum.converged && minimum.steps == 524)
    #expect(dxdθ.validity!.root.solverStatus == .converged)

    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let library = try #require(readme.range(of: "## Library")).upperBound
    let block = try #require(readme.range(of: "```swift\n", range: library..<readme.endIndex))
    let end = try #require(readme.range(of: "```", range: block.upperBound..<readme.endIndex))
    let example = readme[block.upperBound..<end.lowerBound].split(separator: "\n").map(String.init)
    let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
    let begin = try #require(source.range(of: "// README begin\n"))
    let finish = try #require(source.range(of: "    // README end", range: begin.upperBound..<source.endIndex))
    let tested = source[begin.upperBound..<finish.lowerBound].split(separator: "\n").map {
      $0.hasPrefix("    ") ? String($0.dropFirst(4)) : String($0)
    }
    #expect(example.first == "import Models; import Sensitivity; import Simulation")
    #expect(Array(example.dropFirst()) == tested)
  }
}
