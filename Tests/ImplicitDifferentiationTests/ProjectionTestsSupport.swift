import DualNumbers
import ImplicitDifferentiation
import LinearAlgebra
import RandomNumbers

/// LinearAlgebra's SplitMix64 with helpers, so that every random point in the projection and
/// proximal-operator tests is reproducible.
struct ProjectionTestGenerator: RandomNumberGenerator {
  private var generator: SplitMix64

  init(seed: UInt64) { generator = SplitMix64(seed: seed) }

  mutating func next() -> UInt64 { generator.next() }

  /// Uniform in [lower, upper).
  mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
    lower + (upper - lower) * Double(next() >> 11) * 0x1.0p-53
  }

  /// A vector with components uniform in [lower, upper).
  mutating func vector(_ count: Int, _ lower: Double = -1, _ upper: Double = 1) -> [Double] {
    (0..<count).map { _ in uniform(lower, upper) }
  }
}

/// Finite-difference references and small dense helpers shared by the projection and
/// proximal-operator tests.
enum ProjectionTestSupport {
  /// (f(x + h v) − f(x − h v)) / 2h.
  static func centralDifference(
    _ f: (Double) -> [Double], step h: Double = 1e-6
  ) -> [Double] {
    let plus = f(h)
    let minus = f(-h)
    return zip(plus, minus).map { ($0 - $1) / (2 * h) }
  }

  /// Whether f is smooth along the segment [−h, h]: the one-sided differences agree. Near a kink
  /// (an active set that changes within the step) they do not, and a central difference is no
  /// reference for the a.e. derivative there, so such samples are redrawn.
  static func isSmooth(_ f: (Double) -> [Double], step h: Double = 1e-6) -> Bool {
    let plus = f(h)
    let centre = f(0)
    let minus = f(-h)
    let forward = zip(plus, centre).map { ($0 - $1) / h }
    let backward = zip(centre, minus).map { ($0 - $1) / h }
    return maximumRelativeDifference(forward, backward) < 1e-4
  }

  /// maxᵢ |aᵢ − bᵢ| / max(1, ‖b‖∞): relative to the reference's scale, absolute near zero.
  static func maximumRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    let scale = Swift.max(1, b.map(Swift.abs).max() ?? 0)
    return zip(a, b).map { Swift.abs($0 - $1) }.max().map { $0 / scale } ?? 0
  }

  static func dot(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
  }

  static func axpy(_ a: Double, _ x: [Double], _ y: [Double]) -> [Double] {
    zip(x, y).map { a * $0 + $1 }
  }

  /// Solves M z = r for a small dense square M (row-major) by Gaussian elimination with partial
  /// pivoting: an independent reference for the affine-set projection's Cholesky solve.
  static func solve(_ matrix: [Double], _ rightHandSide: [Double]) -> [Double] {
    let n = rightHandSide.count
    var m = matrix
    var r = rightHandSide
    for column in 0..<n {
      let pivot = (column..<n).max { Swift.abs(m[$0 * n + column]) < Swift.abs(m[$1 * n + column]) }!
      if pivot != column {
        for k in 0..<n { m.swapAt(column * n + k, pivot * n + k) }
        r.swapAt(column, pivot)
      }
      for row in (column + 1)..<n {
        let factor = m[row * n + column] / m[column * n + column]
        for k in column..<n { m[row * n + k] -= factor * m[column * n + k] }
        r[row] -= factor * r[column]
      }
    }
    var z = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      var sum = r[row]
      for k in (row + 1)..<n { sum -= m[row * n + k] * z[k] }
      z[row] = sum / m[row * n + row]
    }
    return z
  }

  /// The dense Jacobian ∂P/∂y (row i, column j) of a projection, column by column through JVPs.
  static func jacobian(
    of projection: some Projection, at y: [Double], parameters: [Double] = []
  ) -> [[Double]] {
    var columns: [[Double]] = []
    for j in y.indices {
      var unit = [Double](repeating: 0, count: y.count)
      unit[j] = 1
      columns.append(projectionJacobianVectorProduct(
        projection, at: y, parameters: parameters, along: unit))
    }
    return y.indices.map { i in y.indices.map { j in columns[j][i] } }
  }
}
