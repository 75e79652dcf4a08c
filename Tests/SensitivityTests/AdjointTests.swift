import Foundation
import Minimization
import Sensitivity
import Simulation
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
      let result = shifted.minimize(from: positions, with: FIRE(forceTolerance: 1e-14, maximumSteps: 100_000))
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

  @Test("a species table that is not additive cannot become per-particle diameters")
  func nonAdditiveTable() {
    var model = SmallSystems.bidisperseSpecies()
    model.diameters = .species(species: [0, 1], table: [[1, 1.3], [1.3, 1.4]])
    #expect(throws: SensitivityError.self) { try model.withParticleDiameters() }
  }
}
