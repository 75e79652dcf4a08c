import Foundation
import Testing

/// `mdsens elasticity` as a user runs it: JSON with the tensor and the moduli, and the non-affine
/// fields in a trajectory file with --fields.
@Suite("mdsens elasticity")
struct ElasticityCommandTests {
  @Test("the paper system: a symmetric, positive definite tensor, moduli below their Born parts, fields written")
  func paperSystem() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let output = runner.path("moduli.xyz")
    let outcome = try runner.run(["elasticity", "--json", "--fields", "--out", output])
    #expect(outcome.status == 0, "\(outcome.standardError)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    let voigt = try #require(json["voigt"] as? [[Double]])
    #expect(voigt.count == 3)
    for a in 0..<3 { for b in 0..<3 { #expect(abs(voigt[a][b] - voigt[b][a]) <= 1e-12 * abs(voigt[0][0])) } }
    #expect(voigt[0][0] > 0 && voigt[2][2] > 0 && voigt[0][0] * voigt[1][1] > voigt[0][1] * voigt[0][1])
    let shear = try #require(json["shear_modulus"] as? Double)
    let bornShear = try #require(json["born_shear_modulus"] as? Double)
    #expect(shear > 0 && shear < bornShear)
    #expect((json["pressure"] as? Double ?? 0) > 0)
    #expect((json["excess_contact_number"] as? Double ?? -1) > 0)
    // minimize reports the same stress and pressure of the same minimum (built-in system, seed 0).
    let minimised = try runner.run(["minimize", "--json", "--out", runner.path("minimum.h5")])
    let minimum = try #require(try JSONSerialization.jsonObject(with: Data(minimised.standardOutput.utf8)) as? [String: Any])
    let pressure = try #require(minimum["pressure"] as? Double)
    #expect(abs(pressure - (json["pressure"] as? Double ?? 0)) <= 1e-12 * pressure)
    let stress = try #require(minimum["stress"] as? [[Double]])
    #expect(stress[0][1] == stress[1][0] && abs(-(stress[0][0] + stress[1][1]) / 2 - pressure) <= 1e-15)
    let written = try String(contentsOfFile: output, encoding: .utf8)
    #expect(written.contains("nonaffine_xx:R:3") && written.contains("nonaffine_xy:R:3"))
  }

  @Test("--param epsilon: harmonic energies scale with ε, so dC/dε = C (ε = 1); --param box is refused")
  func epsilonSensitivity() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let outcome = try runner.run(["elasticity", "--param", "epsilon", "--json"])
    #expect(outcome.status == 0, "\(outcome.standardError)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    let voigt = try #require(json["voigt"] as? [[Double]])
    let derivative = try #require((json["derivative"] as? [String: Any])?["voigt"] as? [[Double]])
    for a in 0..<3 { for b in 0..<3 { #expect(abs(derivative[a][b] - voigt[a][b]) <= 1e-9 * voigt[0][0]) } }
    try runner.expectRefusal(["elasticity", "--param", "box"], mentioning: "the box must stay fixed")
  }
}
