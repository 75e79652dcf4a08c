import Foundation
import Testing

/// `mdsens minimize --minimizer lbfgs` reports the preconditioner it ran, not the choice's name:
/// `automatic` is long-wavelength in a 2D periodic cell and none in 3D.
@Suite("minimize --preconditioner on the command line")
struct PreconditionerCommandTests {
  static func system(dimension: Int) -> String {
    """
    {
      "name": "lbfgs-\(dimension)d", "dimension": \(dimension),
      "species": [ { "name": "small", "count": 32, "diameter": 1.0 }, { "name": "large", "count": 32, "diameter": 1.4 } ],
      "potential": { "kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0 },
      "packing_fraction": \(dimension == 2 ? 0.9 : 0.7), "initial": { "seed": 3 },
      "minimizer": { "kind": "lbfgs", "force_tolerance": 1e-10 }
    }
    """
  }

  @Test("the JSON names the preconditioner that ran and its crossover", arguments: [
    (2, [String](), "long-wavelength", 2.0),
    (3, [String](), "none", nil),
    (3, ["--preconditioner", "long-wavelength=1.5"], "long-wavelength", 1.5),
    (2, ["--preconditioner", "none"], "none", nil),
  ] as [(Int, [String], String, Double?)])
  func reportedPreconditioner(dimension: Int, options: [String], name: String, crossover: Double?) throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let file = try runner.write("system.json", Self.system(dimension: dimension))
    let outcome = try runner.run(["minimize", file, "--out", runner.path("minimum.xyz"), "--json"] + options)
    #expect(outcome.status == 0, "\(outcome.standardError)")
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8))
                                 as? [String: Any])
    #expect(summary["converged"] as? Bool == true)
    #expect(summary["preconditioner"] as? String == name)
    let reportedCrossover = try #require(summary["crossover"], "the JSON has no crossover")
    if let crossover { #expect(reportedCrossover as? Double == crossover) } else { #expect(reportedCrossover is NSNull) }
  }
}
