import Foundation
import ImplicitDifferentiation

/// Binary logistic regression, ℓ(w, b) = (1/n) Σᵢ log(1 + exp(−ỹᵢ(xᵢᵀw + b))) + penalty(w),
/// ỹ ∈ {−1, 1}, fitted by FISTA (the ℓ1 penalty through the engine's lasso proximal operator):
/// the baselines of Table 2 and the classifier on sparse codes.
public struct LogisticRegression: Sendable {
  public enum Penalty: String, Sendable, Codable { case l1, l2 }
  public var penalty: Penalty
  public var strength: Double
  public var iterations: Int

  public init(penalty: Penalty, strength: Double, iterations: Int = 1_500) {
    self.penalty = penalty
    self.strength = strength
    self.iterations = iterations
  }

  /// Decision values xᵢᵀw + b for the rows of X.
  public static func scores(_ features: Matrix, weights: [Double], bias: Double) -> [Double] {
    Matrix.product(features, Matrix(rowCount: weights.count, columnCount: 1, elements: weights))
      .elements.map { $0 + bias }
  }

  /// (∇_s ℓ per sample, loss) for decision values s: ∂ℓ/∂sᵢ = −ỹᵢ σ(−ỹᵢsᵢ)/n.
  public static func lossDerivatives(_ scores: [Double], labels: [Int]) -> (loss: Double, derivatives: [Double]) {
    let n = Double(scores.count)
    var loss = 0.0
    var derivatives = [Double](repeating: 0, count: scores.count)
    for i in scores.indices {
      let margin = (labels[i] == 1 ? 1.0 : -1.0) * scores[i]
      loss += margin > 0 ? Foundation.log1p(Foundation.exp(-margin)) : -margin + Foundation.log1p(Foundation.exp(margin))
      derivatives[i] = -(labels[i] == 1 ? 1.0 : -1.0) / (1 + Foundation.exp(margin)) / n
    }
    return (loss / n, derivatives)
  }

  /// (w, b) on the rows of X with labels in {0, 1}.
  public func fit(_ features: Matrix, labels: [Int]) -> (weights: [Double], bias: Double) {
    let d = features.columnCount, n = features.rowCount
    let lipschitz = features.spectralNormSquared() / (4 * Double(n)) + 0.25
      + (penalty == .l2 ? strength : 0)
    let η = 1 / (lipschitz * 1.01)
    var x = [Double](repeating: 0, count: d + 1), previous = x
    var t = 1.0
    let lasso = LassoProximalOperator(strength: strength)
    for _ in 0..<iterations {
      let next = (1 + (1 + 4 * t * t).squareRoot()) / 2
      let y = x.indices.map { x[$0] + (t - 1) / next * (x[$0] - previous[$0]) }
      t = next
      let weights = Array(y[0..<d])
      let derivatives = Self.lossDerivatives(Self.scores(features, weights: weights, bias: y[d]), labels: labels).derivatives
      var gradient = Matrix.product(features, transposing: true,
                                    Matrix(rowCount: n, columnCount: 1, elements: derivatives)).elements
      if penalty == .l2 { for j in 0..<d { gradient[j] += strength * weights[j] } }
      previous = x
      var step = (0..<d).map { weights[$0] - η * gradient[$0] }
      if penalty == .l1 { step = lasso(step, [], scaling: η) }
      x = step + [y[d] - η * derivatives.reduce(0, +)]
    }
    return (Array(x[0..<d]), x[d])
  }

  /// The strength from `grid` with the best validation AUC on a held-out quarter of the rows,
  /// then refitted on all rows.
  public static func tuned(
    _ penalty: Penalty, grid: [Double], features: Matrix, labels: [Int], seed: UInt64
  ) -> LogisticRegression {
    var random = SeededRandom(seed: seed)
    let order = random.permutation(labels.count)
    let cut = labels.count * 3 / 4
    let fitRows = Array(order[..<cut]), heldOut = Array(order[cut...])
    let fitFeatures = features.selectingRows(fitRows), heldFeatures = features.selectingRows(heldOut)
    var best = (auc: -1.0, strength: grid[0])
    for strength in grid {
      let model = LogisticRegression(penalty: penalty, strength: strength)
      let (w, b) = model.fit(fitFeatures, labels: fitRows.map { labels[$0] })
      let auc = areaUnderROC(scores(heldFeatures, weights: w, bias: b), labels: heldOut.map { labels[$0] })
      if auc > best.auc { best = (auc, strength) }
    }
    return LogisticRegression(penalty: penalty, strength: best.strength)
  }
}

/// The area under the ROC curve: the probability that a random positive outscores a random
/// negative (Mann–Whitney U with average ranks for ties).
public func areaUnderROC(_ scores: [Double], labels: [Int]) -> Double {
  let order = scores.indices.sorted { scores[$0] < scores[$1] }
  var ranks = [Double](repeating: 0, count: scores.count)
  var start = 0
  while start < order.count {
    var end = start
    while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
    for position in start...end { ranks[order[position]] = Double(start + end) / 2 + 1 }
    start = end + 1
  }
  let positives = labels.filter { $0 == 1 }.count, negatives = labels.count - positives
  guard positives > 0, negatives > 0 else { return 0.5 }
  let rankSum = labels.indices.filter { labels[$0] == 1 }.reduce(0) { $0 + ranks[$1] }
  return (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
}
