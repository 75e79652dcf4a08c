import ImplicitDifferentiation
import Models
import Sensitivity
import Testing

/// Several parameters at once: one prepared minimum, one block solve, each column what the
/// parameter alone gives.
@Suite("Sensitivities to several parameters in one block solve")
struct BlockSensitivityTests {
  @Test("at the reference minimum: diameter, α, box and packing fraction together equal each alone")
  func blockEqualsSingles() throws {
    let reference = try PaperReference.load()
    let model = try PaperReference.paperModel()
    let positions = reference.physical(reference.xFire)
    let parameters: [SensitivityParameter] = [.speciesDiameter(0), .alpha, .boxLength, .packingFraction, .epsilon]
    for method in [SolverChoice.Method.automatic, .dense] {
      let options = ImplicitOptions(solver: SolverChoice(method, tolerance: 1e-12))
      let together = try ImplicitSensitivity.compute(model: model, positions: positions, parameters: parameters,
                                                     holding: .box, options: options)
      #expect(together.count == parameters.count)
      for (parameter, block) in zip(parameters, together) {
        let alone = try ImplicitSensitivity.compute(model: model, positions: positions, parameter: parameter,
                                                    holding: .box, options: options)
        #expect(block.parameter == parameter)
        let scale = max(1e-300, alone.physical.map(abs).max()!)
        let difference = zip(block.physical, alone.physical).map { abs($0 - $1) }.max()!
        #expect(difference <= 1e-9 * scale, "\(parameter) with \(method): \(difference / scale)")
        #expect(block.validity!.root.solverStatus == .converged)
        #expect(block.validity!.root.smallestEigenvalue != nil)
        // B of pair forces has no net force or torque: its rigid-body component is rounding.
        if parameter != .epsilon { #expect(block.validity!.root.nullSpaceComponent! < 1e-12) }
      }
    }
    #expect(try ImplicitSensitivity.compute(model: model, positions: positions, parameters: []).isEmpty)
  }
}
