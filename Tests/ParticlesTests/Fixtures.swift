import DualNumbers
import Particles
import RandomNumbers

/// Particles on a square/cubic lattice of spacing `spacing`, each displaced by up to ±jitter·spacing:
/// no two particles overlap badly, so Lennard-Jones energies stay moderate.
func jitteredLattice<D: SpatialDimension>(
  _: D.Type, perSide: Int, spacing: Double, jitter: Double, seed: UInt64
) -> [Double] {
  var generator = SeededGenerator(seed: seed)
  var positions = [Double]()
  let cells = D.count == 3 ? perSide * perSide * perSide : perSide * perSide
  for cell in 0..<cells {
    var code = cell
    for _ in 0..<D.count {
      let index = code % perSide
      code /= perSide
      positions.append((Double(index) + 0.5 + jitter * (2 * generator.nextUnit() - 1)) * spacing)
    }
  }
  return positions
}

/// Uniformly random positions in a periodic box of side `side`.
func uniformPositions(count: Int, dimension: Int, side: Double, seed: UInt64) -> [Double] {
  var generator = SeededGenerator(seed: seed)
  return (0..<(count * dimension)).map { _ in side * generator.nextUnit() }
}

/// Half species 0, half species 1.
func bidisperseSpecies(_ count: Int) -> [Int] {
  (0..<count).map { $0 < count / 2 ? 0 : 1 }
}

/// max |a − b| / max(1, max |b|).
func relativeMaxDifference(_ a: [Double], _ b: [Double]) -> Double {
  precondition(a.count == b.count)
  let scale = max(1, b.map(abs).max() ?? 0)
  return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}
