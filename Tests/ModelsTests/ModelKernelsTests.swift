import DualNumbers
import Minimization
import Models
import Particles
import Testing

/// The one dispatch point gives kernels that agree with each other: forces with the energy, the
/// Hessian product with the tangent of the forces, the diagonal with the product, in 2D and 3D,
/// periodic and free, for every potential and diameter rule.
@Suite("Model kernels")
struct ModelKernelsTests {
  static let potentials: [PotentialChoice] = [
    .softSphere(epsilon: 1, alpha: 2), .lennardJones(epsilon: 1, cutoff: 2.5), .morse(epsilon: 1, alpha: 5, cutoff: 2.5),
  ]

  static func model(dimension: Int, periodic: Bool, potential: PotentialChoice, perParticle: Bool) -> ParticleModel {
    let count = 12
    let species = (0..<count).map { $0 % 2 }
    let diameters: DiameterRule = perParticle
      ? .particles(species.map { $0 == 0 ? 1.0 : 1.3 })
      : .species(species: species, table: [[1.0, 1.15], [1.15, 1.3]])
    let side = dimension == 2 ? 3.6 : 2.6
    return ParticleModel(dimension: dimension, periodic: periodic, boxEdges: Array(repeating: side, count: dimension),
                         potential: potential, diameters: diameters, threads: 1)
  }

  static func positions(_ model: ParticleModel, seed: UInt64) -> [Double] {
    var state = seed
    return (0..<model.degreesOfFreedom).map { index in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53) * model.boxEdges[index % model.dimension]
    }
  }

  @Test("H·v equals −dF along v, and diag(H) equals the diagonal of the assembled H",
        arguments: [2, 3], [true, false])
  func hessianAgreesWithForces(dimension: Int, periodic: Bool) throws {
    for potential in Self.potentials {
      for perParticle in [false, true] {
        let model = Self.model(dimension: dimension, periodic: periodic, potential: potential, perParticle: perParticle)
        let x = Self.positions(model, seed: 7)
        let kernels = model.kernels()
        let neighbours = kernels.neighbourList(x, 0.3)
        let hessian = kernels.hessian(x, neighbours)
        var columns = [[Double]]()
        for column in 0..<model.degreesOfFreedom {
          var unit = [Double](repeating: 0, count: model.degreesOfFreedom)
          unit[column] = 1
          var product = [Double]()
          hessian(unit, into: &product)
          let tangent = kernels.seededForces(x, unit, neighbours).tangents
          let scale = max(1, product.map(abs).max()!)
          #expect(zip(product, tangent).allSatisfy { abs($0 + $1) <= 1e-12 * scale })
          columns.append(product)
        }
        for index in 0..<model.degreesOfFreedom {
          #expect(abs(hessian.diagonal[index] - columns[index][index]) <= 1e-12 * max(1, abs(columns[index][index])))
        }
      }
    }
  }

  @Test("The forces are minus the gradient of the energy (central differences)", arguments: [2, 3])
  func forcesAreTheEnergyGradient(dimension: Int) {
    // Random positions overlap: Lennard-Jones energies there are too large for a difference quotient.
    for potential in [PotentialChoice.softSphere(epsilon: 1, alpha: 2), .morse(epsilon: 1, alpha: 5, cutoff: 2.5)] {
      let model = Self.model(dimension: dimension, periodic: true, potential: potential, perParticle: false)
      let x = Self.positions(model, seed: 3)
      let kernels = model.kernels()
      let neighbours = kernels.neighbourList(x, 0.5)
      var forces = [Double]()
      _ = kernels.forces(x, neighbours, &forces)
      let h = 1e-6
      for index in stride(from: 0, to: x.count, by: 5) {
        var plus = x, minus = x
        plus[index] += h
        minus[index] -= h
        var unused = [Double]()
        let slope = (kernels.forces(plus, neighbours, &unused) - kernels.forces(minus, neighbours, &unused)) / (2 * h)
        #expect(abs(forces[index] + slope) <= 1e-5 * max(1, abs(slope)))
      }
    }
  }

  @Test("A seeded ε gives ∂F/∂ε = F/ε (forces are linear in ε)")
  func seededEpsilon() {
    let model = Self.model(dimension: 2, periodic: true, potential: .softSphere(epsilon: 2, alpha: 2), perParticle: false)
    let x = Self.positions(model, seed: 11)
    var tangent = ModelTangent()
    tangent.epsilon = 1
    let seeded = model.kernels(seeding: tangent)
    let neighbours = seeded.neighbourList(x, 0.3)
    let result = seeded.seededForces(x, [Double](repeating: 0, count: x.count), neighbours)
    for (force, derivative) in zip(result.forces, result.tangents) { #expect(abs(derivative - force / 2) <= 1e-14 * max(1, abs(force))) }
  }

  @Test("The one minimisation path: FIRE and gradient descent from the same start reach a minimum")
  func minimisationPath() throws {
    let model = Self.model(dimension: 2, periodic: true, potential: .softSphere(epsilon: 1, alpha: 2), perParticle: false)
    let start = Self.positions(model, seed: 5)
    var choice = MinimizerChoice(potential: model.potential, largestDiameter: model.largestDiameter)
    choice.forceTolerance = 1e-10
    let fire = try model.minimize(from: start, using: choice, recordEvery: 10)
    #expect(fire.converged)
    #expect(fire.frames.first?.step == 0 && fire.frames.last?.step == fire.steps)
    choice.kind = .gradientDescent
    choice.maximumSteps = 200
    let descent = try model.minimize(from: start, using: choice)
    #expect(descent.energy <= fire.frames[0].energy)
    #expect(throws: ModelError.self) { try model.minimize(from: [1, 2], using: choice) }
  }

  @Test("Permuting particles permutes the diameters with them")
  func permutation() {
    let model = Self.model(dimension: 2, periodic: true, potential: .softSphere(epsilon: 1, alpha: 2), perParticle: true)
    let order = Array((0..<model.particleCount).reversed())
    guard case .particles(let before) = model.diameters, case .particles(let after) = model.permuted(by: order).diameters
    else { Issue.record("per-particle diameters expected"); return }
    #expect(after == before.reversed())
    #expect(abs(model.permuted(by: order).particleVolume - model.particleVolume) < 1e-12)
  }
}
