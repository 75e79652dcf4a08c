import Foundation
import Minimization
import Sensitivity
import Simulation
import Testing

@Suite("Unrolled differentiation through FIRE")
struct UnrolledTests {
  /// The paper's system from seed 1 (FIRE converges there in ~800 steps): dual numbers through the
  /// same FIRE code; the derivative of the iterate approaches the implicit derivative at the minimum
  /// it reaches as the step count grows.
  @Test("the unrolled derivative converges to the implicit one as FIRE steps grow")
  func convergesToImplicit() throws {
    let model = try PaperReference.paperModel()
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: 1)
    var checkpoints = [(step: Int, normalised: [Double])]()
    let unrolled = try UnrolledSensitivity.compute(
      model: model, start: start, parameter: .speciesDiameter(0),
      minimizer: FIRE(forceTolerance: 0, maximumSteps: 1600), checkpointInterval: 200
    ) { step, normalised in checkpoints.append((step, normalised)) }
    #expect(unrolled.unrolledSteps == 1600)
    let implicit = try ImplicitSensitivity.compute(model: model, positions: unrolled.positions,
                                                   parameter: .speciesDiameter(0),
                                                   options: ImplicitOptions(validate: false))
    let errors = checkpoints.map { ($0.step, relativeDifference($0.normalised, implicit.normalised)) }
    let final = relativeDifference(unrolled.normalised, implicit.normalised)
    print("unrolled vs implicit by FIRE step: \(errors.map { "\($0.0): \($0.1)" }.joined(separator: ", ")); final \(final)")
    #expect(checkpoints.count == 9)
    #expect(final < 1e-6)
    // Far from the minimum the unrolled derivative is meaningless (errors ≫ 1); once FIRE has
    // settled it is close, with transients when FIRE's power changes sign at round-off forces and
    // resets its velocities (the paper's observation that unrolling need not converge cleanly).
    #expect(errors.prefix(3).dropFirst().allSatisfy { $0.1 > 1 })
    #expect(errors.suffix(5).allSatisfy { $0.1 < 0.05 }, "\(errors)")
    #expect(errors.suffix(5).map(\.1).min()! < 1e-6)
  }

  @Test("with the box held, a small system: unrolled = implicit after convergence")
  func smallSystemBoxHeld() throws {
    let model = SmallSystems.bidisperseSpecies(count: 16)
    let start = RandomConfiguration.uniform(count: 16, edges: model.boxEdges, seed: 3)
    let unrolled = try UnrolledSensitivity.compute(model: model, start: start, parameter: .speciesDiameter(1),
                                                   holding: .box,
                                                   minimizer: FIRE(forceTolerance: 1e-13, maximumSteps: 20_000))
    let implicit = try ImplicitSensitivity.compute(model: model, positions: unrolled.positions,
                                                   parameter: .speciesDiameter(1), holding: .box)
    #expect(relativeDifference(unrolled.physical, implicit.physical) < 1e-6)
  }
}
