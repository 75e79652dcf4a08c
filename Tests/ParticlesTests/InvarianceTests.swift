import DualNumbers
import Particles
import RandomNumbers
import Testing

@Suite("Energy and forces respect the symmetries of the system")
struct InvarianceTests {
  let side = 6.0
  let count = 48

  func system(species: [Int]) -> PairInteraction<PeriodicBox<TwoDimensions, Double>, SoftSphere<Double>, SpeciesPairDiameters<Double>> {
    PairInteraction(boundary: PeriodicBox(side: side), potential: SoftSphere(alpha: 2.5),
                    diameters: SpeciesPairDiameters(species: species, table: [[0.9, 1.1], [1.1, 1.3]]))
  }

  @Test("a global translation (across the periodic boundary) changes neither energy nor forces")
  func translation() {
    let positions = uniformPositions(count: count, dimension: 2, side: side, seed: 21)
    let interaction = system(species: bidisperseSpecies(count))
    let all = NeighbourList.allPairs(particleCount: count)
    var forces = [Double](), shiftedForces = [Double]()
    let energy = interaction.forces(positions, neighbours: all, into: &forces)
    var shifted = positions.enumerated().map { $0.offset % 2 == 0 ? $0.element + 2.7 : $0.element - 4.1 }
    interaction.wrap(&shifted)
    let shiftedEnergy = interaction.forces(shifted, neighbours: all, into: &shiftedForces)
    #expect(energy > 0)
    #expect(abs(energy - shiftedEnergy) <= 1e-12 * energy)
    #expect(relativeMaxDifference(shiftedForces, forces) < 1e-12)
    // Newton's third law: the forces sum to zero.
    let total = (0..<2).map { k in stride(from: k, to: forces.count, by: 2).reduce(0.0) { $0 + forces[$1] } }
    #expect(total.allSatisfy { abs($0) < 1e-12 })
  }

  @Test("relabelling the particles permutes the forces and keeps the energy")
  func relabelling() {
    let positions = uniformPositions(count: count, dimension: 2, side: side, seed: 22)
    let species = bidisperseSpecies(count)
    var generator = SeededGenerator(seed: 3)
    let permutation = Array(0..<count).shuffled(using: &generator)
    let permutedPositions = permutation.flatMap { [positions[2 * $0], positions[2 * $0 + 1]] }
    let permutedSpecies = permutation.map { species[$0] }
    var forces = [Double](), permutedForces = [Double]()
    var list = NeighbourList(skin: 0.3)
    var permutedList = NeighbourList(skin: 0.3)
    let original = system(species: species)
    let relabelled = system(species: permutedSpecies)
    original.updateNeighbours(&list, positions: positions)
    relabelled.updateNeighbours(&permutedList, positions: permutedPositions)
    let energy = original.forces(positions, neighbours: list, into: &forces)
    let permutedEnergy = relabelled.forces(permutedPositions, neighbours: permutedList, into: &permutedForces)
    #expect(abs(energy - permutedEnergy) <= 1e-12 * energy)
    let expected = permutation.flatMap { [forces[2 * $0], forces[2 * $0 + 1]] }
    #expect(relativeMaxDifference(permutedForces, expected) < 1e-12)
  }
}

@Suite("Spatial ordering")
struct SpatialOrderTests {
  @Test("cell order is a permutation that restores exactly, and sorts particles by cell")
  func permutation() {
    let positions = uniformPositions(count: 500, dimension: 2, side: 10, seed: 12)
    let order = SpatialOrder.cellOrder(positions: positions, dimension: 2, edges: [10, 10], cellSize: 1.5)
    #expect(order.sorted() == Array(0..<500))
    let reordered = SpatialOrder.permuted(positions, by: order, width: 2)
    #expect(SpatialOrder.restored(reordered, from: order, width: 2) == positions)
    // Row-major cells of side 10/6: the cell row (y) never decreases along the new numbering.
    let rows = (0..<500).map { Int(reordered[2 * $0 + 1] / (10.0 / 6)) }
    #expect(zip(rows, rows.dropFirst()).allSatisfy { $0 <= $1 })
  }
}

@Suite("Threads")
struct ThreadTests {
  @Test("two threads give the forces and energy of one, the Hessian products too")
  func twoThreadsAgree() {
    let count = 6000
    let side = (Double(count / 2) * Double.pi * (1.0 + 1.96) / 4 / 0.9).squareRoot()
    let positions = uniformPositions(count: count, dimension: 2, side: side, seed: 77)
    let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
    var one = PairInteraction(boundary: PeriodicBox<TwoDimensions, Double>(side: side), potential: SoftSphere<Double>(),
                              diameters: diameters, threads: 1)
    var list = NeighbourList(skin: 0.3, threads: 2)
    one.updateNeighbours(&list, positions: positions)
    var serial = [Double](), parallel = [Double]()
    let serialEnergy = one.forces(positions, neighbours: list, into: &serial)
    one.threads = 2
    let parallelEnergy = one.forces(positions, neighbours: list, into: &parallel)
    #expect(abs(serialEnergy - parallelEnergy) <= 1e-12 * serialEnergy)
    #expect(relativeMaxDifference(parallel, serial) < 1e-12)
    var generator = SeededGenerator(seed: 4)
    let v = positions.map { _ in generator.nextStandardNormal() }
    var stiffness = PairStiffness<TwoDimensions>(one, positions: positions, neighbours: list)
    var productTwo = [Double](), productOne = [Double]()
    stiffness.hessianVectorProduct(v, into: &productTwo)
    stiffness.threads = 1
    stiffness.hessianVectorProduct(v, into: &productOne)
    #expect(relativeMaxDifference(productTwo, productOne) < 1e-12)
  }
}
