import DualNumbers

/// The fixed point of mirror descent on the probability simplex with the entropic (KL) geometry
/// (Table 1 of Blondel et al.), for min_{x ∈ Δ} f(x, θ):
///
///     T(x, θ) = ∇φ*(∇φ(x) − η∇₁f(x, θ)) normalised onto Δ = softmax(log x − η∇₁f(x, θ)),
///     F = T − x,
///
/// with φ(x) = Σᵢ xᵢ log xᵢ, ∇φ(x) = log x + 1 (the constant cancels in the normalisation), and
/// the KL projection onto the simplex a division by the sum. Requires x > 0 (the fixed points are
/// interior, where ∇f is constant on the support).
public struct MirrorDescentFixedPoint<Function: Objective>: FixedPointMapping {
  public var objective: Function
  /// η > 0.
  public var stepSize: Double

  public init(_ objective: Function, stepSize: Double) {
    self.objective = objective
    self.stepSize = stepSize
  }

  /// softmax(log x − η∇₁f(x, θ)).
  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    let gradient = objective.gradient(x, θ)
    var logits = [S]()
    logits.reserveCapacity(x.count)
    for index in x.indices { logits.append(S.log(x[index]) - S.scaled(gradient[index], by: stepSize)) }
    // Subtracting the largest logit avoids overflow; it cancels in the ratio.
    guard let largest = logits.max() else { return [] }
    var weights = logits.map { S.exp($0 - largest) }
    var total = S(0)
    for weight in weights { total += weight }
    for index in weights.indices { weights[index] /= total }
    return weights
  }
}
