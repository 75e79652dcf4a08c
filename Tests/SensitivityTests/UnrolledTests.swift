import Foundation
import Minimization
import Sensitivity
import Simulation
import Models
import ImplicitDifferentiation
import Testing

@Suite("Unrolled differentiation through FIRE")
struct UnrolledTests {
  /// The paper's system from seed 1 (FIRE converges there in ~600 steps): dual numbers through the
  /// same FIRE code; the derivative of the iterate approaches the implicit derivative at the minimum
  /// it reaches as the step count grows.
  @Test("the unrolled derivative converges to the implicit one as FIRE steps grow")
  func convergesToImplicit() throws {
    let model = try PaperReference.paperModel()
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: 1)
    var checkpoints = [(step: Int, normalised: [Double])]()
    let unrolled = try UnrolledSensitivity.compute(
      model: model, start: start, parameter: .speciesDiameter(0),
      using: MinimizerChoice(FIRE(forceTolerance: 0, maximumSteps: 1600), largestDiameter: model.largestDiameter), checkpointInterval: 200
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
    // Far from the minimum (step 200) the unrolled derivative is meaningless (error ≫ 1); while
    // FIRE is still settling (step 400, max force ~1e-4) it is only roughly right; once FIRE has
    // converged (~600 steps) it matches the implicit derivative at the minimum it reaches, and
    // stays there as the extra steps at round-off forces leave x and dx/dθ unchanged.
    #expect(errors[1].1 > 1, "\(errors)")
    #expect(errors[2].1 > 1e-4 && errors[2].1 < 1, "\(errors)")
    #expect(errors.suffix(5).allSatisfy { $0.1 < 1e-6 }, "\(errors)")
  }

  @Test("with the box held, a small system: unrolled = implicit after convergence")
  func smallSystemBoxHeld() throws {
    let model = SmallSystems.bidisperseSpecies(count: 16)
    let start = RandomConfiguration.uniform(count: 16, edges: model.boxEdges, seed: 3)
    let unrolled = try UnrolledSensitivity.compute(model: model, start: start, parameter: .speciesDiameter(1),
                                                   holding: .box,
                                                   using: MinimizerChoice(FIRE(forceTolerance: 1e-13, maximumSteps: 20_000), largestDiameter: model.largestDiameter))
    let implicit = try ImplicitSensitivity.compute(model: model, positions: unrolled.positions,
                                                   parameter: .speciesDiameter(1), holding: .box)
    #expect(relativeDifference(unrolled.physical, implicit.physical) < 1e-6)
  }
}
