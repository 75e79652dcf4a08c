import Foundation

/// Adam (Kingma & Ba 2015) for the outer problems: it makes the outer step insensitive to the
/// scale of the hypergradient, which changes by orders of magnitude between data sets.
public struct AdamOptimizer: Sendable {
  public var learningRate: Double
  var firstMoment: [Double] = []
  var secondMoment: [Double] = []
  var steps = 0

  public init(learningRate: Double) { self.learningRate = learningRate }

  /// x ← x − α m̂/(√v̂ + 1e-8).
  public mutating func step(_ x: inout [Double], gradient: [Double]) {
    if firstMoment.isEmpty {
      firstMoment = [Double](repeating: 0, count: x.count)
      secondMoment = firstMoment
    }
    steps += 1
    let correction1 = 1 - Foundation.pow(0.9, Double(steps))
    let correction2 = 1 - Foundation.pow(0.999, Double(steps))
    for j in x.indices {
      firstMoment[j] = 0.9 * firstMoment[j] + 0.1 * gradient[j]
      secondMoment[j] = 0.999 * secondMoment[j] + 0.001 * gradient[j] * gradient[j]
      x[j] -= learningRate * (firstMoment[j] / correction1)
        / ((secondMoment[j] / correction2).squareRoot() + 1e-8)
    }
  }
}
