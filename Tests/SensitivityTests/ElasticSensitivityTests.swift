import Foundation
import ImplicitDifferentiation
import Minimization
import Models
import Sensitivity
import Testing

/// dC/dθ along the minimum against an exact scaling and against finite differences of C itself.
@Suite("Sensitivity of the elastic constants")
struct ElasticSensitivityTests {
  @Test("harmonic energies scale with ε, so dC/dε = C/ε exactly (x* does not move)")
  func epsilonScaling() throws {
    let (model, x) = try ElasticityTests.packing()
    let result = try ElasticSensitivity.compute(model: model, positions: x, parameter: .epsilon)
    let c = result.response.constants.responses
    for a in c.indices {
      for b in c.indices {
        #expect(abs(result.derivative.responses[a][b] - c[a][b]) <= 1e-9 * abs(c[0][0]))
      }
    }
    #expect(result.positionSensitivity.physical.map(abs).max()! < 1e-9)
  }

  @Test("d C/d(diameter of a species) and d C/dα equal central differences of C at re-minimised packings",
        arguments: [SensitivityParameter.speciesDiameter(0), .speciesDiameter(1), .alpha])
  func againstFiniteDifferences(parameter: SensitivityParameter) throws {
    let (_, x) = try ElasticityTests.packing()
    let model = SmallSystems.bidisperseSpecies(count: 32, packingFraction: 1.0)
    let result = try ElasticSensitivity.compute(model: model, positions: x, parameter: parameter)
    let θ = try model.value(of: parameter)
    let h = 1e-6 * max(1, abs(θ))
    let choice = MinimizerChoice(FIRE(forceTolerance: 1e-14, maximumSteps: 200_000), largestDiameter: 1.4)
    var constants = [[[Double]]]()
    for sign in [1.0, -1.0] {
      let shifted = try model.setting(parameter, to: θ + sign * h, holding: .box)
      let minimum = try shifted.minimize(from: x, using: choice)
      try #require(minimum.converged)
      constants.append(try ElasticResponse.compute(model: shifted, positions: minimum.positions).constants.responses)
    }
    let scale = abs(result.response.constants.responses[0][0])
    let derivativeScale = result.derivative.responses.joined().map(abs).max()!
    for a in 0..<3 {
      for b in 0..<3 {
        let difference = (constants[0][a][b] - constants[1][a][b]) / (2 * h)
        #expect(abs(result.derivative.responses[a][b] - difference) <= 1e-5 * max(derivativeScale, scale),
                "\(parameter) \(a)\(b): \(result.derivative.responses[a][b]) vs \(difference)")
      }
    }
    // dG/dθ and dB/dθ are the same linear maps of dC/dθ.
    let shearDifference = (ElasticConstants(responses: constants[0], dimension: 2).shearModulus
                           - ElasticConstants(responses: constants[1], dimension: 2).shearModulus) / (2 * h)
    #expect(abs(result.derivative.shearModulus - shearDifference) <= 1e-5 * max(derivativeScale, scale))
  }
}
