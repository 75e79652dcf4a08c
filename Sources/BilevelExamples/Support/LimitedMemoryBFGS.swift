/// L-BFGS (Nocedal & Wright, Algorithm 7.4) with a backtracking Armijo line search: a tight
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
    var steps = [[Double]](), changes = [[Double]](), curvatures = [Double]()
    var iteration = 0
    while iteration < maximumIterations {
      let norm = gradient.reduce(0) { max($0, abs($1)) }
      if norm <= tolerance { return (x, iteration, norm) }
      // Two-loop recursion: direction = −H·∇f.
      var q = gradient
      var alphas = [Double](repeating: 0, count: steps.count)
      for index in stride(from: steps.count - 1, through: 0, by: -1) {
        alphas[index] = curvatures[index] * dotProduct(steps[index], q)
        for j in q.indices { q[j] -= alphas[index] * changes[index][j] }
      }
      if let lastStep = steps.last, let lastChange = changes.last {
        let scale = dotProduct(lastStep, lastChange) / dotProduct(lastChange, lastChange)
        for j in q.indices { q[j] *= scale }
      }
      for index in steps.indices {
        let beta = curvatures[index] * dotProduct(changes[index], q)
        for j in q.indices { q[j] += steps[index][j] * (alphas[index] - beta) }
      }
      var direction = q.map { -$0 }
      var slope = dotProduct(direction, gradient)
      if slope >= 0 {  // Not a descent direction (lost curvature): restart from steepest descent.
        direction = gradient.map { -$0 }
        slope = -dotProduct(gradient, gradient)
        steps.removeAll(); changes.removeAll(); curvatures.removeAll()
      }
      var stepLength = steps.isEmpty ? min(1, 1 / max(norm, 1e-300)) : 1
      var candidate = x, candidateValue = value, candidateGradient = gradient
      var accepted = false
      for _ in 0..<60 {
        candidate = zip(x, direction).map { $0 + stepLength * $1 }
        (candidateValue, candidateGradient) = valueAndGradient(candidate)
        if candidateValue <= value + 1e-4 * stepLength * slope { accepted = true; break }
        stepLength *= 0.5
      }
      if !accepted { return (x, iteration, norm) }  // At rounding level: no further decrease.
      let step = zip(candidate, x).map { $0 - $1 }
      let change = zip(candidateGradient, gradient).map { $0 - $1 }
      let curvature = dotProduct(step, change)
      if curvature > 1e-300 {
        steps.append(step); changes.append(change); curvatures.append(1 / curvature)
        if steps.count > memory { steps.removeFirst(); changes.removeFirst(); curvatures.removeFirst() }
      }
      x = candidate; value = candidateValue; gradient = candidateGradient
      iteration += 1
    }
    return (x, iteration, gradient.reduce(0) { max($0, abs($1)) })
  }
}
