import Foundation

/// The static structure factor of a configuration in a periodic box, radially averaged:
///
///     S(k) = ⟨|ρ(k)|²⟩ / N,   S_ab(k) = ⟨Re ρ_a(k) ρ_b(k)*⟩ / √(N_a N_b),
///
/// with ρ(k) = Σⱼ exp(−i k·rⱼ) from ``FourierDensity`` (FFTW), ρ_a over the particles of species a,
/// and ⟨·⟩ the mean over the allowed wave vectors k = 2π(n₁/L₁, …) ≠ 0 whose |k| falls in one shell
/// of width Δk = 2π / min Lₐ, up to the largest |k| all of whose directions are resolved (|nₐ| ≤ K). Bragg peaks of a crystal give S = N; a hyperuniform packing
/// has S(k → 0) → 0.
public struct StructureFactor: Sendable {
  /// The mean |k| of the modes of each shell (1/length).
  public let wavenumbers: [Double]
  /// S(k) per shell.
  public let values: [Double]
  /// Modes averaged in each shell (a mode and its negative count as two).
  public let modeCounts: [Int]
  /// S_ab(k) per shell for species pairs a ≤ b, keyed "a-b" by species index (empty with one species).
  public let partial: [String: [Double]]

  /// S(k) of `positions` with species labels `species` (nil: one species), modes |nₐ| ≤ `maximumIndex`.
  public init(positions: [Double], dimension: Int, edges: [Double], species: [Int]? = nil, maximumIndex: Int,
              accuracy: Double = 1e-10) throws {
    let count = positions.count / dimension
    let groups: [[Int]]
    if let species, Set(species).count > 1 {
      let labels = Set(species).sorted()
      groups = labels.map { label in species.indices.filter { species[$0] == label } }
    } else {
      groups = [Array(0..<count)]
    }
    let densities = try groups.map {
      try FourierDensity(positions: positions, dimension: dimension, edges: edges, members: $0,
                         maximumIndex: maximumIndex, accuracy: accuracy)
    }
    self.init(densities: densities, groupSizes: groups.map(\.count), edges: edges)
  }

  /// S(k) from the Fourier components of every species (one entry: a single species).
  public init(densities: [FourierDensity], groupSizes: [Int], edges: [Double]) {
    let first = densities[0]
    let wavenumbers = first.wavenumbers
    let shellWidth = 2 * Double.pi / (edges.min() ?? 1)
    let shellCount = Int((wavenumbers.max() ?? 0) / shellWidth) + 1
    var sums = [Double](repeating: 0, count: shellCount)
    var kSums = [Double](repeating: 0, count: shellCount)
    var counts = [Int](repeating: 0, count: shellCount)
    let total = Double(groupSizes.reduce(0, +))
    let pairs = densities.count > 1
      ? densities.indices.flatMap { a in (a..<densities.count).map { (a, $0) } } : []
    var partialSums = [[Double]](repeating: [Double](repeating: 0, count: shellCount), count: pairs.count)
    // Shells beyond the sphere inscribed in the box of modes |nₐ| ≤ K would be averaged over part of
    // their wave vectors only (the corners of the cube): they are left out.
    let reach = edges.map { 2 * Double.pi * Double(first.maximumIndex) / $0 }.min() ?? 0
    for (mode, k) in wavenumbers.enumerated() where k > 0 && k <= reach {
      // The stored half space holds n and −n only when the last index is 0; otherwise −n is implied.
      let multiplicity = mode % (first.maximumIndex + 1) == 0 ? 1 : 2
      let shell = Int(k / shellWidth)
      var (re, im) = (0.0, 0.0)
      for density in densities {
        re += density.real[mode]
        im += density.imaginary[mode]
      }
      sums[shell] += Double(multiplicity) * (re * re + im * im) / total
      kSums[shell] += Double(multiplicity) * k
      counts[shell] += multiplicity
      for (slot, (a, b)) in pairs.enumerated() {
        let product = densities[a].real[mode] * densities[b].real[mode] + densities[a].imaginary[mode] * densities[b].imaginary[mode]
        partialSums[slot][shell] += Double(multiplicity) * product / Double(groupSizes[a] * groupSizes[b]).squareRoot()
      }
    }
    let filled = counts.indices.filter { counts[$0] > 0 }
    self.wavenumbers = filled.map { kSums[$0] / Double(counts[$0]) }
    values = filled.map { sums[$0] / Double(counts[$0]) }
    modeCounts = filled.map { counts[$0] }
    var partial = [String: [Double]]()
    for (slot, (a, b)) in pairs.enumerated() {
      partial["\(a)-\(b)"] = filled.map { partialSums[slot][$0] / Double(counts[$0]) }
    }
    self.partial = partial
  }

  /// The largest mode index K whose modes reach |k| ≥ `wavenumber` along the longest edge, capped so
  /// the grid (4(K + 1))^d stays below `maximumGridPoints`.
  public static func maximumIndex(reaching wavenumber: Double, edges: [Double], dimension: Int,
                                  maximumGridPoints: Int = 1 << 26) -> Int {
    let wanted = Int((wavenumber * (edges.max() ?? 1) / (2 * Double.pi)).rounded(.up))
    let cap = Int(pow(Double(maximumGridPoints), 1 / Double(dimension))) / 4 - 1
    return max(1, min(wanted, cap))
  }
}
