import Foundation
import Minimization
import Models
import Particles
import Testing

/// Relaxation of particles and cell to a target pressure: the enthalpy's gradients against finite
/// differences, crystals against their lattice constant in closed form, disordered packings against
/// the stress they end with, and the relaxation's fixed point against a fixed-box minimum.
@Suite("Cell relaxation to a target pressure")
struct CellRelaxationTests {
  static let harmonic = PotentialChoice.softSphere(epsilon: 1, alpha: 2)

  /// A triangular lattice of spacing a (6 × 6 sites) of harmonic discs of diameter 1.
  static func triangular(spacing a: Double) -> (model: ParticleModel, positions: [Double]) {
    let (columns, rows) = (6, 6)
    let height = 3.0.squareRoot() / 2 * a
    var positions = [Double]()
    for row in 0..<rows {
      for column in 0..<columns { positions += [(Double(column) + (row % 2 == 0 ? 0 : 0.5)) * a, Double(row) * height] }
    }
    let model = ParticleModel(dimension: 2, boxEdges: [Double(columns) * a, Double(rows) * height], potential: harmonic,
                              diameters: .particles([Double](repeating: 1, count: columns * rows)), threads: 1)
    return (model, positions)
  }

  /// A simple cubic lattice of spacing a (4 × 4 × 4 sites) of harmonic spheres of diameter 1.
  static func simpleCubic(spacing a: Double) -> (model: ParticleModel, positions: [Double]) {
    let n = 4
    var positions = [Double]()
    for i in 0..<n { for j in 0..<n { for k in 0..<n { positions += [Double(i) * a, Double(j) * a, Double(k) * a] } } }
    let model = ParticleModel(dimension: 3, boxEdges: [Double](repeating: Double(n) * a, count: 3), potential: harmonic,
                              diameters: .particles([Double](repeating: 1, count: n * n * n)), threads: 1)
    return (model, positions)
  }

  /// A bidisperse harmonic packing (half 1.0, half 1.4) at packing fraction φ, from a seeded start.
  static func bidisperse(dimension: Int, count: Int, packingFraction: Double, seed: UInt64)
    -> (model: ParticleModel, start: [Double]) {
    let diameters = (0..<count).map { $0 % 2 == 0 ? 1.0 : 1.4 }
    let volume = diameters.reduce(0) { $0 + ParticleModel.volume(ofDiameter: $1, dimension: dimension) }
    let side = Foundation.pow(volume / packingFraction, 1 / Double(dimension))
    let model = ParticleModel(dimension: dimension, boxEdges: [Double](repeating: side, count: dimension),
                              potential: harmonic, diameters: .particles(diameters), threads: 1)
    var state = seed
    let start = (0..<model.degreesOfFreedom).map { _ in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53) * side
    }
    return (model, start)
  }

  static func choice(_ kind: MinimizerChoice.Kind = .fire, tolerance: Double, largestDiameter: Double = 1.4)
    -> MinimizerChoice {
    var choice = MinimizerChoice(kind, potential: harmonic, largestDiameter: largestDiameter)
    choice.forceTolerance = tolerance
    choice.maximumSteps = 200_000
    return choice
  }

  @Test("−∂H/∂X and −∂H/∂c equal central differences of H = E + P·V, in a sheared start cell",
        arguments: [2, 3], CellRelaxation.Freedom.allCases)
  func gradientsAgreeWithFiniteDifferences(dimension: Int, freedom: CellRelaxation.Freedom) {
    for potential in [Self.harmonic, .lennardJones(epsilon: 1, cutoff: 2.5)] {
      var (model, start) = Self.bidisperse(dimension: dimension, count: 12, packingFraction: 0.5, seed: 3)
      model.potential = potential
      model.deformation = dimension == 2 ? [[1.05, 0.1], [0, 0.97]] : [[1.02, 0.05, 0.03], [0, 0.99, -0.04], [0, 0, 1.01]]
      if case .lennardJones = potential {
        model.diameters = .particles([Double](repeating: 0.5, count: model.particleCount))
      }
      let relaxation = CellRelaxation(pressure: 0.3, freedom: freedom, cellScale: 3)
      var landscape = EnthalpyLandscape(model: model, relaxation: relaxation, skin: 0.3)
      var x = landscape.coordinates(positions: start)
      // A cell away from G = I, so that G⁻ᵀ matters.
      for k in landscape.particleCoordinateCount..<x.count { x[k] *= 1.03 }
      x[landscape.particleCoordinateCount] += 0.02
      var forces = [Double]()
      _ = landscape.forces(at: x, into: &forces)
      let h = 1e-6
      var largest = 0.0
      var worst = 0.0
      for k in x.indices {
        var plus = x, minus = x
        plus[k] += h
        minus[k] -= h
        var unused = [Double]()
        let difference = (landscape.forces(at: plus, into: &unused) - landscape.forces(at: minus, into: &unused)) / (2 * h)
        largest = max(largest, abs(difference))
        worst = max(worst, abs(forces[k] + difference))
      }
      #expect(largest > 1e-3)
      #expect(worst <= 1e-6 * max(1, largest), "\(potential) \(freedom): \(worst) of \(largest)")
    }
  }

  @Test("a triangular crystal relaxes to the spacing a(P) = σ/(1 + Pσ²/(√3 ε)), from a strained and sheared cell",
        arguments: CellRelaxation.Freedom.allCases)
  func triangularCrystal(freedom: CellRelaxation.Freedom) throws {
    let pressure = 0.05
    let expected = 1 / (1 + pressure / 3.0.squareRoot())
    var (model, positions) = Self.triangular(spacing: 0.95)
    if freedom == .full { model.deformation = [[1.03, 0.04], [0, 0.98]] }
    let outcome = try model.relaxCell(from: positions, to: CellRelaxation(pressure: pressure, freedom: freedom),
                                      using: Self.choice(tolerance: 1e-12, largestDiameter: 1))
    #expect(outcome.converged)
    // Every nearest-neighbour distance is a(P): the cell's volume per particle (√3/2)a² and its shape.
    #expect(abs(outcome.model.boxVolume / Double(model.particleCount) - 3.0.squareRoot() / 2 * expected * expected) <= 1e-10)
    let edges = outcome.model.edgeVectors
    #expect(abs(edges[0][0] - 6 * expected) <= 1e-9, "\(edges)")
    #expect(abs(outcome.pressure - pressure) <= 1e-10)
    #expect(abs(outcome.stress[0][1]) <= 1e-10)
    #expect(outcome.maximumForce <= 1e-12)
    // Three contacts per particle, each of length a(P).
    let kernels = outcome.model.kernels()
    var contacts = 0
    kernels.forEachInteractingPair(outcome.positions, outcome.model.neighbourList(at: outcome.positions)) { pair in
      contacts += 1
      #expect(abs(pair.distance - expected) <= 1e-9)
    }
    #expect(contacts == 3 * model.particleCount)
  }

  @Test("a simple cubic crystal relaxes to the spacing of ε(1 − a/σ) = P σ a²", arguments: CellRelaxation.Freedom.allCases)
  func simpleCubicCrystal(freedom: CellRelaxation.Freedom) throws {
    let pressure = 0.1
    // Pσ a² + (ε/σ) a − ε = 0 with σ = ε = 1.
    let expected = (-1 + (1 + 4 * pressure).squareRoot()) / (2 * pressure)
    let (model, positions) = Self.simpleCubic(spacing: 0.97)
    let outcome = try model.relaxCell(from: positions, to: CellRelaxation(pressure: pressure, freedom: freedom),
                                      using: Self.choice(tolerance: 1e-12, largestDiameter: 1))
    #expect(outcome.converged)
    for a in 0..<3 { #expect(abs(outcome.model.edgeVectors[a][a] - 4 * expected) <= 1e-10) }
    #expect(abs(outcome.pressure - pressure) <= 1e-10)
  }

  @Test("a disordered packing relaxed with the full cell has p = P, zero shear stress and no force",
        arguments: [(2, MinimizerChoice.Kind.fire), (2, .fire2)])
  func disorderedPacking(dimension: Int, kind: MinimizerChoice.Kind) throws {
    let pressure = 0.02
    let (model, start) = Self.bidisperse(dimension: dimension, count: dimension == 2 ? 32 : 24, packingFraction: 0.8,
                                         seed: 11)
    let outcome = try model.relaxCell(from: start, to: CellRelaxation(pressure: pressure, freedom: .full),
                                      using: Self.choice(kind, tolerance: 1e-10))
    #expect(outcome.converged, "\(outcome.stopReason) after \(outcome.steps)")
    // Measured afresh on the relaxed model, not taken from the minimiser.
    let stress = outcome.model.stress(at: outcome.positions)
    let forces = outcome.model.forces(at: outcome.positions).forces
    #expect(abs(ParticleModel.pressure(of: stress) - pressure) <= 1e-9)
    for a in 0..<dimension {
      for b in 0..<dimension where a != b { #expect(abs(stress[a][b]) <= 1e-9) }
      #expect(abs(stress[a][a] + pressure) <= 1e-9)
    }
    #expect(forces.allSatisfy { abs($0) <= 1e-10 })
    #expect(outcome.stressResidual <= 1e-9)
  }

  @Test("a packing minimised in a fixed box at pressure p, relaxed at target p, stays where it is")
  func fixedBoxMinimumIsAFixedPoint() throws {
    let (model, start) = Self.bidisperse(dimension: 2, count: 32, packingFraction: 0.9, seed: 5)
    let minimum = try model.minimize(from: start, using: Self.choice(tolerance: 1e-13))
    let pressure = model.pressure(at: minimum.positions)
    #expect(pressure > 0.01)
    let outcome = try model.relaxCell(from: minimum.positions, to: CellRelaxation(pressure: pressure),
                                      using: Self.choice(tolerance: 1e-14))
    #expect(outcome.converged)
    for a in 0..<2 { #expect(abs(outcome.model.boxEdges[a] / model.boxEdges[a] - 1) <= 1e-12) }
    #expect(zip(outcome.positions, minimum.positions).allSatisfy { abs($0 - $1) <= 1e-10 })
    #expect(abs(outcome.pressure - pressure) <= 1e-12)
  }

  @Test("numbering the particles cell by cell (large systems) gives the same relaxed cell and positions")
  func cellOrderChangesNothing() throws {
    let (model, start) = Self.bidisperse(dimension: 2, count: 32, packingFraction: 0.9, seed: 5)
    let minimum = try model.minimize(from: start, using: Self.choice(tolerance: 1e-13))
    let target = CellRelaxation(pressure: 1.2 * model.pressure(at: minimum.positions))
    let plain = try model.relaxCell(from: minimum.positions, to: target, using: Self.choice(tolerance: 1e-12))
    let ordered = try model.relaxCell(from: minimum.positions, to: target, using: Self.choice(tolerance: 1e-12),
                                      reorderingFrom: 1)
    #expect(plain.converged && ordered.converged)
    #expect(ordered.model.diameters == model.diameters)
    #expect(abs(ordered.model.boxEdges[0] - plain.model.boxEdges[0]) <= 1e-9)
    #expect(zip(ordered.positions, plain.positions).allSatisfy { abs($0 - $1) <= 1e-7 })
    #expect(abs(ordered.energy - plain.energy) <= 1e-10)
  }

  /// FIRE is not monotone in H (its inertia carries it uphill until the power turns negative), so
  /// the end state is tested instead: H(λ) = min over positions of E + P·V in the relaxed cell
  /// scaled by λ is smallest at λ = 1, with each side re-minimised in a fixed box.
  @Test("the relaxed cell minimises the enthalpy: scaling it either way and re-minimising raises H")
  func relaxedCellMinimisesEnthalpy() throws {
    let pressure = 0.05
    let (model, start) = Self.bidisperse(dimension: 2, count: 32, packingFraction: 0.85, seed: 9)
    let outcome = try model.relaxCell(from: start, to: CellRelaxation(pressure: pressure),
                                      using: Self.choice(tolerance: 1e-12))
    #expect(outcome.converged)
    #expect(outcome.frames.first!.energy + pressure * model.boxVolume > outcome.enthalpy)
    #expect(abs(outcome.enthalpy - (outcome.energy + pressure * outcome.model.boxVolume)) <= 1e-12)
    for scale in [0.999, 1.001] {
      var scaled = outcome.model
      scaled.boxEdges = scaled.boxEdges.map { $0 * scale }
      let minimum = try scaled.minimize(from: outcome.positions.map { $0 * scale }, using: Self.choice(tolerance: 1e-12))
      #expect(minimum.energy + pressure * scaled.boxVolume > outcome.enthalpy)
    }
  }

  @Test("impossible targets are refused with a message")
  func refusals() {
    let (model, start) = Self.bidisperse(dimension: 2, count: 16, packingFraction: 0.8, seed: 1)
    let choice = Self.choice(tolerance: 1e-10)
    #expect(throws: ModelError.self) { try model.relaxCell(from: start, to: CellRelaxation(pressure: -0.1), using: choice) }
    #expect(throws: ModelError.self) { try model.relaxCell(from: start, to: CellRelaxation(pressure: .nan), using: choice) }
    #expect(throws: ModelError.self) {
      try model.relaxCell(from: start, to: CellRelaxation(pressure: 0.1, cellScale: 0), using: choice)
    }
    var free = model
    free.periodic = false
    #expect(throws: ModelError.self) { try free.relaxCell(from: start, to: CellRelaxation(pressure: 0.1), using: choice) }
    // Lennard-Jones can hold a tension: a negative target is accepted.
    var attractive = model
    attractive.potential = .lennardJones(epsilon: 1, cutoff: 2.5)
    #expect(throws: Never.self) { try CellRelaxation(pressure: -0.1).check(for: attractive) }
  }
}
