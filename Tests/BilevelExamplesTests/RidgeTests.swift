import BilevelExamples
import ImplicitDifferentiation
import LinearAlgebra
import Testing

@Suite struct RidgeTests {
  func diabetes() throws -> RidgeRegression {
    let data = try LabelledDataset.fixture("diabetes")
    #expect(data.sampleCount == 442 && data.featureCount == 10)
    return RidgeRegression(design: data.features, targets: data.targets)
  }

  @Test func implicitJacobianMatchesClosedForm() throws {
    let ridge = try diabetes()
    for θ in [[0.3], (0..<10).map { 0.05 + 0.03 * Double($0) }] {
      let implicit = try ridge.implicitFunction.jacobian(at: θ)
      let closed = try ridge.closedFormJacobian(θ)
      for (rowI, rowC) in zip(implicit, closed) {
        for (a, b) in zip(rowI, rowC) { #expect(abs(a - b) <= 1e-8 * max(1, abs(b))) }
      }
    }
  }

  @Test func jacobianPrecisionImplicitStaysUnderTheBound() throws {
    let ridge = try diabetes()
    let experiment = JacobianPrecisionExperiment(ridge: ridge, weights: [Double](repeating: 0.1, count: 10))
    let records = try experiment.run(maximumIterations: 8)
    for record in records {
      #expect(record.implicitJacobianError <= record.bound * (1 + 1e-9) + 1e-12)
    }
    // Both estimates improve as x̂ₜ approaches x*.
    #expect(records.last!.implicitJacobianError < records.first!.implicitJacobianError)
    #expect(records.last!.unrolledJacobianError < records.first!.unrolledJacobianError)
  }
}

@Suite struct RidgeValidityTests {
  let ridge: RidgeRegression = {
    let data = try! LabelledDataset.fixture("diabetes")
    return RidgeRegression(design: data.features, targets: data.targets)
  }()

  @Test("At the exact ridge solution: ‖∇f‖ ≈ 0, λ_min(XᵀX + λI) as dense LAPACK finds it, a tiny estimate")
  func exactSolution() throws {
    let λ = 0.3
    let (_, report) = try ridge.validatedDerivative([λ], along: [1])
    let eigenvalues = try SymmetricEigendecomposition(ridge.regularizedGram([λ])).eigenvalues
    let smallest = try #require(report.smallestEigenvalue)
    #expect(abs(smallest - eigenvalues.first!) <= 1e-7 * eigenvalues.first!)
    #expect(abs(try #require(report.largestEigenvalue) - eigenvalues.last!) <= 1e-7 * eigenvalues.last!)
    #expect(report.singular == false && report.solverStatus == .converged)
    let solution = try ridge.solve([λ])
    let gradientScale = eigenvalues.last! * Dense.norm(solution)
    #expect(report.residualNorm <= 1e-10 * gradientScale)
    let estimate = try #require(report.errorEstimate)
    #expect(estimate.relativeSensitivityError <= 1e-8)
  }

  @Test("Perturbing the inner solution makes the estimate grow in proportion, and it bounds the true Jacobian error")
  func perturbedSolution() throws {
    let λ = 0.3
    let exact = try ridge.solve([λ])
    let exactDerivative = try ridge.closedFormJacobian([λ]).map { $0[0] }
    var previous = 0.0
    for size in [1e-6, 1e-4, 1e-2] {
      let perturbed = exact.enumerated().map { $0.element + size * (1 + 0.1 * Double($0.offset)) }
      let (product, report) = try ridge.validatedDerivative([λ], along: [1], at: perturbed)
      let estimate = try #require(report.errorEstimate)
      let trueError = Dense.norm(zip(product.value, exactDerivative).map { $0 - $1 })
      #expect(trueError <= estimate.sensitivityError * (1 + 1e-6))
      #expect(estimate.sensitivityError > 50 * previous)
      previous = estimate.sensitivityError
    }
  }
}

private enum Dense {
  static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
