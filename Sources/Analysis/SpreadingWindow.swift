import Foundation

/// The "exponential of semicircle" window of a non-uniform FFT (Barnett, Magland and af Klinteberg,
/// SIAM J. Sci. Comput. 41, C479 (2019)), in units of the grid spacing:
///
///     φ(t) = exp(β(√(1 − (2t/w)²) − 1)) for |t| ≤ w/2, 0 beyond,   β = 2.30 w,
///
/// w = ⌈log₁₀(1/ε)⌉ + 1 grid points wide (at most 16) for accuracy ε at twofold oversampling, and its
/// Fourier transform Φ(ω) = ∫ φ(t) e^{−iωt} dt = 2 ∫₀^{w/2} φ(t) cos(ωt) dt by Gauss–Legendre quadrature.
struct SpreadingWindow: Sendable {
  /// w, the number of grid points a particle spreads to along each axis.
  let width: Int
  let β: Double
  private let nodes: [Double]
  private let quadratureWeights: [Double]

  init(accuracy: Double) {
    width = min(16, max(2, Int(log10(1 / accuracy).rounded(.up)) + 1))
    β = 2.30 * Double(width)
    // The transform is needed only for |ω| < π/2 (modes below a quarter of the grid); 4w + 16 nodes
    // leave its quadrature error far below 10^{1−w} (the window's √ edge carries a factor e^{−β}).
    let (x, weights) = Self.gaussLegendre(count: 4 * width + 16)
    let half = 0.5 * Double(width)
    nodes = x.map { 0.5 * half * ($0 + 1) }
    quadratureWeights = weights.map { 0.5 * half * $0 }
  }

  /// φ(t), t in grid spacings.
  @inline(__always)
  func callAsFunction(_ t: Double) -> Double {
    let z = 2 * t / Double(width)
    let inside = 1 - z * z
    return inside > 0 ? exp(β * (inside.squareRoot() - 1)) : 0
  }

  /// Φ(ω), ω in radians per grid spacing.
  func transform(_ ω: Double) -> Double {
    var sum = 0.0
    for (t, weight) in zip(nodes, quadratureWeights) { sum += weight * self(t) * cos(ω * t) }
    return 2 * sum
  }

  /// The nodes and weights of the n-point Gauss–Legendre rule on [−1, 1]: the roots of Pₙ by Newton's
  /// method from Tricomi's estimates, weights 2 / ((1 − x²) Pₙ′(x)²).
  static func gaussLegendre(count n: Int) -> (nodes: [Double], weights: [Double]) {
    var nodes = [Double](repeating: 0, count: n)
    var weights = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
      var derivative = 0.0
      for _ in 0..<100 {
        // P₀ … Pₙ at x by the three-term recurrence (k + 1)P_{k+1} = (2k + 1)x P_k − k P_{k−1}.
        var (previous, current) = (1.0, x)
        for k in 1..<n {
          (previous, current) = (current, (Double(2 * k + 1) * x * current - Double(k) * previous) / Double(k + 1))
        }
        derivative = Double(n) * (x * current - previous) / (x * x - 1)
        let step = current / derivative
        x -= step
        if abs(step) < 1e-16 { break }
      }
      nodes[i] = x
      weights[i] = 2 / ((1 - x * x) * derivative * derivative)
    }
    return (nodes, weights)
  }
}
