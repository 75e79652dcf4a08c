import DualNumbers
import Particles
import RandomNumbers
import Testing

/// The rule of `InteriorPairs`, written out: both particles more than the skin inside the cell along
/// every axis, and |dₖ| + 2·skin < Lₖ/2 for the raw separation.
private func isInteriorPair(_ i: Int, _ j: Int, _ positions: [Double], dimension: Int, side: Double, skin: Double) -> Bool {
  (0..<dimension).allSatisfy { k in
    let (a, b) = (positions[i * dimension + k], positions[j * dimension + k])
    return a > skin && a < side - skin && b > skin && b < side - skin && abs(a - b) + 2 * skin < side / 2
  }
}

/// 400 discs in a box of side 9 and a list built for them.
private func smallSystem(seed: UInt64)
  -> (positions: [Double], system: PairInteraction<PeriodicBox<TwoDimensions, Double>, SoftSphere<Double>,
                                                   SpeciesPairDiameters<Double>>, list: NeighbourList) {
  let count = 400
  let positions = uniformPositions(count: count, dimension: 2, side: 9, seed: seed)
  let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
  let system = PairInteraction(boundary: PeriodicBox<TwoDimensions, Double>(side: 9), potential: SoftSphere<Double>(),
                               diameters: diameters)
  var list = NeighbourList(skin: 0.3, threads: 1)
  system.updateNeighbours(&list, positions: positions)
  return (positions, system, list)
}

@Suite("Interior pairs: the pair loop's separations without a minimum image")
struct InteriorPairsTests {
  /// Each row must hold the interior pairs first and exactly those (that each group lists its
  /// partners in range first is checked in `NeighbourListTests`).
  @Test("each row lists exactly its interior pairs first", arguments: [2, 3])
  func rowsSplit(dimension: Int) {
    func check<D: SpatialDimension>(_: D.Type, count: Int, side: Double) {
      let skin = 0.4
      let positions = uniformPositions(count: count, dimension: D.count, side: side, seed: 21)
      let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
      let box = PeriodicBox<D, Double>(side: side)
      var list = NeighbourList(skin: skin, threads: 1)
      list.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
      #expect(list.hasInteriorPairs(in: box.cellGeometry))
      var (interior, others) = (0, 0)
      for i in 0..<count {
        let end = Int(list.interiorEnd[i])
        #expect(Int(list.rowStart[i]) <= end && end <= Int(list.rowStart[i + 1]))
        for slot in Int(list.rowStart[i])..<Int(list.rowStart[i + 1]) {
          let j = Int(list.neighbours[slot])
          let expected = slot < end
          #expect(isInteriorPair(i, j, positions, dimension: D.count, side: side, skin: skin) == expected,
                  "row \(i), partner \(j): on the wrong side of the split")
          if expected { interior += 1 } else { others += 1 }
        }
      }
      #expect(interior > others && others > 0, "the test needs both kinds of pair (\(interior), \(others))")
    }
    if dimension == 2 { check(TwoDimensions.self, count: 1500, side: 40) } else { check(ThreeDimensions.self, count: 1500, side: 12) }
  }

  /// Interior pairs skip the minimum image, every other pair takes it: the forces must be those of
  /// the same list without the split, bit for bit, after every move of a minimiser-like walk that
  /// keeps the list (particles crossing the faces and wrapped) and after each rebuild.
  @Test("forces equal the minimum-image loop's bit for bit while particles cross the faces",
        arguments: [(2, 1), (3, 1), (3, 2)])
  func forcesBitForBit(dimension: Int, threads: Int) {
    func check<D: SpatialDimension>(_: D.Type, count: Int, side: Double) {
      var positions = uniformPositions(count: count, dimension: D.count, side: side, seed: 8)
      let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
      var system = PairInteraction(boundary: PeriodicBox<D, Double>(side: side), potential: SoftSphere<Double>(),
                                   diameters: diameters)
      system.threads = threads
      var list = NeighbourList(skin: 0.3, threads: threads)
      system.updateNeighbours(&list, positions: positions)
      var generator = SeededGenerator(seed: 3)
      var kept = 0
      for _ in 0..<20 {
        let step = (0..<positions.count).map { _ in 0.04 * (2 * generator.nextUnit() - 1) }
        if system.displace(&positions, by: step, keeping: list) { kept += 1 } else {
          system.updateNeighbours(&list, positions: positions)
        }
        let unsplit = list.removingPairs(involving: [Int]())
        #expect(!unsplit.hasInteriorPairs(in: system.boundary.cellGeometry))
        var forces = [Double](), reference = [Double]()
        let energy = system.forces(positions, neighbours: list, into: &forces)
        let referenceEnergy = system.forces(positions, neighbours: unsplit, into: &reference)
        #expect(energy == referenceEnergy && forces == reference)
      }
      #expect(kept >= 10 && list.buildCount > 1, "the walk must keep the list and rebuild it")
    }
    if dimension == 2 { check(TwoDimensions.self, count: 12_000, side: 110) } else { check(ThreeDimensions.self, count: 6000, side: 17) }
  }

  /// A caller may hand in the same configuration with a particle one period away (unwrapped): the
  /// minimum-image drift is zero, but that particle's interior pairs would take a separation a box
  /// length long. The list must be rebuilt and the forces must stay brute force's.
  @Test("a particle moved by a whole period rebuilds the list")
  func wholePeriod() {
    let (start, system, built) = smallSystem(seed: 40)
    var (positions, list) = (start, built)
    let count = positions.count / 2
    let moved = (0..<count).first { i in
      (Int(list.rowStart[i])..<Int(list.interiorEnd[i])).contains { slot in
        var d = SpatialVector<Double>(positions[2 * i] - positions[2 * Int(list.neighbours[slot])],
                                      positions[2 * i + 1] - positions[2 * Int(list.neighbours[slot]) + 1])
        system.boundary.minimumImage(&d)
        return d.squaredLength(TwoDimensions.self) < 1
      }
    }!
    positions[2 * moved] += 9
    let rebuilt = list.update(positions: positions, boundary: system.boundary, cutoffRatio: 1,
                              diameters: system.diameters)
    #expect(rebuilt)
    var forces = [Double](), reference = [Double]()
    system.forces(positions, neighbours: list, into: &forces)
    system.forces(positions, neighbours: NeighbourList.allPairs(particleCount: count), into: &reference)
    #expect(relativeMaxDifference(forces, reference) < 1e-12)
    #expect(forces.contains { $0 != 0 })
  }

  /// Interior pairs hold only in the cell they were found in: evaluated in another cell (a box that
  /// changed while the list was kept) every pair takes its minimum image.
  @Test("a list evaluated in another cell takes every minimum image")
  func anotherCell() {
    let (positions, built, list) = smallSystem(seed: 41)
    var system = built
    system.boundary = PeriodicBox(side: 9 * 0.999)
    #expect(!list.hasInteriorPairs(in: system.boundary.cellGeometry))
    var forces = [Double](), reference = [Double]()
    system.forces(positions, neighbours: list, into: &forces)
    system.forces(positions, neighbours: list.removingPairs(involving: [Int]()), into: &reference)
    #expect(forces == reference)
  }
}
