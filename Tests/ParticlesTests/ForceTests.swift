import DualNumbers
import Foundation
import Particles
import RandomNumbers
import Testing

/// Central difference of the energy along coordinate `index`.
private func energyDerivative<B: Boundary, P: PairPotential, R: InteractionDiameters>(
  _ system: PairInteraction<B, P, R>, _ positions: [Double], index: Int, neighbours: NeighbourList,
  step h: Double = 1e-6
) -> Double where B.Scalar == Double {
  var plus = positions
  var minus = positions
  plus[index] += h
  minus[index] -= h
  return (system.energy(plus, neighbours: neighbours) - system.energy(minus, neighbours: neighbours)) / (2 * h)
}

/// Checks F = −∇E component by component against central differences of the energy.
private func checkForces<B: Boundary, P: PairPotential, R: InteractionDiameters>(
  _ system: PairInteraction<B, P, R>, _ positions: [Double]
) -> (worstRelativeError: Double, activePairs: Int) where B.Scalar == Double {
  let count = positions.count / B.Dimension.count
  let all = NeighbourList.allPairs(particleCount: count)
  var forces = [Double]()
  system.forces(positions, neighbours: all, into: &forces)
  // Differences of a sum of many pair energies lose ~ε·|E|/h to rounding: errors are measured
  // against the largest force, not component by component.
  let reference = positions.indices.map { -energyDerivative(system, positions, index: $0, neighbours: all) }
  let active = forces.filter { $0 != 0 }.count
  return (relativeMaxDifference(forces, reference), active)
}

@Suite("Forces are the negative gradient of the energy")
struct ForceTests {
  static let potentials: [String] = ["harmonic", "hertzian", "soft-sphere-3.3", "lennard-jones", "morse"]

  func check<D: SpatialDimension>(_ dimension: D.Type, potential name: String) {
    let perSide = D.count == 3 ? 4 : 6
    // Soft spheres overlap when the spacing is below the diameters; LJ and Morse sit near their wells.
    let spacing = name.contains("soft") || name == "harmonic" || name == "hertzian" ? 0.9 : 1.1
    let positions = jitteredLattice(D.self, perSide: perSide, spacing: spacing, jitter: 0.2, seed: 7)
    let count = positions.count / D.count
    let box = PeriodicBox<D, Double>(side: Double(perSide) * spacing)
    let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.2])
    let result: (worstRelativeError: Double, activePairs: Int)
    switch name {
    case "harmonic":
      result = checkForces(PairInteraction(boundary: box, potential: SoftSphere(epsilon: 1.3, alpha: 2), diameters: diameters), positions)
    case "hertzian":
      result = checkForces(PairInteraction(boundary: box, potential: SoftSphere(epsilon: 1, alpha: 2.5), diameters: diameters), positions)
    case "soft-sphere-3.3":
      result = checkForces(PairInteraction(boundary: box, potential: SoftSphere(epsilon: 0.7, alpha: 3.3), diameters: diameters), positions)
    case "lennard-jones":
      result = checkForces(PairInteraction(boundary: box, potential: LennardJones(epsilon: 0.8, cutoffRatio: 2.0), diameters: diameters), positions)
    default:
      result = checkForces(PairInteraction(boundary: box, potential: Morse(epsilon: 1.1, alpha: 4, cutoffRatio: 2.0), diameters: diameters), positions)
    }
    #expect(result.activePairs > count, "the configuration must have interacting pairs")
    #expect(result.worstRelativeError < 2e-7, "\(name) in \(D.count)D: worst relative error \(result.worstRelativeError)")
  }

  @Test("in two dimensions, every potential", arguments: potentials)
  func twoDimensions(potential: String) { check(TwoDimensions.self, potential: potential) }

  @Test("in three dimensions, every potential", arguments: potentials)
  func threeDimensions(potential: String) { check(ThreeDimensions.self, potential: potential) }

  @Test("in free space")
  func freeSpace() {
    let positions = jitteredLattice(ThreeDimensions.self, perSide: 3, spacing: 0.9, jitter: 0.2, seed: 3)
    let system = PairInteraction(
      boundary: FreeSpace<ThreeDimensions, Double>(), potential: SoftSphere<Double>(),
      diameters: ParticleDiameters((0..<27).map { 1 + 0.01 * Double($0) }))
    let result = checkForces(system, positions)
    #expect(result.worstRelativeError < 2e-7)
  }

  @Test("harmonic soft spheres: a closed-form pair")
  func closedFormPair() {
    // Two discs of σ = 1 at distance 0.8 across the periodic boundary: overlap 0.2,
    // U = ε/2·0.2² = 0.02, |F| = ε·0.2 = 0.2 pushing them apart.
    let box = PeriodicBox<TwoDimensions, Double>(side: 5)
    let system = PairInteraction(boundary: box, potential: SoftSphere<Double>(),
                                 diameters: ParticleDiameters([1.0, 1.0]))
    let positions = [0.3, 2.0, 4.5, 2.0]
    var forces = [Double]()
    let energy = system.forces(positions, neighbours: .allPairs(particleCount: 2), into: &forces)
    #expect(abs(energy - 0.02) < 1e-15)
    #expect(abs(forces[0] - 0.2) < 1e-14 && abs(forces[2] + 0.2) < 1e-14)
    #expect(forces[1] == 0 && forces[3] == 0)
  }

  @Test("dual positions give the Hessian-vector product: tangent of the forces = −H·v")
  func hessianVectorProduct() {
    let positions = jitteredLattice(TwoDimensions.self, perSide: 5, spacing: 0.9, jitter: 0.2, seed: 11)
    let count = positions.count / 2
    let species = bidisperseSpecies(count)
    let system = PairInteraction(boundary: PeriodicBox<TwoDimensions, Double>(side: 4.5),
                                 potential: SoftSphere<Double>(alpha: 2.5),
                                 diameters: SpeciesPairDiameters(species: species, speciesDiameters: [1.0, 1.2]))
    let dualSystem = PairInteraction(
      boundary: PeriodicBox<TwoDimensions, Dual<Double>>(side: Dual(constant: 4.5)),
      potential: SoftSphere<Dual<Double>>(alpha: 2.5),
      diameters: SpeciesPairDiameters(species: species, speciesDiameters: [Dual(constant: 1.0), Dual(constant: 1.2)]))
    var generator = SeededGenerator(seed: 5)
    let direction = positions.map { _ in generator.nextStandardNormal() }
    let all = NeighbourList.allPairs(particleCount: count)
    var dualForces = [Dual<Double>]()
    dualSystem.forces(zip(positions, direction).map { Dual($0, tangent: $1) }, neighbours: all, into: &dualForces)
    // Reference: central difference of the forces along v.
    let h = 1e-6
    var plus = [Double](), minus = [Double]()
    system.forces(zip(positions, direction).map { $0 + h * $1 }, neighbours: all, into: &plus)
    system.forces(zip(positions, direction).map { $0 - h * $1 }, neighbours: all, into: &minus)
    let reference = zip(plus, minus).map { ($0 - $1) / (2 * h) }
    #expect(relativeMaxDifference(dualForces.map(\.tangent), reference) < 1e-7)
  }
}

@Suite("Truncated potentials vanish smoothly at the cutoff")
struct CutoffTests {
  @Test("Lennard-Jones and Morse: energy and force → 0 as r → r_c, and the well sits where it should")
  func forceShifted() {
    let lennardJones = LennardJones<Double>(epsilon: 1.5, cutoffRatio: 2.5)
    let morse = Morse<Double>(epsilon: 0.7, alpha: 4, cutoffRatio: 2.0)
    let σ = 1.2
    for (name, cutoff, sample) in [
      ("lennard-jones", 2.5 * σ, { (r: Double) in lennardJones.energyAndSlope(distance: r, diameter: σ) }),
      ("morse", 2.0 * σ, { (r: Double) in morse.energyAndSlope(distance: r, diameter: σ) }),
    ] as [(String, Double, (Double) -> (energy: Double, slope: Double))] {
      let justInside = sample(cutoff * (1 - 1e-9))
      #expect(abs(justInside.energy) < 1e-12, "\(name): U(r_c⁻) = \(justInside.energy)")
      #expect(abs(justInside.slope) < 1e-9, "\(name): U'(r_c⁻) = \(justInside.slope)")
      #expect(sample(cutoff).energy == 0 && sample(cutoff).slope == 0)
    }
    // The Morse well is at r = σ up to the small tilt of the force shift: U'(σ) = −ε φ'(x_c)/σ.
    let atWell = morse.energyAndSlope(distance: σ, diameter: σ)
    let decay = exp(-4.0 * (2.0 - 1))
    let shapeSlopeAtCutoff = 2 * (1 - decay) * 4 * decay
    #expect(abs(atWell.slope + 0.7 * shapeSlopeAtCutoff / σ) < 1e-14)
  }
}

@Suite("Per-pair stiffness blocks")
struct PairStiffnessTests {
  func check<D: SpatialDimension, P: PairPotential>(_: D.Type, _ potential: P, spacing: Double) where P.Scalar == Double {
    let perSide = D.count == 3 ? 4 : 6
    let positions = jitteredLattice(D.self, perSide: perSide, spacing: spacing, jitter: 0.2, seed: 17)
    let count = positions.count / D.count
    let species = bidisperseSpecies(count)
    let box = Double(perSide) * spacing
    let interaction = PairInteraction(boundary: PeriodicBox<D, Double>(side: box), potential: potential,
                                      diameters: SpeciesPairDiameters(species: species, speciesDiameters: [1.0, 1.2]),
                                      threads: 2)
    var list = NeighbourList(skin: 0.3)
    interaction.updateNeighbours(&list, positions: positions)
    let stiffness = PairStiffness<D>(interaction, positions: positions, neighbours: list)
    var generator = SeededGenerator(seed: 2)
    let v = positions.map { _ in generator.nextStandardNormal() }
    var product = [Double]()
    stiffness.hessianVectorProduct(v, into: &product)
    // Reference: −(tangent of the forces) on dual positions through the force loop.
    let dual = PairInteraction(
      boundary: PeriodicBox<D, Dual<Double>>(side: Dual(constant: box)),
      potential: DualLift(potential),
      diameters: SpeciesPairDiameters(species: species, speciesDiameters: [Dual(constant: 1.0), Dual(constant: 1.2)]))
    var forces = [Dual<Double>]()
    dual.forces(zip(positions, v).map { Dual($0, tangent: $1) }, neighbours: list, into: &forces)
    #expect(relativeMaxDifference(product, forces.map { -$0.tangent }) < 1e-12)
  }

  @Test("H·v from the blocks equals the dual-number force loop, every potential, 2D and 3D")
  func agreesWithDualForces() {
    check(TwoDimensions.self, SoftSphere<Double>(alpha: 2), spacing: 0.9)
    check(ThreeDimensions.self, SoftSphere<Double>(alpha: 2.5), spacing: 0.9)
    check(TwoDimensions.self, LennardJones<Double>(cutoffRatio: 2.0), spacing: 1.1)
    check(ThreeDimensions.self, Morse<Double>(alpha: 4, cutoffRatio: 2.0), spacing: 1.1)
  }

  @Test("only pairs within the cutoff keep a block: a wider skin lists more pairs, not more blocks, and gives the same H·v and diagonal, 2D and 3D")
  func onlyInteractingPairs() {
    func check<D: SpatialDimension>(_: D.Type) {
      let perSide = D.count == 3 ? 5 : 8
      let side = Double(perSide) * 0.9
      let positions = jitteredLattice(D.self, perSide: perSide, spacing: 0.9, jitter: 0.2, seed: 5)
      let count = positions.count / D.count
      let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.2])
      let interaction = PairInteraction(boundary: PeriodicBox<D, Double>(side: side), potential: SoftSphere<Double>(),
                                        diameters: diameters)
      var narrow = NeighbourList(skin: 0.05), wide = NeighbourList(skin: 0.6)
      interaction.updateNeighbours(&narrow, positions: positions)
      interaction.updateNeighbours(&wide, positions: positions)
      // Brute force over all pairs: closer than σᵢⱼ (the harmonic cutoff), nearest image by rounding.
      var interacting = 0
      for i in 0..<count {
        for j in (i + 1)..<count {
          var squared = 0.0
          for k in 0..<D.count {
            var d = positions[i * D.count + k] - positions[j * D.count + k]
            d -= side * (d / side).rounded()
            squared += d * d
          }
          if squared < diameters.diameter(i, j) * diameters.diameter(i, j) { interacting += 1 }
        }
      }
      #expect(interacting > 0 && wide.pairCount > 2 * interacting, "\(D.count)D: the wide skin lists many pairs out of reach")
      let fromNarrow = PairStiffness<D>(interaction, positions: positions, neighbours: narrow)
      let fromWide = PairStiffness<D>(interaction, positions: positions, neighbours: wide)
      #expect(fromWide.partners.count == interacting && fromNarrow.partners.count == interacting, "\(D.count)D")
      #expect(fromWide.blocks.count == interacting * D.count * D.count, "\(D.count)D")
      var generator = SeededGenerator(seed: 8)
      let v = positions.map { _ in generator.nextStandardNormal() }
      var productNarrow = [Double](), productWide = [Double]()
      fromNarrow.hessianVectorProduct(v, into: &productNarrow)
      fromWide.hessianVectorProduct(v, into: &productWide)
      #expect(relativeMaxDifference(productWide, productNarrow) < 1e-14, "\(D.count)D")
      #expect(relativeMaxDifference(fromWide.diagonal, fromNarrow.diagonal) < 1e-14, "\(D.count)D")
    }
    check(TwoDimensions.self)
    check(ThreeDimensions.self)
  }
}

@Suite("The Hessian diagonal from the stiffness blocks")
struct StiffnessDiagonalTests {
  /// Hₖₖ column by column: the k-th component of −dF/dε at x + ε·eₖ, the force loop on dual numbers.
  func check<D: SpatialDimension, P: PairPotential>(_: D.Type, _ potential: P, spacing: Double) where P.Scalar == Double {
    let perSide = D.count == 3 ? 3 : 5
    let positions = jitteredLattice(D.self, perSide: perSide, spacing: spacing, jitter: 0.2, seed: 23)
    let count = positions.count / D.count
    let species = bidisperseSpecies(count)
    let box = Double(perSide) * spacing
    let interaction = PairInteraction(boundary: PeriodicBox<D, Double>(side: box), potential: potential,
                                      diameters: SpeciesPairDiameters(species: species, speciesDiameters: [1.0, 1.2]))
    var list = NeighbourList(skin: 0.3)
    interaction.updateNeighbours(&list, positions: positions)
    let diagonal = PairStiffness<D>(interaction, positions: positions, neighbours: list).diagonal

    let dual = PairInteraction(
      boundary: PeriodicBox<D, Dual<Double>>(side: Dual(constant: box)),
      potential: DualLift(potential),
      diameters: SpeciesPairDiameters(species: species, speciesDiameters: [Dual(constant: 1.0), Dual(constant: 1.2)]))
    var forces = [Dual<Double>]()
    let reference = positions.indices.map { k in
      dual.forces(positions.indices.map { Dual(positions[$0], tangent: $0 == k ? 1 : 0) }, neighbours: list, into: &forces)
      return -forces[k].tangent
    }
    #expect(reference.contains { $0 != 0 }, "the configuration must have interacting pairs")
    #expect(relativeMaxDifference(diagonal, reference) < 1e-14, "\(P.self) in \(D.count)D")
  }

  @Test("diag(H) = Σⱼ diag(Kᵢⱼ) equals the diagonal of the dense Hessian, 2D and 3D")
  func agreesWithDenseHessian() {
    check(TwoDimensions.self, SoftSphere<Double>(alpha: 2), spacing: 0.9)
    check(ThreeDimensions.self, SoftSphere<Double>(alpha: 2.5), spacing: 0.9)
    check(TwoDimensions.self, LennardJones<Double>(cutoffRatio: 2.0), spacing: 1.1)
    check(ThreeDimensions.self, Morse<Double>(alpha: 4, cutoffRatio: 2.0), spacing: 1.1)
  }
}

/// A Double-parameter potential evaluated with its parameters lifted into dual numbers.
struct DualLift<Base: PairPotential>: PairPotential where Base.Scalar == Double {
  typealias Scalar = Dual<Double>
  let base: Base
  init(_ base: Base) { self.base = base }
  var cutoffRatio: Double { base.cutoffRatio }
  func energy<T: RealScalar>(distance r: T, diameter σ: T, lift: (Dual<Double>) -> T) -> T {
    base.energy(distance: r, diameter: σ, lift: { lift(Dual(constant: $0)) })
  }
}

@Suite("Tabulated inverse diameters")
struct InverseDiameterTests {
  /// The pair loop takes 1/σᵢⱼ from the species table instead of dividing; the forces must be those
  /// of the rule that divides (one diameter per particle, the same σᵢⱼ), bit for bit, and the table
  /// must follow edits of σ.
  @Test("1/σ from the species table gives the forces of dividing by σ, bit for bit, and follows edits")
  func tableMatchesDivision() {
    let count = 300, side = 14.0
    let positions = uniformPositions(count: count, dimension: 2, side: side, seed: 21)
    let species = bidisperseSpecies(count)
    var bySpecies = SpeciesPairDiameters<Double>(species: species, speciesDiameters: [1.0, 1.4])
    let box = PeriodicBox<TwoDimensions, Double>(side: side)
    func forces<R: InteractionDiameters>(_ diameters: R) -> [Double] where R.Scalar == Double {
      let system = PairInteraction(boundary: box, potential: SoftSphere<Double>(alpha: 2.5), diameters: diameters,
                                   threads: 1)
      var result = [Double]()
      system.forces(positions, neighbours: .allPairs(particleCount: count), into: &result)
      return result
    }
    let reference = forces(ParticleDiameters(species.map { [1.0, 1.4][$0] }))
    #expect(reference.contains { $0 != 0 })
    #expect(forces(bySpecies) == reference)
    // Additive mixing is exact for these values, so the edited table is again one of per-particle diameters.
    bySpecies.table = [1.25, 1.5, 1.5, 1.75]
    #expect(bySpecies.inverseDiameter(0, count - 1) == 1 / 1.5)  // species 0 and 1
    #expect(forces(bySpecies) == forces(ParticleDiameters(species.map { [1.25, 1.75][$0] })))
  }
}

@Suite("Soft-sphere prefactor")
struct SoftSpherePrefactorTests {
  /// ε/α is stored, not divided out for every pair; editing ε or α must give the energies of a
  /// potential constructed with the new values, bit for bit.
  @Test("editing ε and α after construction gives the energies of constructing with them, bit for bit")
  func editsFollow() {
    var potential = SoftSphere<Double>(epsilon: 1, alpha: 2)
    potential.epsilon = 1.7
    potential.alpha = 2.5
    let fresh = SoftSphere<Double>(epsilon: 1.7, alpha: 2.5)
    for r in stride(from: 0.05, to: 1.4, by: 0.05) {
      let edited = potential.energy(distance: r, diameter: 1.4, lift: { $0 })
      #expect(edited == fresh.energy(distance: r, diameter: 1.4, lift: { $0 }))
      let closedForm = 1.7 / 2.5 * Foundation.pow(1 - r / 1.4, 2.5)
      #expect(abs(edited - closedForm) <= 1e-14 * closedForm)
    }
  }
}

/// A potential as its own type, without its specialised form: the force loop runs its general pair
/// energy.
struct Unspecialised<Base: PairPotential>: PairPotential {
  typealias Scalar = Base.Scalar
  let base: Base
  var cutoffRatio: Double { base.cutoffRatio }
  func energy<T: RealScalar>(distance r: T, diameter σ: T, lift: (Scalar) -> T) -> T {
    base.energy(distance: r, diameter: σ, lift: lift)
  }
  func energy<T: RealScalar>(distance r: T, diameter σ: T, inverseDiameter: Double, lift: (Scalar) -> T) -> T {
    base.energy(distance: r, diameter: σ, inverseDiameter: inverseDiameter, lift: lift)
  }
}

@Suite("Harmonic soft spheres in their own type")
struct HarmonicSoftSphereTests {
  /// The force loop runs on `SoftSphere.Harmonic` when α = 2 is a constant: only then, and to the same bits.
  @Test("only a constant α = 2 has the harmonic form; its pair energies are the soft sphere's, bit for bit")
  func specialisedOnlyForConstantTwo() throws {
    #expect(SoftSphere<Double>(alpha: 2.5).specialised == nil)
    #expect(SoftSphere<Dual<Double>>(alpha: Dual(2, tangent: 1)).specialised == nil, "α carries a derivative")
    let seededEpsilon = SoftSphere<Dual<Double>>(epsilon: Dual(1.3, tangent: 1), alpha: 2)
    let harmonicSeeded = try #require(seededEpsilon.specialised)
    let harmonic = try #require(SoftSphere<Double>(epsilon: 1.3, alpha: 2).specialised)
    for r in stride(from: 0.05, to: 1.4, by: 0.05) {
      let distance = Dual(r, tangent: 1)
      let plain = SoftSphere<Double>(epsilon: 1.3, alpha: 2)
        .energy(distance: distance, diameter: Dual(constant: 1.4), lift: { Dual(constant: $0) })
      let specialised = harmonic.energy(distance: distance, diameter: Dual(constant: 1.4), lift: { Dual(constant: $0) })
      #expect(specialised.value == plain.value && specialised.tangent == plain.tangent)
      // ε seeded: ∂U/∂ε = U/ε, through the general formula.
      let seeded = seededEpsilon.energy(distance: Dual(constant: r), diameter: 1.4, lift: { $0 })
      let specialisedSeeded = harmonicSeeded.energy(distance: Dual(constant: r), diameter: 1.4, lift: { $0 })
      #expect(seeded.value == specialisedSeeded.value && seeded.tangent == specialisedSeeded.tangent)
    }
  }

  /// The serial loop evaluates the harmonic form on every stored pair and masks those beyond the
  /// cutoff; only a potential finite there may be evaluated so.
  @Test("only the harmonic form is evaluated beyond the cutoff, where it is finite")
  func finiteBeyondCutoff() throws {
    #expect(SoftSphere<Double>.Harmonic.isFiniteBeyondCutoff)
    #expect(!SoftSphere<Double>.isFiniteBeyondCutoff, "a general α takes pow of a negative overlap there")
    #expect(!LennardJones<Double>.isFiniteBeyondCutoff)
    #expect(!Unspecialised<SoftSphere<Double>>.isFiniteBeyondCutoff)
    let harmonic = try #require(SoftSphere<Double>(epsilon: 1.3, alpha: 2).specialised)
    for r in stride(from: 1.4, through: 6, by: 0.1) {
      let u = harmonic.energy(distance: Dual(r, tangent: 1), diameter: Dual(constant: 1.4), inverseDiameter: 1 / 1.4,
                              lift: { Dual(constant: $0) })
      #expect(u.value.isFinite && u.tangent.isFinite)
    }
  }

  @Test("pairs held in the list only by its skin add exactly nothing in the masked loop, 2D and 3D")
  func skinPairsAddNothing() {
    func check<D: SpatialDimension>(_: D.Type) {
      // Two small and one large particle on a line: 1.15 and 1.3 apart, beyond σ = 1 and 1.2 but within
      // the skin of 0.5, so both pairs are stored; the pair 2.45 apart (σ = 1.2) is beyond the reach.
      var positions = [Double](repeating: 5, count: 3 * D.count)
      positions[0] = 2
      positions[D.count] = 3.15
      positions[2 * D.count] = 4.45
      let diameters = SpeciesPairDiameters<Double>(species: [0, 0, 1], speciesDiameters: [1.0, 1.4])
      let interaction = PairInteraction(boundary: PeriodicBox<D, Double>(side: 10), potential: SoftSphere<Double>(),
                                        diameters: diameters, threads: 1)
      var neighbours = NeighbourList(skin: 0.5)
      interaction.updateNeighbours(&neighbours, positions: positions)
      #expect(neighbours.neighbours.count == 2, "both skin pairs stored")
      var forces = [Double]()
      let energy = interaction.forces(positions, neighbours: neighbours, into: &forces)
      #expect(energy == 0 && forces.allSatisfy { $0 == 0 })
      // One pair brought within reach: its closed form, the other still nothing.
      positions[D.count] = 2.9
      interaction.updateNeighbours(&neighbours, positions: positions)
      let overlapping = interaction.forces(positions, neighbours: neighbours, into: &forces)
      #expect(abs(overlapping - 0.5 * 0.1 * 0.1) < 1e-15)
      #expect(abs(forces[0] + 0.1) < 1e-14 && abs(forces[D.count] - 0.1) < 1e-14 && forces[2 * D.count] == 0)
    }
    check(TwoDimensions.self)
    check(ThreeDimensions.self)
  }

  @Test("the force loop on the harmonic form gives the general loop's forces and energy, bit for bit, 2D and 3D, one and two threads",
        arguments: [1, 2])
  func forceLoopUnchanged(threads: Int) {
    func check<D: SpatialDimension>(_: D.Type, count: Int, side: Double) {
      let positions = uniformPositions(count: count, dimension: D.count, side: side, seed: 8)
      let diameters = SpeciesPairDiameters<Double>(species: bidisperseSpecies(count), speciesDiameters: [1.0, 1.4])
      let box = PeriodicBox<D, Double>(side: side)
      let potential = SoftSphere<Double>(epsilon: 1.1, alpha: 2)
      let specialised = PairInteraction(boundary: box, potential: potential, diameters: diameters, threads: threads)
      let general = PairInteraction(boundary: box, potential: Unspecialised(base: potential), diameters: diameters,
                                    threads: threads)
      var neighbours = NeighbourList(skin: 0.3)
      specialised.updateNeighbours(&neighbours, positions: positions)
      var (expected, actual) = ([Double](), [Double]())
      let expectedEnergy = general.forces(positions, neighbours: neighbours, into: &expected)
      let energy = specialised.forces(positions, neighbours: neighbours, into: &actual)
      #expect(expected.contains { $0 != 0 })
      #expect(actual == expected && energy == expectedEnergy)
    }
    check(TwoDimensions.self, count: 6000, side: 72)
    check(ThreeDimensions.self, count: 6000, side: 17)
  }
}
