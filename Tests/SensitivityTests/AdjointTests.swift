import Foundation
import Minimization
import Sensitivity
import Simulation
import Models
import ImplicitDifferentiation
import Testing

@Suite("Adjoint gradients with respect to every particle's diameter")
struct AdjointTests {
  /// d obs/d dₖ by central differences: re-minimise with dₖ ± h from x* (box held).
  static func finiteDifference(model: ParticleModel, positions: [Double], observable: MinimumObservable,
                               particle: Int, step: Double) -> Double {
    guard case .particles(let diameters) = model.diameters else { return .nan }
    var values = [Double]()
    for sign in [1.0, -1.0] {
      var shifted = model
      var changed = diameters
      changed[particle] += sign * step
      shifted.diameters = .particles(changed)
      let result = try! shifted.minimize(from: positions, using: MinimizerChoice(FIRE(forceTolerance: 1e-14, maximumSteps: 100_000), largestDiameter: shifted.largestDiameter))
      switch observable {
      case .energy: values.append(result.energy)
      case .position(let p, let c):
        var coordinate = result.positions[p * 2 + c]
        let original = positions[p * 2 + c]
        coordinate -= model.boxEdges[c] * ((coordinate - original) / model.boxEdges[c]).rounded()
        values.append(coordinate)
      case .meanSquareDisplacement(let reference):
        var sum = 0.0
        for index in reference.indices {
          var d = result.positions[index] - reference[index]
          d -= model.boxEdges[index % 2] * (d / model.boxEdges[index % 2]).rounded()
          sum += d * d
        }
        values.append(sum / Double(model.particleCount))
      }
    }
    return (values[0] - values[1]) / (2 * step)
  }

  /// Seed 1: no rattlers (seed 3's minimum has one, which re-minimisation kicks: the MSD then
  /// measures its drift and the backbone recoils, moving every position observable).
  @Test("energy, a particle's position and the MSD: adjoint = FD for several particles")
  func agreesWithFiniteDifferences() throws {
    let model = SmallSystems.bidisperse()
    let minimum = SmallSystems.minimum(of: model, seed: 1)
    try #require(minimum.converged)
    let contacts = model.contactNetwork(at: minimum.positions).contactNumbers
    try #require(contacts.allSatisfy { $0 >= 3 }, "a well-posed fixture has no rattlers: \(contacts)")
    let reference = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: 99)
    let observables: [MinimumObservable] = [.energy, .position(particle: 5, component: 1),
                                            .meanSquareDisplacement(reference: reference)]
    for observable in observables {
      let adjoint = try AdjointGradient.compute(model: model, positions: minimum.positions, observable: observable)
      #expect(adjoint.gradient.count == model.particleCount)
      let scale = adjoint.gradient.map(abs).max()!
      for particle in [0, 5, 17, 30] where !adjoint.rattlers.contains(particle) {
        let fd = Self.finiteDifference(model: model, positions: minimum.positions, observable: observable,
                                       particle: particle, step: 1e-5)
        let error = abs(adjoint.gradient[particle] - fd) / scale
        print("\(String(describing: observable).prefix(30)): particle \(particle) adjoint \(adjoint.gradient[particle]) FD \(fd) error \(error)")
        #expect(error < 1e-5, "\(observable), particle \(particle): adjoint \(adjoint.gradient[particle]) vs FD \(fd)")
      }
    }
  }

  @Test("summing the per-particle gradient over a species gives the forward species-diameter sensitivity")
  func matchesForwardMode() throws {
    let speciesModel = SmallSystems.bidisperseSpecies()
    let model = try speciesModel.withParticleDiameters()
    let minimum = SmallSystems.minimum(of: model, seed: 3)
    try #require(minimum.converged)
    let forward = try ImplicitSensitivity.compute(model: speciesModel, positions: minimum.positions,
                                                  parameter: .speciesDiameter(1), holding: .box,
                                                  options: ImplicitOptions(solver: SolverChoice(tolerance: 1e-12)))
    let particle = 7
    let adjoint = try AdjointGradient.compute(model: model, positions: minimum.positions,
                                              observable: .position(particle: particle, component: 0),
                                              options: ImplicitOptions(solver: SolverChoice(tolerance: 1e-12)))
    let summed = (16..<32).reduce(0.0) { $0 + adjoint.gradient[$1] }
    #expect(abs(summed - forward.physical[particle * 2]) < 1e-8 * max(1, abs(summed)),
            "adjoint \(summed) vs forward \(forward.physical[particle * 2])")
    // Energy: dE/dθ = ∂E/∂θ at a minimum (the implicit term vanishes with the force).
    let energy = try AdjointGradient.compute(model: model, positions: minimum.positions, observable: .energy)
    let implicitPart = zip(energy.gradient, energy.explicitPart).map { abs($0 - $1) }.max()!
    #expect(implicitPart < 1e-10)
  }

  /// Issue 12, item 6: `sensitivity` succeeded where `gradient` failed (BiCGSTAB stagnating at a
  /// relative residual of 10⁶–10³⁴, the dense solver reporting a singular matrix) on 3D Lennard-Jones
  /// minima that are droplets: each cluster of the backbone translates, and a droplet also rotates,
  /// at no cost in energy. B is orthogonal to those zero modes, ∂obs/∂R is not, so the adjoint needs
  /// them projected out exactly as the global translations are. Here a dilute glass former (80:20,
  /// diameters 1.0 / 0.88, number density 0.06: one or more droplets and rattlers) and a dense one
  /// (density 1.2, a single cluster wrapping around the box), each small enough for a debug build:
  /// with every solver the adjoint must succeed where the forward solve does and agree with it,
  /// Σ_{k ∈ A} d obs/d dₖ = (∂obs/∂R)·dR/dσ_A.
  @Test("3D Lennard-Jones droplets and a dense glass: the adjoint succeeds where the forward solve does and agrees with it",
        arguments: [(count: 30, density: 0.06, cutoff: 2.5), (count: 50, density: 1.2, cutoff: 1.5)])
  func lennardJonesAdjointMatchesForward(system: (count: Int, density: Double, cutoff: Double)) throws {
    let speciesA = system.count * 4 / 5
    let side = pow(Double(system.count) / system.density, 1.0 / 3)
    let speciesModel = ParticleModel(
      dimension: 3, boxEdges: [side, side, side], potential: .lennardJones(epsilon: 1, cutoff: system.cutoff),
      diameters: .species(species: (0..<system.count).map { $0 < speciesA ? 0 : 1 },
                          table: [[1.0, 0.94], [0.94, 0.88]]),
      threads: 1)
    let model = try speciesModel.withParticleDiameters()
    // FIRE as the system file's Lennard-Jones defaults set it (a stiff well: short steps, bounded moves).
    var fire = FIRE(forceTolerance: 1e-12, maximumSteps: 200_000)
    fire.initialTimeStep = 0.005
    fire.maximumTimeStep = 0.02
    fire.maximumDisplacement = 0.1
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: 3)
    let minimum = try! model.minimize(from: start, using: MinimizerChoice(fire, largestDiameter: model.largestDiameter))
    try #require(minimum.converged)
    for method in [SolverChoice.Method.bicgstab, .dense] {
      let options = ImplicitOptions(solver: SolverChoice(method, tolerance: 1e-12), validate: false)
      let forward = try ImplicitSensitivity.compute(model: speciesModel, positions: minimum.positions,
                                                    parameter: .speciesDiameter(0), holding: .box, options: options)
      #expect(forward.validity?.root.solverStatus == .converged)
      let observed = (0..<system.count).filter { !forward.rattlers.contains($0) }
      for (particle, component) in [(observed[0], 0), (observed[observed.count / 2], 2), (observed.last!, 1)] {
        let adjoint = try AdjointGradient.compute(model: model, positions: minimum.positions,
                                                  observable: .position(particle: particle, component: component),
                                                  options: options)
        let summed = (0..<speciesA).reduce(0.0) { $0 + adjoint.gradient[$1] }
        let contracted = forward.physical[particle * 3 + component]
        #expect(abs(summed - contracted) < 1e-8 * max(1, abs(contracted)),
                "\(method) position:\(particle):\(component): adjoint \(summed) vs forward \(contracted)")
      }
      _ = try AdjointGradient.compute(model: model, positions: minimum.positions, observable: .energy, options: options)
    }
  }

  @Test("a species table that is not additive cannot become per-particle diameters")
  func nonAdditiveTable() {
    var model = SmallSystems.bidisperseSpecies()
    model.diameters = .species(species: [0, 1], table: [[1, 1.3], [1.3, 1.4]])
    #expect(throws: SensitivityError.self) { try model.withParticleDiameters() }
  }
}
