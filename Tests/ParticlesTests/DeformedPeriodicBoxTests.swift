import DualNumbers
import Particles
import RandomNumbers
import Testing

/// The deformed periodic cell against brute force over images: its minimum image is the shortest
/// one even in strongly sheared cells, and energies over its neighbour lists equal the sum over every
/// pair and every image.
@Suite("Deformed (triclinic) periodic cells")
struct DeformedPeriodicBoxTests {
  /// The shortest F·(d + n·L) over images n ∈ {−4 … 4}^d.
  func bruteForce(_ d: [Double], _ f: [[Double]], _ edges: [Double]) -> Double {
    let dimension = d.count
    var best = Double.infinity
    let range = -4...4
    for nx in range {
      for ny in range {
        for nz in (dimension == 3 ? range : 0...0) {
          let shifted = [d[0] + Double(nx) * edges[0], d[1] + Double(ny) * edges[1]]
            + (dimension == 3 ? [d[2] + Double(nz) * edges[2]] : [])
          var squared = 0.0
          for a in 0..<dimension {
            let component = (0..<dimension).reduce(0.0) { $0 + f[a][$1] * shifted[$1] }
            squared += component * component
          }
          best = min(best, squared.squareRoot())
        }
      }
    }
    return best
  }

  func check<D: SpatialDimension>(_: D.Type, shear: Double, seed: UInt64) {
    let d = D.count
    var generator = SeededGenerator(seed: seed)
    let edges = (0..<d).map { _ in 4 + 2 * generator.nextUnit() }
    var f = (0..<d).map { a in (0..<d).map { b in a == b ? 1 + 0.1 * (generator.nextUnit() - 0.5) : 0.0 } }
    for a in 0..<d { for b in (a + 1)..<d where b < d { f[a][b] = shear * (2 * generator.nextUnit() - 1) } }
    let box = DeformedPeriodicBox<D, Double>(
      edges: SpatialVector(edges[0], edges[1], d == 3 ? edges[2] : 0), deformation: f)
    // Half the narrowest width of the cell bounds the pairs whose nearest image is unique.
    let reach = 0.45 * edges.min()! * (1 - abs(shear)) / (1 + abs(shear))
    let inverse = Self.inverse(f)
    var checked = 0
    for _ in 0..<300 {
      // A short deformed separation v, seen from a random image: raw = F⁻¹v + n·L.
      let v = (0..<d).map { _ in reach / Double(d).squareRoot() * (2 * generator.nextUnit() - 1) }
      let raw = (0..<d).map { a in
        (0..<d).reduce(0.0) { $0 + inverse[a][$1] * v[$1] } + Double(Int(generator.nextUnit() * 5) - 2) * edges[a]
      }
      let shortest = bruteForce(raw, f, edges)
      var displacement = SpatialVector(raw[0], raw[1], d == 3 ? raw[2] : 0)
      box.minimumImage(&displacement)
      #expect(abs(displacement.squaredLength(D.self).squareRoot() - shortest) <= 1e-12 * max(1, shortest))
      checked += 1
    }
    #expect(checked == 300)
  }

  static func inverse(_ f: [[Double]]) -> [[Double]] {
    if f.count == 2 {
      let det = f[0][0] * f[1][1] - f[0][1] * f[1][0]
      return [[f[1][1] / det, -f[0][1] / det], [-f[1][0] / det, f[0][0] / det]]
    }
    var cofactors = [[Double]](repeating: [0, 0, 0], count: 3)
    for a in 0..<3 {
      for b in 0..<3 {
        let (a1, a2, b1, b2) = ((a + 1) % 3, (a + 2) % 3, (b + 1) % 3, (b + 2) % 3)
        cofactors[b][a] = f[a1][b1] * f[a2][b2] - f[a1][b2] * f[a2][b1]
      }
    }
    let det = (0..<3).reduce(0.0) { $0 + f[0][$1] * cofactors[$1][0] }
    return cofactors.map { $0.map { $0 / det } }
  }

  @Test("the minimum image is the shortest image, up to shear 0.8, in 2D and 3D")
  func minimumImage() {
    for (index, shear) in [0.0, 0.2, 0.5, 0.8].enumerated() {
      check(TwoDimensions.self, shear: shear, seed: UInt64(10 + index))
      check(ThreeDimensions.self, shear: shear, seed: UInt64(20 + index))
    }
  }

  @Test("energy over the neighbour list of a sheared cell = the sum over all pairs and images")
  func energyInShearedCell() {
    let count = 60
    let side = 6.5
    let positions = uniformPositions(count: count, dimension: 2, side: side, seed: 8)
    let f: [[Double]] = [[1, 0.6], [0.05, 0.97]]
    let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
    let interaction = PairInteraction(
      boundary: DeformedPeriodicBox<TwoDimensions, Double>(edges: SpatialVector(side, side), deformation: f),
      potential: SoftSphere<Double>(), diameters: diameters, threads: 1)
    var list = NeighbourList(skin: 0.3)
    interaction.updateNeighbours(&list, positions: positions)
    let energy = interaction.energy(positions, neighbours: list)
    var expected = 0.0
    for i in 0..<count {
      for j in (i + 1)..<count {
        let r = bruteForce([positions[2 * i] - positions[2 * j], positions[2 * i + 1] - positions[2 * j + 1]], f,
                           [side, side])
        let σ = diameters.diameter(i, j)
        if r < σ { expected += 0.5 * (1 - r / σ) * (1 - r / σ) }
      }
    }
    #expect(expected > 0)
    #expect(abs(energy - expected) <= 1e-12 * expected)
  }
}
