import DualNumbers
import ImplicitDifferentiation

/// The inner problem of dataset distillation (§4.2 of Blondel et al.): multiclass logistic
/// regression trained on one prototype per class, with a small ridge term,
///
///     f(W, θ) = (1/k) Σᵢ [ log Σ_c exp(sᵢc) − sᵢᵢ ] + (ε/2)‖W‖²,   s = θ W,
///
/// where θ (k × p, row i the prototype of class i, stored row-major) are the outer variables and
/// W (p × k, column-major) the model. Written generically: the engine differentiates it.
public struct PrototypeLogisticObjective: Objective, Sendable {
  public let featureCount: Int
  public let classCount: Int
  /// ε.
  public let ridge: Double

  public init(featureCount: Int, classCount: Int, ridge: Double = 1e-3) {
    self.featureCount = featureCount
    self.classCount = classCount
    self.ridge = ridge
  }

  /// Scores s = θ W (k × k, s[i][c]).
  @inlinable
  func scores<S: RealScalar>(_ w: [S], _ θ: [S]) -> [[S]] {
    let p = featureCount, k = classCount
    return (0..<k).map { i in
      (0..<k).map { c in
        var total = S(0)
        for f in 0..<p { total += θ[i * p + f] * w[f + c * p] }
        return total
      }
    }
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ w: [S], _ θ: [S]) -> S {
    let k = classCount
    var loss = S(0)
    for (i, row) in scores(w, θ).enumerated() {
      let largest = row.max()!
      var total = S(0)
      for value in row { total += S.exp(value - largest) }
      loss += S.log(total) + largest - row[i]
    }
    var squaredNorm = S(0)
    for value in w { squaredNorm += value * value }
    return S.scaled(loss, by: 1 / Double(k)) + S.scaled(squaredNorm, by: ridge / 2)
  }

  /// ∇_W f in closed form, θᵀ(softmax(s) − I)/k + εW, generically: the update of the unrolled
  /// inner gradient descent. (Reverse mode through a solver whose steps themselves contain a
  /// reverse pass would nest tapes at every step; the tests check this against the engine's
  /// automatic gradient.)
  @inlinable
  public func closedFormGradient<S: RealScalar>(_ w: [S], _ θ: [S]) -> [S] {
    let p = featureCount, k = classCount
    var gradient = w.map { S.scaled($0, by: ridge) }
    for (i, row) in scores(w, θ).enumerated() {
      let largest = row.max()!
      let weights = row.map { S.exp($0 - largest) }
      var total = S(0)
      for value in weights { total += value }
      for c in 0..<k {
        var residual = weights[c] / total
        if c == i { residual -= S(1) }
        residual = S.scaled(residual, by: 1 / Double(k))
        for f in 0..<p { gradient[f + c * p] += θ[i * p + f] * residual }
      }
    }
    return gradient
  }

  /// A step size 1/L for gradient descent: the Hessian of softmax cross-entropy is ≼ ½I in the
  /// scores, so L ≤ ‖θ‖²_F/(2k) + ε.
  public func stepSize(_ θ: [Double]) -> Double {
    1 / (θ.reduce(0) { $0 + $1 * $1 } / (2 * Double(classCount)) + ridge)
  }
}
