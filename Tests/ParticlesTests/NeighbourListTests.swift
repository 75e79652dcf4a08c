import DualNumbers
import Particles
import RandomNumbers
import Testing

/// Pairs i < j with |rᵢ − rⱼ| (minimum image) < cutoffRatio·σᵢⱼ + extra, by brute force.
private func bruteForcePairs<D: SpatialDimension, R: InteractionDiameters>(
  _ positions: [Double], box: PeriodicBox<D, Double>?, diameters: R, cutoffRatio: Double, extra: Double
) -> Set<[Int]> {
  let count = positions.count / D.count
  var pairs = Set<[Int]>()
  for i in 0..<count {
    for j in (i + 1)..<max(i + 1, count) {
      var d = SpatialVector<Double>.zero
      for k in 0..<D.count { d[k] = positions[i * D.count + k] - positions[j * D.count + k] }
      box?.minimumImage(&d)
      let reach = cutoffRatio * diameters.diameter(i, j).primalValue + extra
      if d.squaredLength(D.self) < reach * reach { pairs.insert([i, j]) }
    }
  }
  return pairs
}

/// The stored pairs as sorted index pairs; a pair stored twice would be a defect, so count them too.
private func listedPairs(_ list: NeighbourList) -> Set<[Int]> {
  var pairs = Set<[Int]>()
  defer { #expect(pairs.count == list.pairCount, "a pair is stored twice") }
  for i in 0..<list.particleCount {
    for slot in Int(list.rowStart[i])..<Int(list.rowStart[i + 1]) {
      let j = Int(list.neighbours[slot])
      #expect(j != i, "a particle listed as its own partner")
      pairs.insert([min(i, j), max(i, j)])
    }
  }
  return pairs
}

@Suite("Neighbour lists equal brute force")
struct NeighbourListTests {
  /// Moves all particles randomly many times; after every move the list must contain every
  /// interacting pair, forces must equal brute force, and rebuilds must happen only when needed.
  func check<D: SpatialDimension>(_: D.Type, count: Int, side: Double, moves: Int, threads: Int) {
    var positions = uniformPositions(count: count, dimension: D.count, side: side, seed: UInt64(count))
    let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
    var system = PairInteraction(boundary: PeriodicBox<D, Double>(side: side), potential: SoftSphere<Double>(),
                                 diameters: diameters)
    system.threads = threads
    let skin = 0.3
    var list = NeighbourList(skin: skin, threads: threads)
    var generator = SeededGenerator(seed: 99)
    let all = NeighbourList.allPairs(particleCount: count)
    for move in 0..<moves {
      let rebuilt = list.update(positions: positions, boundary: system.boundary, cutoffRatio: 1, diameters: diameters)
      if rebuilt {
        // A fresh build holds exactly the pairs within cutoff + skin.
        let expected = bruteForcePairs(positions, box: system.boundary, diameters: diameters, cutoffRatio: 1, extra: skin)
        #expect(listedPairs(list) == expected, "\(D.count)D N=\(count) L=\(side): build \(list.buildCount) differs")
      }
      let interacting = bruteForcePairs(positions, box: system.boundary, diameters: diameters, cutoffRatio: 1, extra: 0)
      #expect(interacting.isSubset(of: listedPairs(list)), "move \(move): an interacting pair is missing")
      var forces = [Double](), reference = [Double]()
      let energy = system.forces(positions, neighbours: list, into: &forces)
      let referenceEnergy = system.forces(positions, neighbours: all, into: &reference)
      #expect(abs(energy - referenceEnergy) <= 1e-12 * max(1, referenceEnergy))
      #expect(relativeMaxDifference(forces, reference) < 1e-12)
      for index in positions.indices { positions[index] += 0.06 * (2 * generator.nextUnit() - 1) }
      system.wrap(&positions)
    }
    if moves >= 8 && count > 2 {
      #expect(list.buildCount > 1, "the moves must trigger rebuilds")
      #expect(list.buildCount < moves, "the list must not be rebuilt at every move")
    }
  }

  @Test("2D, a large box (many cells), serial and two threads", arguments: [1, 2])
  func largeBox2D(threads: Int) { check(TwoDimensions.self, count: 800, side: 30, moves: 10, threads: threads) }

  @Test("2D, a box only a few cutoffs wide")
  func smallBox2D() { check(TwoDimensions.self, count: 30, side: 4.2, moves: 25, threads: 1) }

  @Test("3D, a large box")
  func largeBox3D() { check(ThreeDimensions.self, count: 500, side: 8.5, moves: 8, threads: 2) }

  @Test("3D, a box only a few cutoffs wide, and tiny systems")
  func smallBox3D() {
    check(ThreeDimensions.self, count: 20, side: 3.3, moves: 25, threads: 1)
    check(ThreeDimensions.self, count: 2, side: 3.0, moves: 5, threads: 1)
    check(TwoDimensions.self, count: 1, side: 3.0, moves: 3, threads: 1)
  }

  /// The pair loop's test r < r_c is predictable only if each row holds its pairs in range first
  /// (within each of the row's two groups, interior pairs and the others; see `InteriorPairsTests`).
  @Test("each row lists the partners within the cutoff before those only within the skin", arguments: [2, 3])
  func partnersInRangeFirst(dimension: Int) {
    func check<D: SpatialDimension>(_: D.Type, count: Int, side: Double) {
      let positions = uniformPositions(count: count, dimension: D.count, side: side, seed: 12)
      let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
      let box = PeriodicBox<D, Double>(side: side)
      var list = NeighbourList(skin: 0.4, threads: 1)
      list.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
      var (inRange, inSkin) = (0, 0)
      for i in 0..<count {
        var seenSkinOnly = false
        for slot in Int(list.rowStart[i])..<Int(list.rowStart[i + 1]) {
          if slot == Int(list.interiorEnd[i]) { seenSkinOnly = false }
          let j = Int(list.neighbours[slot])
          var d = SpatialVector<Double>.zero
          for k in 0..<D.count { d[k] = positions[i * D.count + k] - positions[j * D.count + k] }
          box.minimumImage(&d)
          let σ = diameters.diameter(i, j)
          let within = d.squaredLength(D.self) < σ * σ
          #expect(!(within && seenSkinOnly), "row \(i): partner \(j) in range after one in the skin only")
          if within { inRange += 1 } else { inSkin += 1; seenSkinOnly = true }
        }
      }
      #expect(inRange > count / 2 && inSkin > count / 4, "the test needs both kinds of pair")
      #expect(listedPairs(list) == bruteForcePairs(positions, box: box, diameters: diameters, cutoffRatio: 1, extra: 0.4))
    }
    if dimension == 2 { check(TwoDimensions.self, count: 600, side: 22) } else { check(ThreeDimensions.self, count: 500, side: 8.5) }
  }

  /// A pair beyond r_c + skin at the build can come within r_c only if its two particles together
  /// moved more than the skin, so the list lives until the two largest displacements d₁ + d₂ exceed
  /// the skin, not until one exceeds skin/2. Two discs just beyond reach: one moving 0.9 skin towards
  /// the other (across the periodic boundary, wrapped) keeps the list and the pair stays out of
  /// range; the other then moving 0.2 skin towards it forces a rebuild, which lists the pair.
  @Test("the list lives until the two particles that moved most moved more than the skin together")
  func twoLargestDisplacements() {
    let side = 10.0, skin = 0.3
    let box = PeriodicBox<TwoDimensions, Double>(side: side)
    let diameters = SpeciesPairDiameters<Double>(species: [0, 0, 0], speciesDiameters: [1.0])
    let gap = 1.0 + skin + 0.001
    // Particle 0 just inside x = 0, particle 1 across the boundary at x = −gap + 0.05 (wrapped); a
    // third far away, which never moves.
    var positions = [0.05, 5.0, side - gap + 0.05, 5.0, 5.0, 1.0]
    var list = NeighbourList(skin: skin)
    let built = list.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
    #expect(built && listedPairs(list).isEmpty)
    positions[0] -= 0.9 * skin
    if positions[0] < 0 { positions[0] += side }
    let rebuiltAfterOne = list.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
    #expect(!rebuiltAfterOne, "one particle moving 0.9 skin must not force a rebuild")
    #expect(bruteForcePairs(positions, box: box, diameters: diameters, cutoffRatio: 1, extra: 0).isEmpty)
    positions[2] += 0.2 * skin
    let rebuiltAfterTwo = list.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
    #expect(rebuiltAfterTwo, "d₁ + d₂ = 1.1 skin must force a rebuild")
    #expect(listedPairs(list) == bruteForcePairs(positions, box: box, diameters: diameters, cutoffRatio: 1, extra: skin))
    #expect(listedPairs(list).count == 1)
  }

  @Test("positions outside the primary cell (several boxes away) give the same list")
  func unwrappedPositions() {
    let side = 12.0
    var positions = uniformPositions(count: 300, dimension: 2, side: side, seed: 31)
    let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(300), speciesDiameters: [1.0, 1.4])
    let box = PeriodicBox<TwoDimensions, Double>(side: side)
    let expected = bruteForcePairs(positions, box: box, diameters: diameters, cutoffRatio: 1, extra: 0.3)
    for index in positions.indices { positions[index] += Double(index % 7 - 3) * side }
    var list = NeighbourList(skin: 0.3)
    list.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
    #expect(listedPairs(list) == expected)
  }

  /// The cell list stores positions wrapped into the box and reaches partners across a face by one
  /// edge per run of cells: coordinates on and a hair outside the faces (−tiny, exactly L, L − ulp,
  /// several boxes away) must still give brute force's list, in 2D and 3D.
  @Test("coordinates on the faces of the box and a hair outside give brute force's list", arguments: [2, 3])
  func coordinatesOnTheFaces(dimension: Int) {
    func check<D: SpatialDimension>(_: D.Type) {
      let side = 7.3, count = 120
      var positions = uniformPositions(count: count, dimension: D.count, side: side, seed: 77)
      let faces = [-1e-17, 0, side, side.nextDown, -side.ulp, 3 * side + 0.4, -2 * side + 0.2]
      for (index, value) in faces.enumerated() { positions[index * (D.count + 1)] = value }
      let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
      let box = PeriodicBox<D, Double>(side: side)
      var list = NeighbourList(skin: 0.3)
      list.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
      #expect(listedPairs(list) == bruteForcePairs(positions, box: box, diameters: diameters, cutoffRatio: 1, extra: 0.3))
    }
    if dimension == 2 { check(TwoDimensions.self) } else { check(ThreeDimensions.self) }
  }

  @Test("free space: the cell grid follows the particles' bounding box")
  func freeSpace() {
    let positions = uniformPositions(count: 400, dimension: 2, side: 25, seed: 4)
    let diameters = ParticleDiameters((0..<400).map { 1.0 + 0.001 * Double($0) })
    var list = NeighbourList(skin: 0.2)
    list.update(positions: positions, boundary: FreeSpace<TwoDimensions, Double>(), cutoffRatio: 1, diameters: diameters)
    let expected = bruteForcePairs(positions, box: nil as PeriodicBox<TwoDimensions, Double>?, diameters: diameters,
                                   cutoffRatio: 1, extra: 0.2)
    #expect(listedPairs(list) == expected)
  }

  /// Above 32,768 particles the cell sort is split over two threads (per-thread counts, then slots
  /// handed out chunk by chunk) and the rows are copied into place in parallel: the list must be
  /// the serial one, row for row and in the same order, in 2D and 3D.
  @Test("a build on two threads is the serial build, entry for entry")
  func threadedBuildEqualsSerial() {
    func lists<D: SpatialDimension>(_: D.Type, count: Int, side: Double) -> (NeighbourList, NeighbourList) {
      let positions = uniformPositions(count: count, dimension: D.count, side: side, seed: 8)
      let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
      let box = PeriodicBox<D, Double>(side: side)
      var serial = NeighbourList(skin: 0.3, threads: 1)
      var threaded = NeighbourList(skin: 0.3, threads: 2)
      serial.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
      threaded.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
      return (serial, threaded)
    }
    let (serial2D, threaded2D) = lists(TwoDimensions.self, count: 40_000, side: 200)
    #expect(serial2D.pairCount > 40_000)
    #expect(threaded2D.rowStart == serial2D.rowStart)
    #expect(threaded2D.neighbours == serial2D.neighbours)
    let (serial3D, threaded3D) = lists(ThreeDimensions.self, count: 36_000, side: 36)
    #expect(serial3D.pairCount > 36_000)
    #expect(threaded3D.rowStart == serial3D.rowStart)
    #expect(threaded3D.neighbours == serial3D.neighbours)
  }

  /// A rebuild writes through the arrays of the last one (see RebuildStorage). Rebuilding one list
  /// again and again, with growing and shrinking particle counts and on two threads, must give a
  /// fresh list's pairs every time; and a copy must keep its pairs while the original rebuilds.
  @Test("rebuilds reuse their scratch arrays: every rebuild equals a fresh build, and copies stay intact")
  func reusedStorage() {
    let box = PeriodicBox<TwoDimensions, Double>(side: 40)
    var reused = NeighbourList(skin: 0.3, threads: 2)
    var copies = [(NeighbourList, Set<[Int]>)]()
    for (round, count) in [5_000, 5_000, 7_000, 3_000, 7_000, 4_999].enumerated() {
      let positions = uniformPositions(count: count, dimension: 2, side: 40, seed: UInt64(100 + round))
      let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
      let rebuilt = reused.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
      #expect(rebuilt)
      var fresh = NeighbourList(skin: 0.3, threads: 1)
      fresh.update(positions: positions, boundary: box, cutoffRatio: 1, diameters: diameters)
      #expect(reused.rowStart == fresh.rowStart, "round \(round), N = \(count)")
      #expect(reused.neighbours == fresh.neighbours, "round \(round), N = \(count)")
      // Copies at odd rounds: the next rebuild then finds its storage shared and takes a fresh one,
      // while the others write through the last rebuild's arrays.
      if round % 2 == 1 { copies.append((reused, listedPairs(reused))) }
    }
    for (index, (copy, pairs)) in copies.enumerated() {
      #expect(listedPairs(copy) == pairs, "copy \(index) changed when the original rebuilt")
    }
  }

  /// The minimiser's move tests the list in the displacing pass: the answer must equal the separate
  /// drift test (no particle farther than skin/2, minimum image), the positions must be those of
  /// x + Δ wrapped, and while it answers "valid" the list must hold every interacting pair. 20,000
  /// particles, so that two threads split the pass.
  @Test("displacing and testing the list in one pass agrees with the separate test", arguments: [1, 2])
  func displaceKeepingList(threads: Int) {
    let count = 20_000, side = 140.0
    var positions = uniformPositions(count: count, dimension: 2, side: side, seed: 17)
    let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
    var system = PairInteraction(boundary: PeriodicBox<TwoDimensions, Double>(side: side), potential: SoftSphere<Double>(),
                                 diameters: diameters)
    system.threads = threads
    var list = NeighbourList(skin: 0.3, threads: threads)
    #expect(system.displace(&positions, by: [Double](repeating: 0, count: 2 * count), keeping: list) == false,
            "an unbuilt list is never valid")
    system.updateNeighbours(&list, positions: positions)
    var generator = SeededGenerator(seed: 5)
    var sawValid = false, sawInvalid = false
    for _ in 0..<12 {
      let step = (0..<(2 * count)).map { _ in 0.05 * (2 * generator.nextUnit() - 1) }
      var expected = positions
      for index in expected.indices { expected[index] += step[index] }
      system.wrap(&expected)
      let valid = system.displace(&positions, by: step, keeping: list)
      #expect(positions == expected)
      var separate = list
      let rebuilt = separate.update(positions: positions, boundary: system.boundary, cutoffRatio: 1, diameters: diameters)
      #expect(valid == !rebuilt)
      if valid {
        sawValid = true
        // The interacting pairs from a fresh list without skin (built like any list, which the tests
        // above check against brute force): O(N), where brute force at this N would be slow.
        var interacting = NeighbourList(skin: 0, threads: 1)
        system.updateNeighbours(&interacting, positions: positions)
        #expect(listedPairs(interacting).isSubset(of: listedPairs(list)))
      } else {
        sawInvalid = true
        list = separate
      }
    }
    #expect(sawValid && sawInvalid, "the moves must exercise both answers")
  }
}
