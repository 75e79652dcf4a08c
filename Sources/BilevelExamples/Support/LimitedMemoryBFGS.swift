import Minimization

/// L-BFGS (Nocedal & Wright, Algorithm 7.4; the two-loop recursion is `InverseHessianMemory`'s,
/// shared with the particle minimiser `LBFGS`) with a backtracking Armijo line search: a tight
/// solver for the smooth strongly convex inner problems. How x* is found does not enter the
/// implicit derivative; only its accuracy does (Theorem 1), hence the tight default tolerance.
public struct LimitedMemoryBFGS: Sendable {
  public var memory: Int
  /// Stop when ‖∇f‖∞ ≤ tolerance.
  public var tolerance: Double
  public var maximumIterations: Int

  public init(memory: Int = 10, tolerance: Double = 1e-10, maximumIterations: Int = 5_000) {
    self.memory = memory
    self.tolerance = tolerance
    self.maximumIterations = maximumIterations
  }

  /// Minimises f from x₀; `valueAndGradient` returns (f(x), ∇f(x)).
  public func minimize(
    from x0: [Double], _ valueAndGradient: ([Double]) -> (value: Double, gradient: [Double])
  ) -> (solution: [Double], iterations: Int, gradientNorm: Double) {
    var x = x0
    var (value, gradient) = valueAndGradient(x)
    // H = I until the first pair (γ = 1), and again after a restart.
    func emptyMemory() -> InverseHessianMemory<FullPrecisionPairs<Double>> {
      InverseHessianMemory(capacity: memory, length: x0.count, initialScale: 1)
    }
    var inverseHessian = emptyMemory()
    var iteration = 0
    while iteration < maximumIterations {
      let norm = gradient.reduce(0) { max($0, abs($1)) }
      if norm <= tolerance { return (x, iteration, norm) }
      // direction = −H·∇f by the two-loop recursion.
      var direction = [Double]()
      var slope = -inverseHessian.apply(gradient, into: &direction).slope
      for j in direction.indices { direction[j] = -direction[j] }
      if slope >= 0 {  // Not a descent direction (lost curvature): restart from steepest descent.
        direction = gradient.map { -$0 }
        slope = -dotProduct(gradient, gradient)
        inverseHessian = emptyMemory()
      }
      var stepLength = inverseHessian.count == 0 ? min(1, 1 / max(norm, 1e-300)) : 1
      var candidate = x, candidateValue = value, candidateGradient = gradient
      var accepted = false
      for _ in 0..<60 {
        candidate = zip(x, direction).map { $0 + stepLength * $1 }
        (candidateValue, candidateGradient) = valueAndGradient(candidate)
        if candidateValue <= value + 1e-4 * stepLength * slope { accepted = true; break }
        stepLength *= 0.5
      }
      if !accepted { return (x, iteration, norm) }  // At rounding level: no further decrease.
      inverseHessian.remember(step: direction, scaledBy: stepLength, change: candidateGradient, minus: gradient)
      x = candidate; value = candidateValue; gradient = candidateGradient
      iteration += 1
    }
    return (x, iteration, gradient.reduce(0) { max($0, abs($1)) })
  }
}
