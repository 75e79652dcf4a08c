import DualNumbers
import Foundation
import ImplicitDifferentiation
import LinearAlgebra
import Testing

/// Springs with a cubic hardening, loaded by θ along b:
///
///     F(x, θ) = θ b − K x − c x³   (x³ componentwise),   A = K + 3c diag(x²),  B = b,
///
/// with K symmetric positive definite, so A is too. For c = 0 the root is linear in θ and A, B do
/// not depend on x: Theorem 1's constant vanishes.
struct CubicSprings: RootMapping {
  let stiffness: [[Double]]
  let load: [Double]
  let hardening: Double

  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    x.indices.map { i in
      var force = θ[0] * S(load[i]) - S.scaled(x[i] * x[i] * x[i], by: hardening)
      for j in x.indices { force -= S.scaled(x[j], by: stiffness[i][j]) }
      return force
    }
  }

  func linearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization {
    AutomaticLinearization(mapping: self, state: x, parameters: θ, structure: .symmetricPositiveDefinite)
  }

  /// A = K + 3c diag(x²), row-major.
  func jacobianOperator(at x: [Double]) -> [[Double]] {
    stiffness.enumerated().map { i, row in
      row.enumerated().map { j, value in value + (i == j ? 3 * hardening * x[i] * x[i] : 0) }
    }
  }

  /// The root at θ to rounding, by Newton's method with dense solves.
  func exactRoot(_ θ: Double) -> [Double] {
    var x = [Double](repeating: 0, count: load.count)
    for _ in 0..<50 {
      let step = Dense.solve(jacobianOperator(at: x), self(x, [θ]))
      x = zip(x, step).map { $0 + $1 }
      if Dense.norm(step) <= 1e-15 * max(1, Dense.norm(x)) { break }
    }
    return x
  }
}

@Suite("Validity of a root's derivative: residual, solve, spectrum and Theorem 1")
struct RootValidationTests {
  /// K with eigenvalues 0.5 … 20 (d = 10), b one random column.
  static let stiff = SingularProblem(
    dimension: 10, nullity: 0, spectrum: TestSpectrum.geometric(10, from: 0.5, to: 20), parameterCount: 1,
    seed: 31)

  static func springs(hardening: Double) -> CubicSprings {
    let rows = (0..<10).map { i in (0..<10).map { stiff.matrix[i, $0] } }
    return CubicSprings(stiffness: rows, load: stiff.parameterColumns[0], hardening: hardening)
  }

  @Test("Linear root: λ_min, λ_max are K's (dense LAPACK), ‖F(x̂)‖ = ‖K δ‖, and the estimate has C = 0")
  func linearRoot() throws {
    let springs = Self.springs(hardening: 0)
    let exact = springs.exactRoot(1.5)
    var random = ImplicitTestRandom(seed: 2)
    let displacement = random.vector(10).map { 1e-4 * $0 }
    let approximate = zip(exact, displacement).map { $0 + $1 }
    let (product, report) = try springs.validatedJacobianVectorProduct(
      at: approximate, parameters: [1.5], along: [1])
    let eigenvalues = Self.stiff.eigen.eigenvalues
    #expect(abs(try #require(report.smallestEigenvalue) - eigenvalues.first!) <= 1e-8 * eigenvalues.first!)
    #expect(abs(try #require(report.largestEigenvalue) - eigenvalues.last!) <= 1e-8 * eigenvalues.last!)
    #expect(report.eigenvalueConverged == true && report.singular == false)
    let residual = Dense.norm(Self.stiff.matrix(displacement))
    #expect(abs(report.residualNorm - residual) <= 1e-8 * residual)
    #expect(report.solver == "dense-lu" && report.solverStatus == .converged && report.solverIterations == 10)
    #expect(report.nullSpaceComponent == nil && report.warnings.isEmpty)
    let estimate = try #require(report.errorEstimate)
    #expect(estimate.lipschitzConstant == 0 && estimate.sensitivityError == 0)
    // ‖δ‖ ≤ ‖K δ‖ / λ_min ≤ cond(K)·‖δ‖.
    let distance = Dense.norm(displacement)
    #expect(estimate.positionError >= distance * (1 - 1e-10))
    #expect(estimate.positionError <= 40 * distance)
    #expect(estimate.solveError <= 1e-12 * Dense.norm(product.value))
    // J does not depend on x here: the derivative at x̂ is the exact one.
    let exactDerivative = Dense.solve(springs.jacobianOperator(at: exact), Self.stiff.parameterColumns[0])
    #expect(Self.stiff.relativeDistance(product.value, exactDerivative) <= 1e-12)
  }

  @Test("Nonlinear root: the Theorem 1 estimate bounds the true error ‖J(x̂)·dθ − J(x*)·dθ‖ and is of its order, shrinking with ‖x̂ − x*‖")
  func nonlinearRoot() throws {
    let springs = Self.springs(hardening: 2)
    let θ = 1.0
    let exact = springs.exactRoot(θ)
    #expect(Dense.norm(springs(exact, [θ])) <= 1e-13)
    let exactDerivative = Dense.solve(springs.jacobianOperator(at: exact), Self.stiff.parameterColumns[0])
    var random = ImplicitTestRandom(seed: 5)
    let direction = random.vector(10)
    var estimates = [Double]()
    for size in [1e-3, 1e-4] {
      let approximate = zip(exact, direction).map { $0 + size * $1 }
      let (product, report) = try springs.validatedJacobianVectorProduct(
        at: approximate, parameters: [θ], along: [1])
      let estimate = try #require(report.errorEstimate)
      let trueError = Dense.norm(zip(product.value, exactDerivative).map { $0 - $1 })
      let distance = size * Dense.norm(direction)
      #expect(estimate.positionError >= distance * 0.99)
      #expect(trueError <= estimate.sensitivityError)
      #expect(estimate.sensitivityError <= 100 * trueError)
      #expect(abs(estimate.relativeSensitivityError * Dense.norm(product.value) - estimate.sensitivityError)
              <= 1e-12 * estimate.sensitivityError)
      estimates.append(estimate.sensitivityError)
    }
    // First order in ‖x̂ − x*‖.
    #expect(abs(estimates[0] / estimates[1] - 10) <= 0.5)
  }

  @Test("A singular A without its null space is flagged, with no estimate; with it (basis or projector) λ_min is the smallest non-zero eigenvalue")
  func singularOperator() throws {
    let problem = SingularProblem(
      dimension: 12, nullity: 2, spectrum: TestSpectrum.geometric(10, from: 0.5, to: 20), parameterCount: 1,
      seed: 13)
    let linearization = problem.linearization(structure: .symmetricPositiveDefinite)
    let basis = try NullSpace(orthonormalBasis: problem.nullVectors)
    let nullVectors = problem.nullVectors
    let projector = NullSpace(dimension: 2, stateDimension: 12) { v in
      for t in nullVectors { VectorOperations.axpy(-zip(t, v).reduce(0) { $0 + $1.0 * $1.1 }, t, &v) }
    }
    let product = try rootJacobianVectorProduct(linearization, parameterTangent: [1], nullSpace: basis)
    let zero = [Double](repeating: 0, count: 12)
    let displaced: (_ displacement: [Double]) -> any OptimalityLinearization = { _ in linearization }

    let unaware = validateRoot(linearization, residual: zero, parameterTangent: [1], product: product,
                               linearizationAt: displaced)
    #expect(unaware.singular == true)
    #expect(unaware.errorEstimate == nil)
    #expect(!unaware.warnings.isEmpty)
    #expect(abs(try #require(unaware.smallestEigenvalue)) <= 1e-8 * 20)

    for nullSpace in [basis, projector] {
      let aware = validateRoot(linearization, residual: zero, parameterTangent: [1], product: product,
                               nullSpace: nullSpace, linearizationAt: displaced)
      #expect(aware.singular == false && aware.warnings.isEmpty)
      #expect(abs(try #require(aware.smallestEigenvalue) - 0.5) <= 1e-8)
      #expect(abs(try #require(aware.largestEigenvalue) - 20) <= 1e-7)
      #expect(aware.residualNorm == 0)
      let estimate = try #require(aware.errorEstimate)
      #expect(estimate.positionError == 0 && estimate.sensitivityError == 0)
    }
  }

  @Test("A negative definite A (F = ∇f at a minimum) reports the spectrum of −A, positive")
  func negativeDefiniteSpectrumIsOfMinusA() throws {
    let linearization = Self.stiff.linearization(structure: .symmetricNegativeDefinite, sign: -1)
    let product = try rootJacobianVectorProduct(linearization, parameterTangent: [1])
    let report = validateRoot(linearization, residual: [Double](repeating: 0, count: 10), parameterTangent: [1],
                              product: product)
    #expect(abs(try #require(report.smallestEigenvalue) - 0.5) <= 1e-8)
    #expect(report.singular == false)
    // No displaced linearization: no estimate, and no warning for it.
    #expect(report.errorEstimate == nil && report.warnings.isEmpty)
  }

  @Test("A non-symmetric A gets no spectrum and no estimate, and the report says so")
  func generalOperatorIsNotChecked() throws {
    let matrix = Self.stiff.matrix
    let general = SuppliedLinearization(
      stateDimension: 10, parameterDimension: 1, structure: .general,
      productA: { matrix($0) }, transposeProductA: { matrix($0) },
      productB: Self.stiff.applyB, transposeProductB: Self.stiff.applyBTranspose)
    let product = try rootJacobianVectorProduct(general, parameterTangent: [1])
    let report = validateRoot(general, residual: [Double](repeating: 1e-9, count: 10), parameterTangent: [1],
                              product: product, linearizationAt: { _ in general })
    #expect(report.smallestEigenvalue == nil && report.singular == nil && report.errorEstimate == nil)
    #expect(report.warnings.contains { $0.contains("not symmetric") })
    #expect(abs(report.residualNorm - 1e-9 * 10.0.squareRoot()) <= 1e-20)
  }

  @Test("The report is JSON with the solver status as a word")
  func reportEncodes() throws {
    let springs = Self.springs(hardening: 1)
    let (_, report) = try springs.validatedJacobianVectorProduct(
      at: springs.exactRoot(0.5), parameters: [0.5], along: [1])
    let json = String(data: try JSONEncoder().encode(report), encoding: .utf8)!
    #expect(json.contains(#""solverStatus":"converged""#))
    let decoded = try JSONDecoder().decode(RootValidityReport.self, from: Data(json.utf8))
    #expect(decoded.smallestEigenvalue == report.smallestEigenvalue)
    #expect(decoded.errorEstimate == report.errorEstimate)
  }
}
