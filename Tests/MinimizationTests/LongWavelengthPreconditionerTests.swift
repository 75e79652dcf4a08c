import Foundation
import LinearAlgebra
import Minimization
import RandomNumbers
import Testing

/// v + (1/n̄) Sᵀ B S v written out densely from the definitions: cloud-in-cell weights by floor and
/// modulo, B as the real-space convolution (1/G) Σₖ B(k) cos(2π Σₐ kₐ(mₐ − nₐ)/Gₐ) summed term by
/// term. No FFT, no shared code with the preconditioner.
private func denseReference(edges: [Double], positions: [Double], crossover: Double, sizes: [Int],
                            vector: [Double]) -> [Double] {
  let d = edges.count
  let n = positions.count / d
  let count = sizes.reduce(1, *)
  let meanSpacing = pow(edges.reduce(1, *) / Double(n), 1 / Double(d))
  let spacings = zip(edges, sizes).map { $0 / Double($1) }
  func coordinates(_ index: Int) -> [Int] {
    var rest = index
    var result = [Int](repeating: 0, count: d)
    for axis in stride(from: d - 1, through: 0, by: -1) {
      result[axis] = rest % sizes[axis]
      rest /= sizes[axis]
    }
    return result
  }
  // The weights w_im of particle i on grid point m.
  var weights = [[Double]](repeating: [Double](repeating: 0, count: count), count: n)
  for i in 0..<n {
    for corner in 0..<(1 << d) {
      var index = 0
      var weight = 1.0
      for axis in 0..<d {
        let u = positions[i * d + axis] / spacings[axis]
        let below = floor(u)
        let bit = (corner >> axis) & 1
        var point = (Int(below) + bit) % sizes[axis]
        if point < 0 { point += sizes[axis] }
        index = index * sizes[axis] + point
        weight *= bit == 1 ? u - below : 1 - (u - below)
      }
      weights[i][index] += weight
    }
  }
  let k0 = crossover / meanSpacing
  var kernel = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
  for m in 0..<count {
    let mm = coordinates(m)
    for p in 0..<count {
      let pp = coordinates(p)
      var sum = 0.0
      for k in 1..<count {
        let kk = coordinates(k)
        var laplacian = 0.0
        var phase = 0.0
        for axis in 0..<d {
          let s = sin(Double.pi * Double(kk[axis]) / Double(sizes[axis]))
          laplacian += 4 / (spacings[axis] * spacings[axis]) * s * s
          phase += 2 * Double.pi * Double(kk[axis] * (mm[axis] - pp[axis])) / Double(sizes[axis])
        }
        sum += k0 * k0 / laplacian * cos(phase)
      }
      kernel[m][p] = sum / Double(count)
    }
  }
  let perPoint = Double(n) / Double(count)
  var result = vector
  for component in 0..<d {
    let grid = (0..<count).map { m in (0..<n).reduce(0.0) { $0 + weights[$1][m] * vector[$1 * d + component] } }
    let convolved = (0..<count).map { m in (0..<count).reduce(0.0) { $0 + kernel[m][$1] * grid[$1] } / perPoint }
    for i in 0..<n { result[i * d + component] += (0..<count).reduce(0.0) { $0 + weights[i][$1] * convolved[$1] } }
  }
  return result
}

/// N random positions in the cell, the first at the origin, the second a rounding short of the far
/// corner and the third outside the cell (an unwrapped position must still find its grid point).
private func positions(_ count: Int, in edges: [Double], seed: UInt64) -> [Double] {
  var generator = SplitMix64(seed: seed)
  var result = (0..<count).flatMap { _ in edges.map { Double.random(in: 0..<$0, using: &generator) } }
  for axis in edges.indices {
    result[axis] = 0
    result[edges.count + axis] = edges[axis].nextDown
    result[2 * edges.count + axis] = axis == 0 ? -0.3 * edges[axis] : 1.7 * edges[axis]
  }
  return result
}

private func randomVector(_ count: Int, seed: UInt64) -> [Double] {
  var generator = SplitMix64(seed: seed)
  return (0..<count).map { _ in Double.random(in: -1...1, using: &generator) }
}

@Suite("Long-wavelength preconditioner")
struct LongWavelengthPreconditionerTests {
  @Test("M⁻¹v = v + (1/n̄) SᵀBS v: the FFT form equals the convolution summed term by term, 2D and 3D",
        arguments: [([30.0, 24.0], 200, 1.5), ([10.0, 8.0], 40, 0.7), ([4.0, 5.0, 6.0], 30, 1.5), ([9.0, 9.0, 12.0], 300, 2.0)])
  func againstDenseConvolution(edges: [Double], count: Int, crossover: Double) {
    let x = positions(count, in: edges, seed: 3)
    var preconditioner = LongWavelengthPreconditioner(edges: edges, particleCount: count, crossover: crossover)
    #expect(preconditioner.gridSizes.allSatisfy { $0 >= 4 })
    for trial in 0..<2 {
      let v = randomVector(x.count, seed: 10 + UInt64(trial))
      var applied = v
      preconditioner.apply(to: &applied, at: x)
      let expected = denseReference(edges: edges, positions: x, crossover: crossover,
                                    sizes: preconditioner.gridSizes, vector: v)
      let scale = expected.map(abs).max()!
      for i in v.indices { #expect(abs(applied[i] - expected[i]) <= 1e-12 * scale, "trial \(trial), component \(i)") }
    }
  }

  @Test("M⁻¹ is symmetric with every eigenvalue ≥ 1 (I plus SᵀBS, B ≥ 0): dense LAPACK, 2D and 3D",
        arguments: [([10.0, 8.0], 40), ([4.0, 5.0, 6.0], 30)])
  func symmetricPositiveDefinite(edges: [Double], count: Int) throws {
    let x = positions(count, in: edges, seed: 7)
    var preconditioner = LongWavelengthPreconditioner(edges: edges, particleCount: count, crossover: 1.5)
    let n = x.count
    var elements = [Double](repeating: 0, count: n * n)
    for j in 0..<n {
      var column = [Double](repeating: 0, count: n)
      column[j] = 1
      preconditioner.apply(to: &column, at: x)
      elements.replaceSubrange((j * n)..<((j + 1) * n), with: column)
    }
    let largest = elements.map(abs).max()!
    for i in 0..<n {
      for j in 0..<i { #expect(abs(elements[i * n + j] - elements[j * n + i]) <= 1e-13 * largest) }
    }
    let spectrum = try SymmetricEigendecomposition(DenseMatrix(rowCount: n, columnCount: n, columnMajorElements: elements))
    #expect(spectrum.eigenvalues[0] >= 1 - 1e-12, "lowest eigenvalue \(spectrum.eigenvalues[0])")
    #expect(spectrum.eigenvalues[n - 1] > 2, "the long waves are boosted")
  }

  @Test("the longest plane wave of a lattice is multiplied by 1 + k₀²/κ²(k) (four particles on each grid point)")
  func planeWaveOnTheGrid() {
    // 64 particles in a 16 × 16 cell (a = 2, so grid spacing h = 2a = 4: a 4 × 4 grid), four on
    // each grid point: S sums them (cloud-in-cell weight 1), n̄ = 4, and Sᵀ reads the point back.
    let side = 16.0
    let edges = [side, side]
    var x = [Double]()
    for m in 0..<4 { for p in 0..<4 { for _ in 0..<4 { x += [4 * Double(m), 4 * Double(p)] } } }
    var preconditioner = LongWavelengthPreconditioner(edges: edges, particleCount: 64, crossover: 1.5)
    #expect(preconditioner.gridSizes == [4, 4])
    let wavenumber = 2 * Double.pi / side
    var v = stride(from: 0, to: x.count, by: 2).flatMap { [cos(wavenumber * x[$0]), 0.0] }
    let original = v
    preconditioner.apply(to: &v, at: x)
    // SᵀBS/n̄ multiplies the wave by B(k) = k₀²/κ², κ² = (2/h)² sin²(kh/2), k₀ = 1.5/a.
    let laplacian = 4 / 16 * pow(sin(wavenumber * 2), 2)
    let factor = 1 + pow(1.5 / 2, 2) / laplacian
    for i in v.indices { #expect(abs(v[i] - factor * original[i]) <= 1e-12 * factor) }
  }

  @Test("""
    split over two and three threads the grid passes (and on large grids the transforms) give the same \
    M⁻¹v to rounding
    """,
        arguments: [([120.0, 100.0], 12_300, 2, 1), ([260.0, 250.0], 65_000, 2, 2), ([260.0, 250.0], 65_000, 3, 2),
                    ([24.0, 22.0, 26.0], 13_700, 2, 1), ([60.0, 56.0, 50.0], 168_000, 2, 2)])
  func threads(edges: [Double], count: Int, threads: Int, pieces: Int) {
    let x = positions(count, in: edges, seed: 5)
    let v = randomVector(x.count, seed: 6)
    var one = LongWavelengthPreconditioner(edges: edges, particleCount: count, crossover: 1.5, threads: 1)
    var split = LongWavelengthPreconditioner(edges: edges, particleCount: count, crossover: 1.5, threads: threads)
    #expect(one.transformPieces == 1 && split.transformPieces == pieces)
    var (serial, parallel) = (v, v)
    one.apply(to: &serial, at: x)
    split.apply(to: &parallel, at: x)
    let scale = serial.map(abs).max()!
    for i in v.indices { #expect(abs(serial[i] - parallel[i]) <= 1e-13 * scale) }
    #expect(serial != parallel, "the split sums round differently: this test compares two computations")
    // Applied again, the split preconditioner repeats itself bit for bit (its thread grids are
    // emptied and refilled).
    var again = v
    split.apply(to: &again, at: x)
    #expect(again == parallel)
  }
}
