import Foundation
import Minimization
import Sensitivity
import Simulation
import Models
import ImplicitDifferentiation
import Testing

@Suite("Implicit against central finite differences")
struct FiniteDifferenceTests {
  /// FIRE converges from every seed on this system (in ~500–800 steps). Seeds 0 and 1 are
  /// rattler-free; seed 2 has one caged rattler (no contacts), removed by both methods.
  @Test("the paper's system: implicit = FD to 1e-5 (FIRE to 1e-12)", arguments: [0, 1, 2] as [UInt64])
  func paperSystem(seed: UInt64) throws {
    let model = try PaperReference.paperModel()
    let minimum = SmallSystems.minimum(of: model, seed: seed, tolerance: 1e-12)
    try #require(minimum.converged, "seed \(seed): \(minimum.stopReason.rawValue) after \(minimum.steps) steps")
    let implicit = try ImplicitSensitivity.compute(model: model, positions: minimum.positions,
                                                   parameter: .speciesDiameter(0))
    // A well-posed fixture: rattlers only with no contacts at all, and a positive definite reduced Hessian.
    let contacts = model.contactNetwork(at: minimum.positions).contactNumbers
    try #require(implicit.rattlers.allSatisfy { contacts[$0] == 0 }, "seed \(seed): rattlers \(implicit.rattlers)")
    try #require(implicit.validity!.root.singular == false && implicit.validity!.root.smallestEigenvalue! > 0)
    let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: minimum.positions,
                                                     parameter: .speciesDiameter(0), step: 1e-6)
    let report = try #require(fd.finiteDifference)
    let difference = relativeDifference(implicit.normalised, fd.normalised)
    let physical = relativeDifference(implicit.physical, fd.physical)
    print("seed \(seed): FIRE \(minimum.steps) steps; rattlers \(implicit.rattlers); implicit vs FD \(difference) (physical \(physical)); FD forces \(report.maximumForcePlus), \(report.maximumForceMinus), network unchanged \(report.networkUnchanged); L1 \(implicit.normalisedL1Norm); estimate \(implicit.validity!.root.errorEstimate.map { "\($0.relativeSensitivityError)" } ?? "-")")
    #expect(report.converged)
    #expect(report.networkUnchanged, "contacts changed: \(report.contactChangesPlus), \(report.contactChangesMinus)")
    #expect(difference < 1e-5)
    #expect(physical < 1e-5)
  }

  /// Seed 1: no rattlers, λ_min ≈ 0.037. (Seed 3's minimum has a rattler that touches its cage at
  /// zero force; RattlerTests compares that case on the backbone.)
  @Test("box held, small bidisperse packing: implicit = FD for a species diameter, alpha and the box length")
  func smallSystemParameters() throws {
    let model = SmallSystems.bidisperseSpecies()
    let minimum = SmallSystems.minimum(of: model, seed: 1)
    try #require(minimum.converged)
    let contacts = model.contactNetwork(at: minimum.positions).contactNumbers
    try #require(contacts.allSatisfy { $0 >= 3 }, "a well-posed fixture has no rattlers: \(contacts)")
    // x* moves little with α, so its step is larger to keep minimisation noise below 1e-5.
    for (parameter, held, step) in [(SensitivityParameter.speciesDiameter(1), HeldQuantity.box, 1e-6),
                                    (.alpha, .box, 1e-4), (.boxLength, .box, 1e-6),
                                    (.speciesDiameter(0), .packingFraction, 1e-6)] {
      let implicit = try ImplicitSensitivity.compute(model: model, positions: minimum.positions,
                                                     parameter: parameter, holding: held)
      let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: minimum.positions,
                                                       parameter: parameter, holding: held, step: step)
      let difference = relativeDifference(implicit.physical, fd.physical)
      print("\(parameter) \(held): implicit vs FD \(difference), rattlers \(implicit.rattlers), λmin \(implicit.validity!.root.smallestEigenvalue!)")
      #expect(implicit.rattlers.isEmpty && implicit.validity!.root.singular == false)
      #expect(fd.finiteDifference!.networkUnchanged)
      #expect(difference < 1e-5, "\(parameter): \(difference)")
    }
  }
}

@Suite("Three dimensions and more seeds")
struct MoreFiniteDifferenceTests {
  @Test("3D harmonic spheres at φ = 0.75: implicit = FD with the packing fraction held")
  func threeDimensions() throws {
    let count = 32
    let table = [[1.0, 1.2], [1.2, 1.4]]
    let volume = (0..<count).reduce(0.0) { sum, i in
      let d = i < count / 2 ? 1.0 : 1.4
      return sum + Double.pi * d * d * d / 6
    }
    let side = Foundation.pow(volume / 0.75, 1.0 / 3)
    let model = ParticleModel(dimension: 3, boxEdges: [side, side, side], potential: .softSphere(epsilon: 1, alpha: 2.5),
                              diameters: .species(species: (0..<count).map { $0 < count / 2 ? 0 : 1 }, table: table),
                              threads: 1)
    let minimum = SmallSystems.minimum(of: model, seed: 5)
    try #require(minimum.converged, "\(minimum.stopReason.rawValue)")
    let implicit = try ImplicitSensitivity.compute(model: model, positions: minimum.positions,
                                                   parameter: .speciesDiameter(0), holding: .packingFraction)
    // λ_min ≈ 0.002 here: at h = 1e-6 re-minimisation noise (~F_tol/λ_min/h) reaches 5e-5, at 1e-4
    // truncation (∝ h²) 7e-5; h = 1e-5 sits at the bottom of the V (measured: 1.0e-6).
    let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: minimum.positions,
                                                     parameter: .speciesDiameter(0), holding: .packingFraction,
                                                     step: 1e-5)
    let difference = relativeDifference(implicit.normalised, fd.normalised)
    print("3D Hertzian: rattlers \(implicit.rattlers), implicit vs FD \(difference), network unchanged \(fd.finiteDifference!.networkUnchanged)")
    #expect(fd.finiteDifference!.networkUnchanged)
    #expect(difference < 1e-5)
    for particle in implicit.rattlers {
      #expect((0..<3).allSatisfy { implicit.physical[particle * 3 + $0] == 0 })
    }
  }

  /// Slow (several FIRE minimisations of the paper's system): set MDSENS_SLOW_TESTS=1.
  @Test("the paper's system from more seeds: implicit = FD to 1e-5", .enabled(if: slowTestsEnabled),
        arguments: [3, 4, 5, 6] as [UInt64])
  func moreSeeds(seed: UInt64) throws {
    let model = try PaperReference.paperModel()
    // FIRE converges from every seed here in ~600–1000 steps; 20,000 is only a bound.
    let start = RandomConfiguration.uniform(count: model.particleCount, edges: model.boxEdges, seed: seed)
    let minimum = try! model.minimize(from: start, using: MinimizerChoice(FIRE(forceTolerance: 1e-12, maximumSteps: 20_000), largestDiameter: model.largestDiameter))
    try #require(minimum.converged, "seed \(seed): \(minimum.stopReason.rawValue)")
    let implicit = try ImplicitSensitivity.compute(model: model, positions: minimum.positions,
                                                   parameter: .speciesDiameter(0))
    let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: minimum.positions,
                                                     parameter: .speciesDiameter(0))
    let difference = relativeDifference(implicit.normalised, fd.normalised)
    print("seed \(seed): rattlers \(implicit.rattlers), implicit vs FD \(difference), network unchanged \(fd.finiteDifference!.networkUnchanged)")
    if fd.finiteDifference!.networkUnchanged { #expect(difference < 1e-5) }
  }
}
