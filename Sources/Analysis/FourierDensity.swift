import CFFTW
import Foundation

/// The Fourier components of a set of particles in a periodic box,
///
///     ρ(k) = Σⱼ exp(−i k·rⱼ),   k = 2π (n₁/L₁, …, n_d/L_d),   |nₐ| ≤ K,
///
/// on the half space n_d ≥ 0 (ρ(−k) is the complex conjugate), computed by FFTW after depositing the
/// particles on a grid with a Gaussian window and dividing the window out (Gaussian gridding, a
/// non-uniform FFT: Dutt and Rokhlin 1993, Greengard and Lee, SIAM Rev. 46, 443 (2004)).
///
/// **The deposition.** With G = 2M grid points per axis (twofold oversampling, M = 2(K + 1) the modes
/// resolved), spacing hₐ = Lₐ/G, every particle adds exp(−(x − mhₐ)²/(4τₐ)) per axis to the w + 1
/// nearest points on each side (periodically), τₐ = w hₐ²/(3π). The FFT of the grid is the rectangle
/// rule for the Fourier integral of the smoothed density, which is ρ(k) times the window's transform
/// √(4πτₐ) exp(−kₐ²τₐ) per axis; dividing by it (the deconvolution) leaves ρ(k). Aliasing and the
/// truncated window each cost ≈ exp(−3πw/4) relative to one particle's contribution (the choice of
/// τ balances them), so w = ⌈−(4/3π) ln ε⌉ meets a requested accuracy ε; the work is (2w + 2)^d per
/// particle plus one FFT of G^d points.
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
  /// |nₐ| ≤ `maximumIndex`, to relative accuracy about `accuracy` of one particle's contribution.
  public init(positions: [Double], dimension: Int, edges: [Double], members: [Int]? = nil, maximumIndex: Int,
              accuracy: Double = 1e-10) throws {
    guard dimension == 2 || dimension == 3, edges.count == dimension else {
      throw AnalysisError("the structure factor needs a 2D or 3D periodic box")
    }
    guard maximumIndex >= 1 else { throw AnalysisError("the largest mode index must be at least 1") }
    let halfWidth = max(2, Int((-4 / (3 * Double.pi) * log(accuracy)).rounded(.up)))
    let modes = 2 * (maximumIndex + 1)
    let points = max(2 * modes, 2 * (halfWidth + 1) + 2)
    let total = (0..<dimension).reduce(1) { product, _ in product * points }
    guard total <= 1 << 31 else { throw AnalysisError("a grid of \(points)^\(dimension) points is too large") }
    let spacings = edges.map { $0 / Double(points) }
    let widths = spacings.map { Double(halfWidth) * $0 * $0 / (3 * Double.pi) }
    let particles = members ?? Array(0..<(positions.count / dimension))
    let reach = halfWidth + 1
    let span = 2 * reach

    // Deposition: tensor products of per-axis Gaussian weights at the 2(w + 1) nearest points.
    var grid = [Double](repeating: 0, count: total)
    var weights = [[Double]](repeating: [Double](repeating: 0, count: span), count: dimension)
    var indices = [[Int]](repeating: [Int](repeating: 0, count: span), count: dimension)
    for particle in particles {
      for axis in 0..<dimension {
        var x = positions[particle * dimension + axis].truncatingRemainder(dividingBy: edges[axis])
        if x < 0 { x += edges[axis] }
        let lower = Int((x / spacings[axis]).rounded(.down))
        for offset in 0..<span {
          let m = lower - reach + 1 + offset
          let distance = x - Double(m) * spacings[axis]
          weights[axis][offset] = exp(-distance * distance / (4 * widths[axis]))
          indices[axis][offset] = ((m % points) + points) % points
        }
      }
      grid.withUnsafeMutableBufferPointer { grid in
        if dimension == 2 {
          for a in 0..<span {
            let row = indices[0][a] * points
            let wa = weights[0][a]
            for b in 0..<span { grid[row + indices[1][b]] += wa * weights[1][b] }
          }
        } else {
          for a in 0..<span {
            let wa = weights[0][a]
            for b in 0..<span {
              let row = (indices[0][a] * points + indices[1][b]) * points
              let wab = wa * weights[1][b]
              for c in 0..<span { grid[row + indices[2][c]] += wab * weights[2][c] }
            }
          }
        }
      }
    }

    // The real-to-complex FFT: the last axis keeps G/2 + 1 entries.
    let lastCount = points / 2 + 1
    let outputCount = total / points * lastCount
    var spectrum = [(Double, Double)](repeating: (0, 0), count: outputCount)
    var sizes = [Int32](repeating: Int32(points), count: dimension)
    grid.withUnsafeMutableBufferPointer { input in
      spectrum.withUnsafeMutableBufferPointer { output in
        let plan = fftw_plan_dft_r2c(Int32(dimension), &sizes, input.baseAddress, output.baseAddress,
                                     UInt32(FFTW_ESTIMATE))
        fftw_execute(plan)
        fftw_destroy_plan(plan)
      }
    }

    // Deconvolution, per axis: hₐ / (√(4πτₐ) exp(−kₐ²τₐ)).
    let side = 2 * maximumIndex + 1
    let count = (dimension == 2 ? side : side * side) * (maximumIndex + 1)
    var real = [Double](repeating: 0, count: count)
    var imaginary = [Double](repeating: 0, count: count)
    func correction(_ n: Int, axis: Int) -> Double {
      let k = 2 * Double.pi * Double(n) / edges[axis]
      return spacings[axis] / ((4 * Double.pi * widths[axis]).squareRoot() * exp(-k * k * widths[axis]))
    }
    var slot = 0
    let outer = dimension == 2 ? [0] : Array(-maximumIndex...maximumIndex)
    for n1 in -maximumIndex...maximumIndex {
      for n2 in outer {
        for last in 0...maximumIndex {
          let g1 = (n1 + points) % points
          let g2 = (n2 + points) % points
          let position = dimension == 2 ? g1 * lastCount + last : (g1 * points + g2) * lastCount + last
          var factor = correction(n1, axis: 0) * correction(last, axis: dimension - 1)
          if dimension == 3 { factor *= correction(n2, axis: 1) }
          real[slot] = spectrum[position].0 * factor
          imaginary[slot] = spectrum[position].1 * factor
          slot += 1
        }
      }
    }
    self.dimension = dimension
    self.edges = edges
    self.maximumIndex = maximumIndex
    self.real = real
    self.imaginary = imaginary
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

  /// The wave vectors' magnitudes |k| in storage order (1/length).
  public var wavenumbers: [Double] {
    Self.modeIndices(dimension: dimension, maximumIndex: maximumIndex).map { n in
      (0..<dimension).reduce(0.0) { sum, axis in
        let k = 2 * Double.pi * Double(n[axis]) / edges[axis]
        return sum + k * k
      }.squareRoot()
    }
  }
}
