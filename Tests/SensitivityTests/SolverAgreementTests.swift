import Models
import ImplicitDifferentiation
import Foundation
import Sensitivity
import Testing

@Suite("Every solver gives the same sensitivity")
struct SolverAgreementTests {
  static let choices: [SolverChoice] = [
    SolverChoice(.bicgstab, tolerance: 1e-12), SolverChoice(.conjugateGradient, tolerance: 1e-12),
    SolverChoice(.minres, tolerance: 1e-12), SolverChoice(.gmres, tolerance: 1e-12),
    SolverChoice(.conjugateGradient, tolerance: 1e-12, jacobi: true),
    SolverChoice(.bicgstab, tolerance: 1e-12, jacobi: true),
  ]

  /// The solution error of a solve is at most cond(H)·(relative residual); with cond ≈ 10³ here the
  /// default tolerance 1e-10 leaves ~10⁻⁸, so the comparison uses 1e-12.
  @Test("iterative solvers agree with the dense LAPACK solve to 1e-9 at the reference minimum")
  func solversAgreeWithDense() throws {
    let (reference, model, positions, dense) = try PaperReference.denseSensitivityAtMinimum()
    var options = ImplicitOptions(solver: SolverChoice(.dense), validate: false)
    let toReference = relativeDifference(dense.normalised, reference.dxImplicitTight.flatMap { $0 })
    print("dense vs reference: \(toReference)")
    #expect(toReference < 1e-7)
    for choice in Self.choices {
      options.solver = choice
      let result = try ImplicitSensitivity.compute(model: model, positions: positions,
                                                   parameter: .speciesDiameter(0), options: options)
      let difference = relativeDifference(result.normalised, dense.normalised)
      print("\(choice.method.rawValue) jacobi=\(choice.jacobi): \(result.validity!.root.solverIterations) iterations, vs dense \(difference)")
      #expect(difference < 1e-9, "\(choice.method.rawValue) (jacobi \(choice.jacobi)) differs from dense by \(difference)")
    }
  }
}
