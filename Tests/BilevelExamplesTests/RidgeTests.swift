import BilevelExamples
import ImplicitDifferentiation
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
