import DualNumbers
import ImplicitDifferentiation
import LinearAlgebra

/// One row of the Jacobian-precision experiment (§3 and Figure 2 of Blondel et al.).
public struct JacobianPrecisionRecord: Codable, Sendable {
  /// Gradient-descent iterations t.
  public var iteration: Int
  /// ‖x̂ₜ − x*‖₂.
  public var solutionError: Double
  /// ‖J(x̂ₜ) − ∂x*‖_F for the implicit Jacobian evaluated at the inexact x̂ₜ.
  public var implicitJacobianError: Double
  /// ‖∂x̂ₜ − ∂x*‖_F for forward-mode differentiation through the t iterations.
  public var unrolledJacobianError: Double
  /// The Corollary 1 bound C‖x̂ₜ − x*‖ on the implicit error.
  public var bound: Double
}

/// The experiment of §3: ridge regression with one weight per feature, solved inexactly by t steps
/// of gradient descent x ← x − η∇₁f(x, θ), η = 1/L; the Jacobian estimate from implicit
/// differentiation at x̂ₜ is compared with the one from unrolling the t steps.
///
/// Bound (Theorem 1 / Corollary 1): here A = −∂₁F = AᵀA + diag θ does not depend on x and
/// B(x) = ∂₂F = diag(x) is 1-Lipschitz in Frobenius norm, so
///
///     J(x̂) − ∂x* = −A⁻¹(diag(x̂) − diag(x*))   ⇒   ‖J(x̂) − ∂x*‖_F ≤ ‖x̂ − x*‖₂ / α,
///
/// with α = λ_min(AᵀA + diag θ), the strong-convexity constant of f.
public struct JacobianPrecisionExperiment {
  public let ridge: RidgeRegression
  public let weights: [Double]

  public init(ridge: RidgeRegression, weights: [Double]) {
    self.ridge = ridge
    self.weights = weights
  }

  /// One gradient-descent step x ← x − η∇₁f(x, θ) on the generic objective: on `Dual<Double>`
  /// with θ seeded along eⱼ it advances column j of the unrolled Jacobian ∂x̂ₜ/∂θ (forward mode).
  static func gradientStep<S: RealScalar>(
    _ objective: RidgeRegressionObjective, _ x: inout [S], _ θ: [S], stepSize: Double
  ) {
    let gradient = objective.gradient(x, θ)
    for j in x.indices { x[j] -= S.scaled(gradient[j], by: stepSize) }
  }

  /// Records t = 1 … `maximumIterations` of gradient descent from x = 0 with η = 1/L.
  public func run(maximumIterations: Int) throws -> [JacobianPrecisionRecord] {
    let θ = weights
    let exactSolution = try ridge.solve(θ)
    let exactJacobian = try ridge.closedFormJacobian(θ)
    let spectrum = try SymmetricEigendecomposition(ridge.regularizedGram(θ)).eigenvalues
    let strongConvexity = spectrum.min()!
    let stepSize = 1 / spectrum.max()!
    let condition = StationaryPoint(ridge.objective)
    var estimate = [Double](repeating: 0, count: θ.count)
    // One dual-number run per component of θ, advanced in step with the plain run.
    var seededParameters = [[Dual<Double>]]()
    var dualRuns = [[Dual<Double>]]()
    for column in θ.indices {
      var seeded = θ.map { Dual<Double>(constant: $0) }
      seeded[column].tangent = 1
      seededParameters.append(seeded)
      dualRuns.append([Dual<Double>](repeating: Dual(constant: 0), count: θ.count))
    }
    var records = [JacobianPrecisionRecord]()
    for t in 1...maximumIterations {
      Self.gradientStep(ridge.objective, &estimate, θ, stepSize: stepSize)
      var unrolled = [[Double]](repeating: [Double](repeating: 0, count: θ.count), count: θ.count)
      for column in θ.indices {
        Self.gradientStep(ridge.objective, &dualRuns[column], seededParameters[column], stepSize: stepSize)
        for row in θ.indices { unrolled[row][column] = dualRuns[column][row].tangent }
      }
      // Implicit: the linear maps of F = ∇₁f at the inexact x̂ₜ.
      let implicit = try rootJacobian(condition.linearization(at: estimate, θ))
      let solutionError = zip(estimate, exactSolution).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        .squareRoot()
      records.append(JacobianPrecisionRecord(
        iteration: t, solutionError: solutionError,
        implicitJacobianError: frobeniusDistance(implicit, exactJacobian),
        unrolledJacobianError: frobeniusDistance(unrolled, exactJacobian),
        bound: solutionError / strongConvexity))
    }
    return records
  }
}

/// ‖P − Q‖_F for nested-array matrices of equal shape.
func frobeniusDistance(_ p: [[Double]], _ q: [[Double]]) -> Double {
  var total = 0.0
  for (rowP, rowQ) in zip(p, q) { for (a, b) in zip(rowP, rowQ) { total += (a - b) * (a - b) } }
  return total.squareRoot()
}
