import Foundation
import Testing

/// A system file with a sheared cell, as a user runs it: minimised in the cell, written to extended
/// XYZ and H5MD with the cell's edge vectors, read back for its elastic constants; LAMMPS data refuses it.
@Suite("Sheared (triclinic) cells from system files")
struct ShearedCellTests {
  static let system = """
    {
      "name": "sheared-2d-64", "dimension": 2,
      "species": [ { "name": "small", "count": 32, "diameter": 1.0 }, { "name": "large", "count": 32, "diameter": 1.4 } ],
      "potential": { "kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0 },
      "packing_fraction": 0.95, "deformation": [[1.0, 0.3], [0.0, 1.0]],
      "initial": { "seed": 3 }, "minimizer": { "force_tolerance": 1e-12 }
    }
    """

  @Test("minimised in the cell, written with its edge vectors, read back: same energy and moduli from the file")
  func roundTrip() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let file = try runner.write("sheared.json", Self.system)
    let output = runner.path("sheared.xyz")
    let minimised = try runner.run(["minimize", file, "--out", output, "--json"])
    #expect(minimised.status == 0, "\(minimised.standardError)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(minimised.standardOutput.utf8)) as? [String: Any])
    #expect(json["converged"] as? Bool == true)
    let text = try String(contentsOfFile: output, encoding: .utf8)
    let lattice = try #require(text.split(separator: "\n")[1].split(separator: "\"").dropFirst().first)
    let numbers = lattice.split(separator: " ").compactMap { Double($0) }
    #expect(numbers.count == 9 && numbers[1] == 0 && numbers[3] != 0, "\(lattice)")
    // Reading the minimum back reproduces it: zero steps to the same energy.
    let again = try runner.run(["minimize", file, "--positions", output, "--out", runner.path("again.xyz"), "--json"])
    let againJSON = try #require(try JSONSerialization.jsonObject(with: Data(again.standardOutput.utf8)) as? [String: Any])
    #expect(againJSON["steps"] as? Int == 0)
    let energy = try #require(json["energy"] as? Double)
    #expect(abs((againJSON["energy"] as? Double ?? 0) - energy) <= 1e-12 * energy)
    let moduli = try runner.run(["elasticity", file, "--positions", output, "--json"])
    #expect(moduli.status == 0, "\(moduli.standardError)")
    // H5MD carries the cell too: its minimum read back takes no step either.
    let h5md = runner.path("sheared.h5")
    #expect(try runner.run(["minimize", file, "--out", h5md]).status == 0)
    let fromH5MD = try runner.run(["minimize", file, "--positions", h5md, "--out", runner.path("again.h5"), "--json"])
    let fromH5MDJSON = try #require(try JSONSerialization.jsonObject(with: Data(fromH5MD.standardOutput.utf8)) as? [String: Any])
    #expect(fromH5MDJSON["steps"] as? Int == 0, "\(fromH5MD.standardError)")
    try runner.expectRefusal(["minimize", file, "--out", runner.path("sheared.data")],
                             mentioning: "LAMMPS data file of a sheared (triclinic) cell is not supported yet",
                             inputs: [file, output, runner.path("again.xyz"), h5md, runner.path("again.h5")])
  }
}
