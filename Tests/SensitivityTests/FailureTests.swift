import Models
import ImplicitDifferentiation
import Foundation
import Minimization
import Sensitivity
import Testing

@Suite("Refusals, warnings and solver failures")
struct FailureTests {
  @Test("far from a minimum the sensitivity is refused")
  func refusesNonMinimum() throws {
    let reference = try PaperReference.load()
    let model = try PaperReference.paperModel()
    #expect {
      try ImplicitSensitivity.compute(model: model, positions: reference.physical(reference.x0),
                                      parameter: .speciesDiameter(0))
    } throws: { error in
      guard case SensitivityError.notAMinimum(let force, let threshold) = error else { return false }
      return force > 1e-6 && threshold == 1e-6
    }
  }

  @Test("a loosely converged minimum gives a warning; a tighter refusal threshold refuses it")
  func warnsAboveThreshold() throws {
    let model = SmallSystems.bidisperseSpecies()
    let minimum = SmallSystems.minimum(of: model, seed: 3, tolerance: 1e-8)
    try #require(minimum.maximumForce > 1e-9)
    let result = try ImplicitSensitivity.compute(model: model, positions: minimum.positions,
                                                 parameter: .speciesDiameter(0), holding: .box)
    #expect(result.validity!.warnings.contains { $0.contains("max force") })
    #expect(result.validity!.root.errorEstimate!.positionError > 1e-10)
    #expect(throws: SensitivityError.self) {
      try ImplicitSensitivity.compute(model: model, positions: minimum.positions, parameter: .speciesDiameter(0),
                                      holding: .box, options: ImplicitOptions(refusalForce: 1e-9))
    }
  }

  @Test("a solve that misses its tolerance throws with its residual and iterations")
  func solveFailure() throws {
    let reference = try PaperReference.load()
    let model = try PaperReference.paperModel()
    let options = ImplicitOptions(solver: SolverChoice(.conjugateGradient, maximumIterations: 3), validate: false)
    #expect {
      try ImplicitSensitivity.compute(model: model, positions: reference.physical(reference.xFire),
                                      parameter: .speciesDiameter(0), options: options)
    } throws: { error in
      guard case SensitivityError.solveDidNotConverge(let solver, _, let residual, let iterations) = error else {
        return false
      }
      return solver == "cg" && iterations == 3 && residual > 1e-10
    }
  }

  @Test("parameters a model does not have are rejected")
  func unsupportedParameters() {
    var model = SmallSystems.bidisperseSpecies(count: 4)
    model.potential = .lennardJones(epsilon: 1, cutoff: 2.5)
    #expect(throws: SensitivityError.self) { try model.value(of: .alpha) }
    #expect(throws: SensitivityError.self) { try model.value(of: .speciesDiameter(5)) }
    #expect(throws: SensitivityError.self) {
      try SmallSystems.bidisperse(count: 4).tangent(for: .speciesDiameter(0), holding: .box)
    }
  }
}
