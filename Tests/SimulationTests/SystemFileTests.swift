import Foundation
import Simulation
import Testing

private let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A minimal valid system as JSON, with `change` applied to the decoded dictionary.
private func systemJSON(_ change: (inout [String: Any]) -> Void) -> String {
  var object: [String: Any] = [
    "name": "test", "dimension": 2, "boundary": "periodic",
    "species": [["name": "a", "count": 10, "diameter": 1.0], ["name": "b", "count": 10, "diameter": 1.4]],
    "potential": ["kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0],
    "packing_fraction": 0.8, "initial": ["seed": 1],
  ]
  change(&object)
  return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

@Suite("System files")
struct SystemFileTests {
  @Test("every shipped system file is valid")
  func shippedSystems() throws {
    let folder = packageRoot.appendingPathComponent("Systems")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
    #expect(files.count >= 3)
    for file in files {
      let system = try ParticleSystem.load(path: folder.appendingPathComponent(file).path)
      #expect(system.particleCount > 0, "\(file)")
    }
    let jamming = try ParticleSystem.load(path: folder.appendingPathComponent("jamming-2d-100k.json").path)
    #expect(jamming.particleCount == 100_000)
    #expect(abs(jamming.packingFraction - 0.90) < 1e-12)
    #expect(try files.contains { try ParticleSystem.load(path: folder.appendingPathComponent($0).path).dimension == 3 })
  }

  @Test("the built-in default is the paper's system file, field for field")
  func builtInDefault() throws {
    let builtIn = try BuiltInSystems.paper()
    let file = try ParticleSystem.load(path: packageRoot.appendingPathComponent("Systems/paper-2d-128.json").path)
    #expect(builtIn.description == file.description)
    // L = sqrt((N/2)·π·(θ² + 1)/4/φ) with N = 128, θ = 0.6, φ = 0.98.
    let expected = (64 * Double.pi * (0.36 + 1) / 4 / 0.98).squareRoot()
    #expect(abs(builtIn.boxEdges[0] - expected) < 1e-13)
    #expect(builtIn.speciesNames == ["small", "large"])
    #expect(builtIn.speciesOfParticle[63] == 0 && builtIn.speciesOfParticle[64] == 1)
    #expect(builtIn.variableSpecies == 0)
    #expect(builtIn.pairDiameters == [[0.6, 0.8], [0.8, 1.0]])
  }

  @Test("bad input is refused with a message naming the field", arguments: [
    ("dimension", "dimension must be 2 or 3"),
    ("diameter", "species[1].diameter"),
    ("missing-diameter", "missing field 'species[0].diameter'"),
    ("potential", "potential.kind 'magic'"),
    ("alpha", "potential.alpha"),
    ("no-particles", "N = 0"),
    ("fraction-high", "packing_fraction must lie strictly between 0 and 1"),
    ("fraction-zero", "packing_fraction must lie strictly between 0 and 1"),
    ("box-and-fraction", "either box or packing_fraction"),
    ("tiny-box", "shorter than twice the interaction range"),
    ("table", "pair_diameters must be a 2×2 table"),
    ("duplicate-species", "must be non-empty and unique"),
    ("boundary", "boundary 'spherical'"),
    ("minimizer", "minimizer.kind"),
    ("negative-tolerance", "minimizer.force_tolerance"),
  ])
  func badInput(field: String, message: String) {
    let json = systemJSON { object in
      var species = object["species"] as! [[String: Any]]
      var potential = object["potential"] as! [String: Any]
      switch field {
      case "dimension": object["dimension"] = 4
      case "diameter": species[1]["diameter"] = 0.0
      case "missing-diameter": species[0].removeValue(forKey: "diameter")
      case "potential": potential["kind"] = "magic"
      case "alpha": potential["alpha"] = 0.5
      case "no-particles": species[0]["count"] = 0; species[1]["count"] = 0
      case "fraction-high": object["packing_fraction"] = 1.0
      case "fraction-zero": object["packing_fraction"] = 0.0
      case "box-and-fraction": object["box"] = 10.0
      case "tiny-box": object.removeValue(forKey: "packing_fraction"); object["box"] = [2.0, 20.0]
      case "table": object["pair_diameters"] = [[1.0]]
      case "duplicate-species": species[1]["name"] = "a"
      case "boundary": object["boundary"] = "spherical"
      case "minimizer": object["minimizer"] = ["kind": "newton"]
      default: object["minimizer"] = ["force_tolerance": -1.0]
      }
      object["species"] = species
      object["potential"] = potential
    }
    #expect {
      try ParticleSystem.parse(json: json, origin: "test.json")
    } throws: { error in
      let text = "\(error)"
      return text.contains(message) && text.hasPrefix("test.json: ")
    }
  }

  @Test("non-finite numbers and malformed JSON are refused")
  func malformed() {
    #expect(throws: SystemError.self) { try ParticleSystem.parse(json: "{\"dimension\": 2,", origin: "x") }
    #expect(throws: SystemError.self) {
      try ParticleSystem.parse(json: systemJSON { $0["packing_fraction"] = "0.5" }, origin: "x")
    }
    #expect(throws: SystemError.self) { try ParticleSystem.load(path: "/nonexistent/system.json") }
  }

  @Test("a packing fraction sets the box: Σ π d²/4 / L² = φ in 2D, Σ π d³/6 / L³ = φ in 3D")
  func packingFraction() throws {
    let flat = try ParticleSystem.parse(json: systemJSON { _ in }, origin: "x")
    let area = 10 * Double.pi * (1.0 + 1.96) / 4
    #expect(abs(flat.boxEdges[0] * flat.boxEdges[1] - area / 0.8) < 1e-10)
    let solid = try ParticleSystem.parse(json: systemJSON { $0["dimension"] = 3; $0["packing_fraction"] = 0.6 }, origin: "x")
    let volume = 10 * Double.pi * (1.0 + 2.744) / 6
    #expect(abs(solid.boxEdges.reduce(1, *) - volume / 0.6) < 1e-10)
    #expect(abs(solid.packingFraction - 0.6) < 1e-12)
  }

  @Test("the seeded random start is the same on every machine")
  func seededStart() {
    // Fixed expectations: xoshiro256** seeded by SplitMix64(0); first two coordinates of particle 0.
    let positions = RandomConfiguration.uniform(count: 2, edges: [1, 1], seed: 0)
    let again = RandomConfiguration.uniform(count: 2, edges: [1, 1], seed: 0)
    #expect(positions == again)
    #expect(positions.allSatisfy { (0..<1).contains($0) })
    #expect(RandomConfiguration.uniform(count: 2, edges: [1, 1], seed: 1) != positions)
  }
}
