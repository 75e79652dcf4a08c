import Analysis
import Foundation
import Models
import RandomNumbers
import Simulation
import Testing

@Suite("Structure factor and g(r)")
struct StructureFactorTests {
  /// The largest relative difference of |ρ(k)|² between two computations over all modes k ≠ 0.
  static func largestRelativeDifference(_ a: FourierDensity, _ b: FourierDensity) -> Double {
    var worst = 0.0
    for mode in a.real.indices where a.wavenumbers[mode] > 0 {
      let s = a.real[mode] * a.real[mode] + a.imaginary[mode] * a.imaginary[mode]
      let r = b.real[mode] * b.real[mode] + b.imaginary[mode] * b.imaginary[mode]
      worst = max(worst, abs(s - r) / r)
    }
    return worst
  }

  @Test("S(k) through FFTW after deconvolution equals the direct sum over particles to 1e-6 (2D and 3D)",
        arguments: [2, 3])
  func gridAgainstDirectSum(dimension: Int) throws {
    let edges = dimension == 2 ? [9.0, 7.5] : [5.0, 6.0, 5.5]
    let count = 150
    let positions = RandomConfiguration.uniform(count: count, edges: edges, seed: 42)
    let index = dimension == 2 ? 10 : 5
    let grid = try FourierDensity(positions: positions, dimension: dimension, edges: edges, maximumIndex: index,
                                  accuracy: 1e-10)
    let direct = FourierDensity(directSumOf: positions, dimension: dimension, edges: edges, maximumIndex: index)
    #expect(Self.largestRelativeDifference(grid, direct) <= 1e-6)
    // The radial average of the two agrees too, and S(k) of an ideal gas scatters about 1.
    let fast = StructureFactor(densities: [grid], groupSizes: [count], edges: edges)
    let reference = StructureFactor(densities: [direct], groupSizes: [count], edges: edges)
    for (a, b) in zip(fast.values, reference.values) { #expect(abs(a - b) <= 1e-6 * b) }
    let mean = fast.values.reduce(0, +) / Double(fast.values.count)
    #expect(abs(mean - 1) < 0.3)
  }

  @Test("ρ(k) computed on many threads at once equals ρ(k) computed alone, bit for bit")
  func concurrentTransforms() throws {
    // FFTW's planner is not thread-safe; unguarded, concurrent plans corrupted the heap.
    let cases = (0..<64).map { seed -> (positions: [Double], dimension: Int, edges: [Double]) in
      let dimension = 2 + seed % 2
      let edges = dimension == 2 ? [6.0, 5.0] : [4.0, 4.5, 5.0]
      return (RandomConfiguration.uniform(count: 20 + seed, edges: edges, seed: UInt64(seed)), dimension, edges)
    }
    @Sendable func density(_ index: Int) throws -> FourierDensity {
      let item = cases[index]
      return try FourierDensity(positions: item.positions, dimension: item.dimension, edges: item.edges,
                                maximumIndex: 2 + index % 5, accuracy: 1e-8)
    }
    let alone = try cases.indices.map(density)
    let together = ConcurrentResults(count: cases.count)
    DispatchQueue.concurrentPerform(iterations: 8 * cases.count) { iteration in
      together.store(try? density(iteration % cases.count), at: iteration % cases.count)
    }
    for (index, reference) in alone.enumerated() {
      let concurrent = try #require(together.value(at: index))
      #expect(concurrent.real == reference.real && concurrent.imaginary == reference.imaginary)
    }
  }

  @Test("the species-resolved S_ab(k) add up to S(k): S = Σ_ab √(x_a x_b) S_ab")
  func partialsAddUp() throws {
    let edges = [8.0, 8.0]
    let positions = RandomConfiguration.uniform(count: 80, edges: edges, seed: 3)
    let species = (0..<80).map { $0 % 3 == 0 ? 1 : 0 }
    let factor = try StructureFactor(positions: positions, dimension: 2, edges: edges, species: species, maximumIndex: 8)
    let counts = [Double(species.filter { $0 == 0 }.count), Double(species.filter { $0 == 1 }.count)]
    let fractions = counts.map { $0 / 80 }
    for shell in factor.values.indices {
      let sum = fractions[0] * factor.partial["0-0"]![shell] + fractions[1] * factor.partial["1-1"]![shell]
        + 2 * (fractions[0] * fractions[1]).squareRoot() * factor.partial["0-1"]![shell]
      #expect(abs(sum - factor.values[shell]) <= 1e-10 * max(1, factor.values[shell]))
    }
  }

  @Test("a triangular lattice scatters only at its reciprocal lattice: S = N at Bragg peaks, 0 elsewhere")
  func braggPeaks() throws {
    let (model, positions) = Packings.triangular()
    let density = try FourierDensity(positions: positions, dimension: 2, edges: model.boxEdges, maximumIndex: 12)
    let indices = FourierDensity.modeIndices(dimension: 2, maximumIndex: 12)
    var peaks = 0
    for (mode, n) in indices.enumerated() where n != [0, 0] {
      let s = (density.real[mode] * density.real[mode] + density.imaginary[mode] * density.imaginary[mode]) / 36
      // Reciprocal vectors of the lattice in mode indices: a(6, −3) + b(0, 6).
      let isBragg = n[0] % 6 == 0 && (n[1] + n[0] / 2) % 6 == 0
      if isBragg { peaks += 1 }
      #expect(abs(s - (isBragg ? 36 : 0)) <= 1e-6 * 36)
    }
    #expect(peaks > 0)
  }

  @Test("g(r) from the cell list equals the histogram of all pair distances")
  func pairCorrelationAgainstBruteForce() {
    let model = Packings.bidisperse()
    let positions = Packings.minimum(of: model)
    let g = PairCorrelation(model: model, positions: positions, maximumDistance: 3, bins: 30)
    var counts = [Double](repeating: 0, count: 30)
    for i in 0..<model.particleCount {
      for j in (i + 1)..<model.particleCount {
        let bin = Int(Packings.distance(model, positions, i, j) / 0.1)
        if bin < 30 { counts[bin] += 1 }
      }
    }
    let n = Double(model.particleCount)
    for bin in 0..<30 {
      let (inner, outer) = (Double(bin) * 0.1, Double(bin + 1) * 0.1)
      let expected = counts[bin] / (n * (n - 1) / 2 / model.boxVolume * Double.pi * (outer * outer - inner * inner))
      #expect(abs(g.values[bin] - expected) <= 1e-12 * max(1, expected))
    }
  }
}

/// Results written by concurrent iterations, one slot each.
private final class ConcurrentResults: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [FourierDensity?]
  init(count: Int) { values = Array(repeating: nil, count: count) }
  func store(_ value: FourierDensity?, at index: Int) { lock.withLock { values[index] = value } }
  func value(at index: Int) -> FourierDensity? { lock.withLock { values[index] } }
}
