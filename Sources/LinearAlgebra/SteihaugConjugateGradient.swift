/// Truncated conjugate gradients for the Newton step of a minimisation (Steihaug, SIAM J. Numer.
/// Anal. 20, 626 (1983)): A·x = b with A a symmetric Hessian that may not be positive definite.
///
/// The iterations are those of preconditioned ``ConjugateGradient`` from x₀ = 0; instead of
/// failing at a direction of non-positive curvature pᵀAp ≤ 0 the solve stops there and returns
/// the iterate reached so far (or, in the first iteration, the preconditioned steepest-descent
/// direction M⁻¹b), which is still a descent direction of the quadratic model
/// q(x) = ½xᵀAx − bᵀx, and says so. Every CG iterate from 0 decreases q, so a truncated step is a
/// safe Newton step to hand to a line search.
public struct SteihaugConjugateGradient: Sendable {
  /// Why the truncated solve stopped.
  public enum Stop: String, Sendable {
    /// ‖b − A·x‖ ≤ tolerance·‖b‖.
    case converged
    /// A direction with pᵀAp ≤ 0 was met: A is not positive definite on the Krylov space.
    case nonPositiveCurvature = "non-positive curvature"
    case maximumIterations = "maximum iterations"
    /// A NaN or infinity appeared.
    case nonFinite = "non-finite value"
  }

  public struct Result: Sendable {
    /// The (truncated) solution.
    public var solution: [Double]
    /// Products with A.
    public var iterations: Int
    /// ‖b − A·x‖ / ‖b‖, updated recursively.
    public var relativeResidual: Double
    public var stop: Stop
    /// The last direction p and its curvature pᵀAp when ``stop`` is ``Stop/nonPositiveCurvature``.
    public var curvature: Double?
  }

  /// Stop at ‖b − A·x‖ ≤ tolerance·‖b‖ (a Newton method's forcing term η).
  public var tolerance: Double
  public var maximumIterations: Int
  /// M⁻¹, symmetric positive definite (nil: none).
  public var preconditioner: (any Preconditioner)?

  public init(tolerance: Double, maximumIterations: Int = 10_000, preconditioner: (any Preconditioner)? = nil) {
    self.tolerance = tolerance
    self.maximumIterations = maximumIterations
    self.preconditioner = preconditioner
  }

  public func solve(_ linearOperator: some LinearOperator, _ b: [Double]) -> Result {
    let n = b.count
    var x = [Double](repeating: 0, count: n)
    var residual = b
    let normOfB = VectorOperations.norm(b)
    guard normOfB.isFinite else { return Result(solution: x, iterations: 0, relativeResidual: .nan, stop: .nonFinite) }
    guard normOfB > 0 else { return Result(solution: x, iterations: 0, relativeResidual: 0, stop: .converged) }
    var preconditioned = [Double](repeating: 0, count: n)
    func precondition(_ residual: [Double], into result: inout [Double]) {
      if let preconditioner { preconditioner.apply(residual, into: &result) }
      else { VectorOperations.copy(residual, into: &result) }
    }
    precondition(residual, into: &preconditioned)
    var direction = preconditioned
    var product = [Double](repeating: 0, count: n)
    var residualDotPreconditioned = VectorOperations.dot(residual, preconditioned)
    var iterations = 0
    var relativeResidual = 1.0
    while iterations < maximumIterations {
      linearOperator.apply(direction, into: &product)
      iterations += 1
      let curvature = VectorOperations.dot(direction, product)
      guard curvature.isFinite else {
        return Result(solution: x, iterations: iterations, relativeResidual: relativeResidual, stop: .nonFinite)
      }
      if curvature <= 0 {
        // Truncate: the iterate so far, or M⁻¹b when there is none yet.
        if iterations == 1 { x = direction }
        return Result(solution: x, iterations: iterations, relativeResidual: relativeResidual,
                      stop: .nonPositiveCurvature, curvature: curvature)
      }
      let alpha = residualDotPreconditioned / curvature
      VectorOperations.axpy(alpha, direction, &x)
      VectorOperations.axpy(-alpha, product, &residual)
      relativeResidual = VectorOperations.norm(residual) / normOfB
      guard relativeResidual.isFinite else {
        return Result(solution: x, iterations: iterations, relativeResidual: relativeResidual, stop: .nonFinite)
      }
      if relativeResidual <= tolerance {
        return Result(solution: x, iterations: iterations, relativeResidual: relativeResidual, stop: .converged)
      }
      precondition(residual, into: &preconditioned)
      let next = VectorOperations.dot(residual, preconditioned)
      let beta = next / residualDotPreconditioned
      residualDotPreconditioned = next
      VectorOperations.xpby(preconditioned, beta, &direction)
    }
    return Result(solution: x, iterations: iterations, relativeResidual: relativeResidual, stop: .maximumIterations)
  }
}
