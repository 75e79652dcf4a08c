import Foundation

/// A synthetic classification problem in the manner of scikit-learn's `make_classification`
/// (Guyon 2003): each class is a Gaussian cluster centred on a distinct vertex of the hypercube
/// {−s, s}^q in the q informative features, with a random linear mixing (covariance) per class;
/// the remaining p − q features are pure N(0, 1) noise; 1% of labels are flipped at random; the
/// samples are shuffled. (One cluster per class and no redundant features.)
public struct ClassificationData: Sendable {
  /// n × p.
  public var features: Matrix
  /// Class indices in 0..<classCount.
  public var labels: [Int]
  public var classCount: Int

  public init(features: Matrix, labels: [Int], classCount: Int) {
    self.features = features
    self.labels = labels
    self.classCount = classCount
  }

  public init(
    samples n: Int, features p: Int, informative q: Int, classes k: Int,
    classSeparation s: Double = 1, flipFraction: Double = 0.01, seed: UInt64
  ) {
    precondition(q >= 1 && q <= p, "need 1 ≤ informative ≤ features")
    var random = SeededRandom(seed: seed)
    // Distinct hypercube vertices as class centroids.
    var vertices = Set<[Bool]>()
    var centroids = [[Double]]()
    while centroids.count < k {
      let vertex = (0..<q).map { _ in random.uniform() < 0.5 }
      if vertices.insert(vertex).inserted || vertices.count >= 1 << min(q, 20) {
        centroids.append(vertex.map { $0 ? s : -s })
      }
    }
    var matrix = Matrix(rowCount: n, columnCount: p)
    var labels = (0..<n).map { $0 % k }
    for c in 0..<k {
      let members = labels.indices.filter { labels[$0] == c }
      var noise = Matrix(rowCount: members.count, columnCount: q)
      for index in noise.elements.indices { noise.elements[index] = random.gaussian() }
      var mixing = Matrix(rowCount: q, columnCount: q)
      for index in mixing.elements.indices { mixing.elements[index] = 2 * random.uniform() - 1 }
      let mixed = Matrix.product(noise, mixing)
      for (r, i) in members.enumerated() {
        for j in 0..<q { matrix[i, j] = mixed[r, j] + centroids[c][j] }
      }
    }
    for j in q..<p { for i in 0..<n { matrix[i, j] = random.gaussian() } }
    for i in 0..<n where random.uniform() < flipFraction { labels[i] = Int(random.next() % UInt64(k)) }
    let order = random.permutation(n)
    self.init(features: matrix.selectingRows(order), labels: order.map { labels[$0] }, classCount: k)
  }

  /// The one-hot n × k label matrix Y.
  public var oneHotLabels: Matrix {
    var y = Matrix(rowCount: labels.count, columnCount: classCount)
    for (i, label) in labels.enumerated() { y[i, label] = 1 }
    return y
  }

  /// The first `count` samples and the rest.
  public func split(at count: Int) -> (ClassificationData, ClassificationData) {
    let first = Array(0..<count), rest = Array(count..<labels.count)
    return (ClassificationData(features: features.selectingRows(first), labels: first.map { labels[$0] },
                               classCount: classCount),
            ClassificationData(features: features.selectingRows(rest), labels: rest.map { labels[$0] },
                               classCount: classCount))
  }
}
