import Foundation
import RandomNumbers
import Simulation
import Testing
@testable import Analysis

/// The non-uniform FFT's window: its quadrature, its transform and the accuracy it promises.
@Suite("The spreading window of the non-uniform FFT")
struct SpreadingWindowTests {
  @Test("Gauss–Legendre: exact for polynomials of degree 2n − 1, and ∫cos over [−1, 1] = 2 sin 1")
  func gaussLegendre() {
    let (nodes, weights) = SpreadingWindow.gaussLegendre(count: 8)
    for degree in 0...15 {
      let sum = zip(nodes, weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(degree)) }
      let exact = degree % 2 == 1 ? 0 : 2 / Double(degree + 1)
      #expect(abs(sum - exact) <= 1e-14, "x^\(degree)")
    }
    let (x, w) = SpreadingWindow.gaussLegendre(count: 40)
    #expect(abs(zip(x, w).reduce(0.0) { $0 + $1.1 * cos($1.0) } - 2 * sin(1.0)) <= 1e-15)
  }

  /// The quadrature need only be far below the window's own accuracy (its √ edge, of size e^{−β},
  /// limits Gauss–Legendre to about 10⁻⁹ relative at ε = 10⁻⁴).
  @Test("Φ(ω) equals a fine midpoint sum of φ(t) cos(ωt) over the window, far below ε", arguments: [1e-4, 1e-8, 1e-12])
  func transform(accuracy: Double) {
    let window = SpreadingWindow(accuracy: accuracy)
    let half = 0.5 * Double(window.width)
    let steps = 400_000
    let h = 2 * half / Double(steps)
    for ω in [0.0, 0.3, 1.0, Double.pi / 2] {
      var reference = 0.0
      for i in 0..<steps {
        let t = -half + (Double(i) + 0.5) * h
        reference += window(t) * cos(ω * t) * h
      }
      #expect(abs(window.transform(ω) - reference) <= max(1e-12, 1e-3 * accuracy) * reference, "ω = \(ω)")
    }
    #expect(window(half + 1e-12) == 0 && window(0) == 1)
  }

  @Test("ρ(k) meets the requested accuracy: |ρ − ρ_direct| ≤ ε N over all modes (2D and 3D)",
        arguments: [(2, 1e-4), (2, 1e-7), (2, 1e-11), (3, 1e-4), (3, 1e-7), (3, 1e-11)])
  func requestedAccuracy(dimension: Int, accuracy: Double) throws {
    let edges = dimension == 2 ? [9.0, 7.5] : [5.0, 6.0, 5.5]
    let count = 200
    let positions = RandomConfiguration.uniform(count: count, edges: edges, seed: 7)
    let index = dimension == 2 ? 12 : 5
    let grid = try FourierDensity(positions: positions, dimension: dimension, edges: edges, maximumIndex: index,
                                  accuracy: accuracy)
    let direct = FourierDensity(directSumOf: positions, dimension: dimension, edges: edges, maximumIndex: index)
    var worst = 0.0
    for mode in grid.real.indices {
      worst = max(worst, hypot(grid.real[mode] - direct.real[mode], grid.imaginary[mode] - direct.imaginary[mode]))
    }
    #expect(worst <= accuracy * Double(count), "largest |Δρ| \(worst)")
    // and not by accident: a tenfold looser window misses the tighter request on these points.
    if accuracy < 1e-5 {
      let coarse = try FourierDensity(positions: positions, dimension: dimension, edges: edges, maximumIndex: index,
                                      accuracy: accuracy * 1e4)
      var coarseWorst = 0.0
      for mode in coarse.real.indices {
        coarseWorst = max(coarseWorst, hypot(coarse.real[mode] - direct.real[mode], coarse.imaginary[mode] - direct.imaginary[mode]))
      }
      #expect(coarseWorst > worst)
    }
  }
}
