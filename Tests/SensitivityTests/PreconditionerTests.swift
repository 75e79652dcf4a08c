import ImplicitDifferentiation
import Models
import Sensitivity
import Testing

/// The Hessian preconditioners change how CG gets to H u = B, not where: every preconditioned
/// solve must give the dense LAPACK solution.
@Suite("Hessian preconditioners: block Jacobi and block SSOR give the dense solution")
struct PreconditionerTests {
  static let preconditioners: [HessianPreconditioner] = [
    .none, .jacobi, .blockJacobi, .symmetricSOR(relaxation: 1), .symmetricSOR(relaxation: 1.5),
  ]

  @Test("the sensitivity at the paper's minimum agrees with the dense solve to 1e-9; SSOR needs fewer iterations")
  func paperMinimum() throws {
    let (_, model, positions, dense) = try PaperReference.denseSensitivityAtMinimum()
    var options = ImplicitOptions(solver: SolverChoice(.conjugateGradient, tolerance: 1e-12), validate: false)
    options.preconditioner = .none
    let plain = try ImplicitSensitivity.compute(model: model, positions: positions, parameter: .speciesDiameter(0),
                                                options: options)
    let plainIterations = try #require(plain.validity?.root.solverIterations)
    for preconditioner in Self.preconditioners {
      options.preconditioner = preconditioner
      let result = try ImplicitSensitivity.compute(model: model, positions: positions,
                                                   parameter: .speciesDiameter(0), options: options)
      let difference = relativeDifference(result.normalised, dense.normalised)
      let iterations = try #require(result.validity?.root.solverIterations)
      print("\(preconditioner): \(iterations) iterations (plain CG \(plainIterations)), vs dense \(difference)")
      #expect(difference < 1e-9, "\(preconditioner) differs from dense by \(difference)")
      if case .symmetricSOR = preconditioner { #expect(iterations < plainIterations) }
    }
  }

  @Test("the elastic constants with a rattler removed (the blocks on the reduced space) agree with the dense solve")
  func elasticConstantsWithRattler() throws {
    let (model, positions, caged) = RattlerTests.cagedConfiguration()
    var options = ImplicitOptions(solver: SolverChoice(.dense), validate: false)
    let dense = try ElasticResponse.compute(model: model, positions: positions, options: options)
    #expect(dense.rattlers == [caged])
    options.solver = SolverChoice(.conjugateGradient, tolerance: 1e-12)
    for preconditioner in Self.preconditioners {
      options.preconditioner = preconditioner
      let response = try ElasticResponse.compute(model: model, positions: positions, options: options)
      let difference = relativeDifference(response.constants.responses.flatMap { $0 },
                                          dense.constants.responses.flatMap { $0 })
      print("\(preconditioner): elastic constants vs dense \(difference)")
      #expect(difference < 1e-9, "\(preconditioner) differs from dense by \(difference)")
    }
  }
}
