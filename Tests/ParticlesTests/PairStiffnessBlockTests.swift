import DualNumbers
import Particles
import RandomNumbers
import Testing

/// H·V for a block of vectors in one pass over the pairs is the block of the single products, to
/// the bit, on one thread and on two (where the partner terms are set aside per column).
@Suite("Hessian products of a block of vectors")
struct PairStiffnessBlockTests {
  func interleaved(_ columns: [[Double]], dimension d: Int) -> [Double] {
    let k = columns.count
    let particles = columns[0].count / d
    var block = [Double](repeating: 0, count: particles * k * d)
    for c in 0..<k {
      for i in 0..<particles {
        for a in 0..<d { block[(i * k + c) * d + a] = columns[c][i * d + a] }
      }
    }
    return block
  }

  func check<D: SpatialDimension>(_: D.Type, count: Int, threads: Int, columns k: Int) {
    let d = D.count
    let packing = d == 2 ? 0.9 : 0.7
    let volume = Double(count / 2) * (d == 2 ? Double.pi * (1 + 1.96) / 4 : Double.pi * (1 + 2.744) / 6)
    let side = Double.pow(volume / packing, 1 / Double(d))
    let positions = uniformPositions(count: count, dimension: d, side: side, seed: 31)
    let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
    let interaction = PairInteraction(boundary: PeriodicBox<D, Double>(side: side), potential: SoftSphere<Double>(),
                                      diameters: diameters, threads: threads)
    var list = NeighbourList(skin: 0.3, threads: threads)
    interaction.updateNeighbours(&list, positions: positions)
    let stiffness = PairStiffness<D>(interaction, positions: positions, neighbours: list)
    var generator = SeededGenerator(seed: 9)
    let columns = (0..<k).map { _ in positions.map { _ in generator.nextStandardNormal() } }
    var block = [Double]()
    stiffness.hessianMatrixProduct(interleaved(columns, dimension: d), columns: k, into: &block)
    let singles = columns.map { column -> [Double] in
      var product = [Double]()
      stiffness.hessianVectorProduct(column, into: &product)
      return product
    }
    #expect(block == interleaved(singles, dimension: d))
  }

  @Test("2D and 3D, one thread and two (N large enough to split the rows), k = 1, 2, 5")
  func blockEqualsColumns() {
    for k in [1, 2, 5] {
      check(TwoDimensions.self, count: 600, threads: 1, columns: k)
      check(TwoDimensions.self, count: 5000, threads: 2, columns: k)
      check(ThreeDimensions.self, count: 500, threads: 1, columns: k)
      check(ThreeDimensions.self, count: 4200, threads: 2, columns: k)
    }
  }

  @Test("the pair blocks are the same, to the bit, built on one thread or split over two")
  func blocksIndependentOfThreads() {
    for (d, count) in [(2, 5000), (3, 4200)] {
      func blocks(threads: Int) -> [Double] {
        let packing = d == 2 ? 0.9 : 0.7
        let volume = Double(count / 2) * (d == 2 ? Double.pi * (1 + 1.96) / 4 : Double.pi * (1 + 2.744) / 6)
        let side = Double.pow(volume / packing, 1 / Double(d))
        let positions = uniformPositions(count: count, dimension: d, side: side, seed: 31)
        let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
        var list = NeighbourList(skin: 0.3, threads: 1)
        if d == 2 {
          let interaction = PairInteraction(boundary: PeriodicBox<TwoDimensions, Double>(side: side),
                                            potential: SoftSphere<Double>(), diameters: diameters, threads: threads)
          interaction.updateNeighbours(&list, positions: positions)
          return PairStiffness<TwoDimensions>(interaction, positions: positions, neighbours: list).blocks
        }
        let interaction = PairInteraction(boundary: PeriodicBox<ThreeDimensions, Double>(side: side),
                                          potential: SoftSphere<Double>(), diameters: diameters, threads: threads)
        interaction.updateNeighbours(&list, positions: positions)
        return PairStiffness<ThreeDimensions>(interaction, positions: positions, neighbours: list).blocks
      }
      let serial = blocks(threads: 1)
      #expect(serial.contains { $0 != 0 }, "\(d)D: some pairs interact")
      #expect(blocks(threads: 2) == serial, "\(d)D")
    }
  }
}
