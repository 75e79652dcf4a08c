import Foundation

/// The mean softmax cross-entropy of a linear model W (p × k) on labelled data X (n × p):
///
///     L(W) = (1/n) Σᵢ [ log Σ_c exp((XW)ᵢc) − (XW)ᵢ,yᵢ ],   ∇L = Xᵀ(softmax(XW) − Y)/n,
///
/// by BLAS (n = 1,797 × 64 × 10 products every outer step); the outer loss of dataset distillation.
public struct CrossEntropyLoss: Sendable {
  public let features: Matrix
  public let labels: [Int]
  public let classCount: Int

  public init(features: Matrix, labels: [Int], classCount: Int) {
    self.features = features
    self.labels = labels
    self.classCount = classCount
  }

  /// (L(W), ∇L(W)) with W flattened column-major p × k.
  public func valueAndGradient(_ weights: [Double]) -> (value: Double, gradient: [Double]) {
    let p = features.columnCount, n = features.rowCount, k = classCount
    let w = Matrix(rowCount: p, columnCount: k, elements: weights)
    var scores = Matrix.product(features, w)
    var loss = 0.0
    for i in 0..<n {
      var largest = -Double.infinity
      for c in 0..<k { largest = max(largest, scores[i, c]) }
      var total = 0.0
      for c in 0..<k { total += Foundation.exp(scores[i, c] - largest) }
      loss += Foundation.log(total) + largest - scores[i, labels[i]]
      for c in 0..<k { scores[i, c] = Foundation.exp(scores[i, c] - largest) / total / Double(n) }
      scores[i, labels[i]] -= 1 / Double(n)
    }
    return (loss / Double(n), Matrix.product(features, transposing: true, scores).elements)
  }

  /// The fraction of samples whose largest score is their label.
  public func accuracy(_ weights: [Double]) -> Double {
    let p = features.columnCount, n = features.rowCount, k = classCount
    let scores = Matrix.product(features, Matrix(rowCount: p, columnCount: k, elements: weights))
    var correct = 0
    for i in 0..<n {
      let best = (0..<k).max { scores[i, $0] < scores[i, $1] }!
      if best == labels[i] { correct += 1 }
    }
    return Double(correct) / Double(n)
  }
}
