import LinearAlgebra
import RandomNumbers

/// A linear system with a known bound on ‖A⁻¹‖, so that agreement with LAPACK can be asserted as the
/// perturbation bound ‖x − x_LAPACK‖ ≤ ‖A⁻¹‖ (‖b − A x‖ + ‖b − A x_LAPACK‖) instead of a guessed
/// tolerance.
struct TestProblem: Sendable {
  let matrix: DenseMatrix
  let rightHandSide: [Double]
  /// An upper bound on ‖A⁻¹‖₂ (exact when the spectrum or singular values were prescribed).
  let inverseNormBound: Double

  enum Kind: String, Sendable, CaseIterable {
    case positiveDefinite = "SPD, cond 1e3"
    case positiveDefiniteIllConditioned = "SPD, cond 1e6"
    case positiveDefiniteBadlyScaled = "SPD with diagonal spanning 1..1e4"
    case indefinite = "symmetric indefinite, cond 1e3"
    case indefiniteBadlyScaled = "symmetric indefinite with diagonal spanning 1..1e3"
    case nonsymmetric = "non-symmetric, cond 1e2"
    case nonsymmetricModeratelyConditioned = "non-symmetric, cond 1e4"
    case nonsymmetricIllConditioned = "non-symmetric, cond 1e6"
    case nonsymmetricBadlyScaled = "non-symmetric with rows scaled 1..1e4"
  }

  static func make(_ kind: Kind) -> TestProblem {
    var generator = SplitMix64(seed: 0xC0FFEE &+ UInt64(Kind.allCases.firstIndex(of: kind)!))
    let n = 80
    func problem(_ matrix: DenseMatrix, _ inverseNormBound: Double) -> TestProblem {
      TestProblem(matrix: matrix, rightHandSide: TestMatrices.randomVector(n, using: &generator),
                  inverseNormBound: inverseNormBound)
    }
    func alternatingSigns(_ values: [Double]) -> [Double] {
      values.enumerated().map { $0.offset % 3 == 0 ? -$0.element : $0.element }
    }
    switch kind {
    case .positiveDefinite:
      return problem(TestMatrices.symmetric(eigenvalues: TestMatrices.geometric(n, from: 1, to: 1e3),
                                            using: &generator), 1)
    case .positiveDefiniteIllConditioned:
      return problem(TestMatrices.symmetric(eigenvalues: TestMatrices.geometric(n, from: 1e-3, to: 1e3),
                                            using: &generator), 1e3)
    case .positiveDefiniteBadlyScaled:
      let base = TestMatrices.symmetric(eigenvalues: TestMatrices.geometric(n, from: 1, to: 10),
                                        using: &generator)
      // ‖(D^½ B D^½)⁻¹‖ ≤ ‖B⁻¹‖ ‖D⁻¹‖ = 1.
      return problem(TestMatrices.badlyScaled(base, scales: TestMatrices.geometric(n, from: 1, to: 1e4)), 1)
    case .indefinite:
      return problem(TestMatrices.symmetric(
        eigenvalues: alternatingSigns(TestMatrices.geometric(n, from: 0.1, to: 100)), using: &generator), 10)
    case .indefiniteBadlyScaled:
      let base = TestMatrices.symmetric(
        eigenvalues: alternatingSigns(TestMatrices.geometric(n, from: 1, to: 10)), using: &generator)
      return problem(TestMatrices.badlyScaled(base, scales: TestMatrices.geometric(n, from: 1, to: 1e3)), 1)
    case .nonsymmetric:
      return problem(TestMatrices.nonsymmetric(singularValues: TestMatrices.geometric(n, from: 1, to: 100),
                                               angle: 0.4, using: &generator), 1)
    case .nonsymmetricModeratelyConditioned:
      return problem(TestMatrices.nonsymmetric(singularValues: TestMatrices.geometric(n, from: 1e-2, to: 1e2),
                                               angle: 0.3, using: &generator), 1e2)
    case .nonsymmetricIllConditioned:
      return problem(TestMatrices.nonsymmetric(singularValues: TestMatrices.geometric(n, from: 1e-3, to: 1e3),
                                               angle: 0.2, using: &generator), 1e3)
    case .nonsymmetricBadlyScaled:
      var matrix = TestMatrices.nonsymmetric(singularValues: TestMatrices.geometric(n, from: 1, to: 10),
                                             angle: 0.3, using: &generator)
      let scales = TestMatrices.geometric(n, from: 1, to: 1e4)
      for j in 0..<n { for i in 0..<n { matrix[i, j] *= scales[i] } }
      // ‖(D N)⁻¹‖ ≤ ‖N⁻¹‖ ‖D⁻¹‖ = 1.
      return problem(matrix, 1)
    }
  }
}

/// A solver paired with a problem, named for the test report.
struct SolverCase: Sendable, CustomStringConvertible {
  let label: String
  let solver: any LinearSolver
  let kind: TestProblem.Kind
  var description: String { "\(label) on \(kind.rawValue)" }
}
