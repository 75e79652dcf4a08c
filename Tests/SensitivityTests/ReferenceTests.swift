import Models
import ImplicitDifferentiation
import Foundation
import Sensitivity
import Testing

@Suite("Implicit sensitivity at the JAX-MD reference minimum")
struct ReferenceTests {
  @Test("dx/dθ at x_fire equals JAXopt's tight implicit solve and its L1 norm")
  func matchesReference() throws {
    let reference = try PaperReference.load()
    let model = try PaperReference.paperModel()
    #expect(abs(model.boxLength - reference.boxSize) < 1e-12)
    let result = try ImplicitSensitivity.compute(
      model: model, positions: reference.physical(reference.xFire), parameter: .speciesDiameter(0),
      holding: .packingFraction)
    let expected = reference.dxImplicitTight.flatMap { $0 }
    let error = relativeDifference(result.normalised, expected)
    print("reference: relative L2 error \(error), L1 \(result.normalisedL1Norm), dL/dθ \(result.boxLengthDerivative)")
    #expect(error < 1e-7, "relative L2 difference \(error)")
    #expect(abs(result.normalisedL1Norm - 20.00706471550545) < 1e-6)
    #expect(abs(result.boxLengthDerivative - reference.dLdTheta) < 1e-12)
    let fd = relativeDifference(result.normalised, reference.dxFd.flatMap { $0 })
    #expect(fd < 1e-6, "JAX-MD's finite differences: \(fd)")
    let report = try #require(result.validity)
    print("report: \(report.root.solver) \(report.root.solverIterations) it, residual \(report.root.solverResidual), λmin \(report.root.smallestEigenvalue ?? .nan), rattlers \(report.rattlers), zero modes \(report.zeroModesRemoved), error \(String(describing: report.root.errorEstimate))")
    #expect(report.root.solverStatus == .converged)
    #expect(report.rattlers.isEmpty)
    #expect(report.zeroModesRemoved == 2)
    // The reference's smallest non-zero eigenvalue of the normalised Hessian is 0.767; ours is
    // physical, L² smaller.
    let smallest = try #require(report.root.smallestEigenvalue)
    #expect(abs(smallest * reference.boxSize * reference.boxSize - 0.7671850335132178) < 1e-5)
    #expect(report.warnings.isEmpty, "\(report.warnings)")
    #expect(report.normalisedL1Norm == result.normalisedL1Norm)
    // The a-posteriori estimate covers the observed difference from the tight reference solve.
    let estimate = try #require(report.root.errorEstimate)
    #expect(estimate.relativeSensitivityError + estimate.relativeSolveError >= error)
  }
}
