import Foundation
import FourierTransforms

/// The Fourier components of a set of particles in a periodic box,
///
///     ρ(k) = Σⱼ exp(−i k·rⱼ),   k = 2π (n₁/L₁, …, n_d/L_d),   |nₐ| ≤ K,
///
/// on the half space n_d ≥ 0 (ρ(−k) is the complex conjugate), computed by FFTW after spreading the
/// particles on a grid with a compact window and dividing the window's transform out (a type-1
/// non-uniform FFT, Dutt and Rokhlin 1993; the window of Barnett, Magland and af Klinteberg, SIAM J.
/// Sci. Comput. 41, C479 (2019), "exponential of semicircle").
///
/// **The spreading.** With G = 2M grid points per axis (twofold oversampling, M = 2(K + 1) the modes
/// resolved) and spacing hₐ = Lₐ/G, every particle adds, per axis, φ(t) = exp(β(√(1 − (2t/w)²) − 1))
/// at the w grid points within w/2 spacings of it (t is the distance in spacings; β = 2.30 w). The FFT
/// of the grid is Σₘ φ(m − xⱼ/h) e^{−ikmh} = e^{−ikxⱼ} Φ(kh) + aliases, Φ(ω) = ∫ φ(t) e^{−iωt} dt, so
/// dividing by Φ(kₐhₐ) per axis (the deconvolution; Φ by Gauss–Legendre quadrature, as φ has no
/// closed-form transform) leaves ρ(k). Aliasing and truncation cost about 10^{1−w} relative to one
/// particle's contribution, so w = ⌈log₁₀(1/ε)⌉ + 1 meets a requested accuracy ε with w^d grid points
/// per particle (half as many per axis as a Gaussian window of the same ε) plus one FFT of G^d points.
public struct FourierDensity: Sendable {
  public let dimension: Int
  public let edges: [Double]
  /// K, the largest |nₐ|.
  public let maximumIndex: Int
  /// Re ρ and Im ρ, mode by mode: n₁ (and n₂ in 3D) from −K to K, the last index from 0 to K,
  /// row-major with the last index fastest.
  public let real: [Double]
  public let imaginary: [Double]

  /// ρ(k) of the particles `members` (all when nil) at `positions` (flat, d per particle) with
  /// |nₐ| ≤ `maximumIndex`, to relative accuracy about `accuracy` of one particle's contribution
  /// (10⁻¹⁴ at best: the window is at most 16 points wide).
  public init(positions: [Double], dimension: Int, edges: [Double], members: [Int]? = nil, maximumIndex: Int,
              accuracy: Double = 1e-10) throws {
    guard dimension == 2 || dimension == 3, edges.count == dimension else {
      throw AnalysisError("the structure factor needs a 2D or 3D periodic box")
    }
    guard maximumIndex >= 1 else { throw AnalysisError("the largest mode index must be at least 1") }
    guard accuracy > 0, accuracy < 1 else { throw AnalysisError("the accuracy must lie between 0 and 1") }
    let window = SpreadingWindow(accuracy: accuracy)
    let span = window.width
    let modes = 2 * (maximumIndex + 1)
    let points = max(2 * modes, 2 * span)
    let total = (0..<dimension).reduce(1) { product, _ in product * points }
    guard total <= 1 << 31 else { throw AnalysisError("a grid of \(points)^\(dimension) points is too large") }
    let spacings = edges.map { $0 / Double(points) }
    let particles = members ?? Array(0..<(positions.count / dimension))

    // Spread into a grid padded by w points per axis, so that each particle's w points along an axis
    // are contiguous (the innermost loop vectorises); the padding is folded back periodically after.
    let padded = points + span
    var paddedGrid = [Double](repeating: 0, count: (0..<dimension).reduce(1) { product, _ in product * padded })
    var weights = [Double](repeating: 0, count: dimension * span)
    var starts = [Int](repeating: 0, count: dimension)
    let scaled = Self.gridCoordinatesInTileOrder(particles, positions: positions, dimension: dimension,
                                                 edges: edges, spacings: spacings, points: points)
    paddedGrid.withUnsafeMutableBufferPointer { grid in
      weights.withUnsafeMutableBufferPointer { weights in
        for particle in 0..<particles.count {
          for axis in 0..<dimension {
            // The w points m with |m − s| ≤ w/2, s = x/h: from ⌈s − w/2⌉ on.
            let s = scaled[particle &* dimension &+ axis]
            let first = Int((s - 0.5 * Double(span)).rounded(.up))
            starts[axis] = ((first % points) + points) % points
            for j in 0..<span { weights[axis &* span &+ j] = window(Double(first &+ j) - s) }
          }
          // Wrapping arithmetic: the indices stay below P^d, which the grid's size guard bounds.
          if dimension == 2 {
            for a in 0..<span {
              let row = (starts[0] &+ a) &* padded &+ starts[1]
              let wa = weights[a]
              for b in 0..<span { grid[row &+ b] += wa * weights[span &+ b] }
            }
          } else {
            for a in 0..<span {
              let wa = weights[a]
              let plane = (starts[0] &+ a) &* padded
              for b in 0..<span {
                let row = (plane &+ starts[1] &+ b) &* padded &+ starts[2]
                let wab = wa * weights[span &+ b]
                for c in 0..<span { grid[row &+ c] += wab * weights[2 &* span &+ c] }
              }
            }
          }
        }
      }
    }
    var grid = Self.foldPeriodically(&paddedGrid, padded: padded, points: points, dimension: dimension)

    // The real-to-complex FFT: the last axis keeps G/2 + 1 entries.
    let lastCount = points / 2 + 1
    let outputCount = total / points * lastCount
    var spectrum = [(Double, Double)](repeating: (0, 0), count: outputCount)
    grid.withUnsafeMutableBufferPointer { input in
      spectrum.withUnsafeMutableBufferPointer { output in
        FFTWPlanner.transformRealToComplex(sizes: [Int](repeating: points, count: dimension),
                                           input: input.baseAddress!, output: output.baseAddress!)
      }
    }

    // Deconvolution, per axis: 1/Φ(kₐhₐ), tabulated for n = −K … K.
    let side = 2 * maximumIndex + 1
    let lastSide = maximumIndex + 1
    let count = (dimension == 2 ? side : side * side) * lastSide
    let corrections = (0..<dimension).map { axis in
      (-maximumIndex...maximumIndex).map { n -> Double in
        1 / window.transform(2 * Double.pi * Double(n) / edges[axis] * spacings[axis])
      }
    }
    var real = [Double](repeating: 0, count: count)
    var imaginary = [Double](repeating: 0, count: count)
    let outerSide = dimension == 2 ? 1 : side
    spectrum.withUnsafeBufferPointer { spectrum in
      var slot = 0
      for a in 0..<side {
        let g1 = (a - maximumIndex + points) % points
        for b in 0..<outerSide {
          let g2 = (b - maximumIndex + points) % points
          let row = dimension == 2 ? g1 * lastCount : (g1 * points + g2) * lastCount
          let factor = corrections[0][a] * (dimension == 3 ? corrections[1][b] : 1)
          for last in 0..<lastSide {
            let value = spectrum[row + last]
            let scale = factor * corrections[dimension - 1][last + maximumIndex]
            real[slot] = value.0 * scale
            imaginary[slot] = value.1 * scale
            slot += 1
          }
        }
      }
    }
    self.dimension = dimension
    self.edges = edges
    self.maximumIndex = maximumIndex
    self.real = real
    self.imaginary = imaginary
  }

  /// Every particle's coordinates in grid spacings, x/h in [0, G), ordered by tiles of 4^d grid points
  /// (a counting sort): consecutive particles then add to the same cache lines of the grid, and are
  /// read in sequence, where random order would miss the cache on every row of every particle.
  static func gridCoordinatesInTileOrder(_ particles: [Int], positions: [Double], dimension: Int, edges: [Double],
                                         spacings: [Double], points: Int) -> [Double] {
    let tiles = (points + 3) / 4
    var keys = [Int](repeating: 0, count: particles.count)
    var coordinates = [Double](repeating: 0, count: particles.count * dimension)
    var starts = [Int](repeating: 0, count: (0..<dimension).reduce(1) { product, _ in product * tiles } + 1)
    for (slot, particle) in particles.enumerated() {
      var key = 0
      for axis in 0..<dimension {
        var x = positions[particle * dimension + axis].truncatingRemainder(dividingBy: edges[axis])
        if x < 0 { x += edges[axis] }
        let s = min(x / spacings[axis], Double(points).nextDown)
        coordinates[slot * dimension + axis] = s
        key = key * tiles + min(tiles - 1, Int(s) / 4)
      }
      keys[slot] = key
      starts[key + 1] += 1
    }
    for key in 1..<starts.count { starts[key] += starts[key - 1] }
    var ordered = [Double](repeating: 0, count: coordinates.count)
    for slot in particles.indices {
      let target = starts[keys[slot]]
      for axis in 0..<dimension { ordered[target * dimension + axis] = coordinates[slot * dimension + axis] }
      starts[keys[slot]] += 1
    }
    return ordered
  }

  /// The G^d periodic grid from a grid padded to P = G + w points per axis: index m ≥ G adds to m − G.
  /// The padded grid is overwritten.
  static func foldPeriodically(_ folded: inout [Double], padded: Int, points: Int, dimension: Int) -> [Double] {
    let overhang = padded - points
    folded.withUnsafeMutableBufferPointer { grid in
      // Axis by axis, last first: every line along the axis takes its overhang back to its start.
      var stride = 1
      for _ in 0..<dimension {
        let lines = grid.count / padded
        for line in 0..<lines {
          let base = (line / stride) * stride * padded + line % stride
          for m in 0..<overhang { grid[base + m * stride] += grid[base + (points + m) * stride] }
        }
        stride *= padded
      }
    }
    // The G^d block, row-major.
    var grid = [Double](repeating: 0, count: (0..<dimension).reduce(1) { product, _ in product * points })
    if dimension == 2 {
      for a in 0..<points { for b in 0..<points { grid[a * points + b] = folded[a * padded + b] } }
    } else {
      for a in 0..<points {
        for b in 0..<points {
          let source = (a * padded + b) * padded, target = (a * points + b) * points
          for c in 0..<points { grid[target + c] = folded[source + c] }
        }
      }
    }
    return grid
  }

  /// ρ(k) by the direct sum over particles (the O(N·modes) reference), in the same layout.
  public init(directSumOf positions: [Double], dimension: Int, edges: [Double], members: [Int]? = nil,
              maximumIndex: Int) {
    let particles = members ?? Array(0..<(positions.count / dimension))
    self.dimension = dimension
    self.edges = edges
    self.maximumIndex = maximumIndex
    var real = [Double]()
    var imaginary = [Double]()
    for n in Self.modeIndices(dimension: dimension, maximumIndex: maximumIndex) {
      var (re, im) = (0.0, 0.0)
      for particle in particles {
        var phase = 0.0
        for axis in 0..<dimension {
          phase += 2 * Double.pi * Double(n[axis]) * positions[particle * dimension + axis] / edges[axis]
        }
        re += cos(phase)
        im -= sin(phase)
      }
      real.append(re)
      imaginary.append(im)
    }
    self.real = real
    self.imaginary = imaginary
  }

  /// The integer vectors n of the stored modes, in storage order.
  public static func modeIndices(dimension: Int, maximumIndex: Int) -> [[Int]] {
    let range = Array(-maximumIndex...maximumIndex)
    if dimension == 2 { return range.flatMap { n1 in (0...maximumIndex).map { [n1, $0] } } }
    return range.flatMap { n1 in range.flatMap { n2 in (0...maximumIndex).map { [n1, n2, $0] } } }
  }

  /// The integer vector n of the mode stored at `slot`.
  public func modeIndex(at slot: Int) -> [Int] {
    let (side, lastSide) = (2 * maximumIndex + 1, maximumIndex + 1)
    let last = slot % lastSide
    if dimension == 2 { return [slot / lastSide - maximumIndex, last] }
    return [slot / (lastSide * side) - maximumIndex, (slot / lastSide) % side - maximumIndex, last]
  }

  /// The wave vectors' magnitudes |k| in storage order (1/length).
  public var wavenumbers: [Double] {
    let (side, lastSide) = (2 * maximumIndex + 1, maximumIndex + 1)
    // kₐ² for n = −K … K along every axis.
    let squares = edges.map { edge in
      (-maximumIndex...maximumIndex).map { n -> Double in
        let k = 2 * Double.pi * Double(n) / edge
        return k * k
      }
    }
    return real.indices.map { slot in
      let last = squares[dimension - 1][slot % lastSide + maximumIndex]
      if dimension == 2 { return (squares[0][slot / lastSide] + last).squareRoot() }
      return (squares[0][slot / (lastSide * side)] + squares[1][(slot / lastSide) % side] + last).squareRoot()
    }
  }
}
