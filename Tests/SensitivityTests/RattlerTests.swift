import Models
import ImplicitDifferentiation
import Foundation
import LinearAlgebra
import Minimization
import Sensitivity
import Testing

@Suite("Rattlers")
struct RattlerTests {
  @Test("detection is iterative: removing a rattler can make its neighbours rattlers")
  func iterativeDetection() {
    // 0–3: a complete cluster (3 contacts each, enough in 2D). 4 touches 0, 5 and 6; 5 and 6 touch
    // only 4. 5 and 6 are rattlers; without them 4 has one contact and becomes one too.
    let pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (0, 4), (4, 5), (4, 6)].map { ContactPair($0.0, $0.1) }
    let network = ContactNetwork(particleCount: 7, pairs: pairs)
    #expect(network.contactNumbers == [4, 3, 3, 3, 3, 1, 1])
    #expect(RattlerDetection.rattlers(in: network, dimension: 2) == [4, 5, 6])
    // In 3D (4 contacts needed) nobody survives.
    #expect(RattlerDetection.rattlers(in: network, dimension: 3) == Array(0..<7))
  }

  /// A compressed triangular lattice of unit discs (spacing 0.95) with one site taken by a disc of
  /// diameter 0.3: it touches nobody (0.95 ≫ (0.3 + 1)/2), a caged rattler.
  static func cagedConfiguration() -> (model: ParticleModel, positions: [Double], caged: Int) {
    let columns = 6, rows = 6, spacing = 0.95
    let caged = 14
    var positions = [Double]()
    for row in 0..<rows {
      for column in 0..<columns {
        positions.append((Double(column) + (row % 2 == 0 ? 0 : 0.5)) * spacing + 0.1)
        positions.append(Double(row) * spacing * 3.0.squareRoot() / 2 + 0.1)
      }
    }
    let species = (0..<(rows * columns)).map { $0 == caged ? 0 : 1 }
    let model = ParticleModel(dimension: 2,
                              boxEdges: [Double(columns) * spacing, Double(rows) * spacing * 3.0.squareRoot() / 2],
                              potential: .softSphere(epsilon: 1, alpha: 2),
                              diameters: .species(species: species, table: [[0.3, 0.65], [0.65, 1.0]]), threads: 1)
    // The vacancy's neighbours relax inwards; the lattice around them is otherwise balanced.
    let minimum = try! model.minimize(from: positions, using: MinimizerChoice(FIRE(forceTolerance: 1e-13, maximumSteps: 100_000), largestDiameter: model.largestDiameter))
    return (model, minimum.positions, caged)
  }

  @Test("a caged particle is found, excluded and has zero sensitivity; the rest agrees with FD")
  func cagedParticle() throws {
    let (model, positions, caged) = Self.cagedConfiguration()
    #expect(model.contactNetwork(at: positions).contactNumbers[caged] == 0)
    let implicit = try ImplicitSensitivity.compute(model: model, positions: positions,
                                                   parameter: .speciesDiameter(1), holding: .box)
    #expect(implicit.rattlers == [caged])
    let report = try #require(implicit.validity)
    #expect(report.zeroModesRemoved == 4, "2 translations + 2 for the rattler")
    #expect(implicit.physical[caged * 2] == 0 && implicit.physical[caged * 2 + 1] == 0)
    let smallest = try #require(report.root.smallestEigenvalue)
    #expect(smallest > 1e-6, "with the rattler excluded the projected Hessian is positive definite: \(smallest)")
    let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: positions,
                                                     parameter: .speciesDiameter(1), holding: .box)
    #expect(fd.finiteDifference!.networkUnchanged)
    let difference = relativeDifference(implicit.physical, fd.physical)
    print("caged: rattlers \(implicit.rattlers), λmin \(smallest), implicit vs FD \(difference)")
    #expect(difference < 1e-5)
  }

  /// Seed 3 of the 32-disc packing at φ = 0.9: particle 12 has no contacts, but FIRE left it touching
  /// its cage at zero force, so at θ ± h a contact closes and re-minimisation kicks it; FIRE keeps
  /// it drifting and, conserving momentum, the backbone recoils by −(its displacement)/N. The FD
  /// result is reported in the implicit gauge (rattler zero, backbone centre of mass fixed), and
  /// the backbone then agrees.
  @Test("a rattler touching its cage at zero force is kicked by FD; the backbone still agrees")
  func kickedRattler() throws {
    let model = SmallSystems.bidisperseSpecies()
    let minimum = SmallSystems.minimum(of: model, seed: 3)
    try #require(minimum.converged)
    #expect(model.contactNetwork(at: minimum.positions).contactNumbers[12] == 0)
    for (parameter, held) in [(SensitivityParameter.speciesDiameter(1), HeldQuantity.box),
                              (.speciesDiameter(0), .packingFraction)] {
      let implicit = try ImplicitSensitivity.compute(model: model, positions: minimum.positions,
                                                     parameter: parameter, holding: held)
      #expect(implicit.rattlers == [12])
      let report = try #require(implicit.validity)
      #expect(report.root.singular == false && report.root.smallestEigenvalue! > 1e-3, "λmin \(report.root.smallestEigenvalue!)")
      let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: minimum.positions,
                                                       parameter: parameter, holding: held)
      let fdReport = try #require(fd.finiteDifference)
      #expect(fd.rattlers == [12] && fdReport.networkUnchanged)
      let difference = relativeDifference(implicit.physical, fd.physical)
      print("kicked rattler, \(parameter): implicit vs FD \(difference); the rattler's own |Δx|/2h \(fdReport.largestRattlerQuotient)")
      #expect(fdReport.largestRattlerQuotient > 1, "the fixture is meant to kick the rattler")
      #expect(difference < 1e-5)
    }
  }

  /// Morse (attractive, two-sided bonds: d contacts hold a particle) at φ = 0.6, the first seed
  /// where a particle hangs on a single force-free bond and re-minimisation keeps the network (on
  /// some seeds it does not, and finite differences are no reference there). Removing the particle
  /// (its pair terms dropped from its partner's block and from B) is what re-minimisation
  /// measures; pinning it (only its rows and columns deleted) keeps the bond as a spring to a fixed
  /// point and is wrong. Without any exclusion the reduced Hessian has the bond's rotation as a
  /// floppy mode, which the report flags.
  @Test("a one-bond particle is removed, not pinned; keeping it leaves a floppy mode the report flags")
  func removedNotPinned() throws {
    var model = SmallSystems.bidisperseSpecies(count: 16, packingFraction: 0.6)
    model.potential = .morse(epsilon: 1, alpha: 5, cutoff: 1.5)
    let (_, minimum) = try #require(SmallSystems.firstMinimum(of: model) { candidate in
      let bonds = model.contactNetwork(at: candidate.positions).contactNumbers
      guard bonds.filter({ $0 == 1 }).count == 1, bonds.min() == 1 else { return false }
      return (try? FiniteDifferenceSensitivity.compute(model: model, positions: candidate.positions, parameter: .alpha,
                                                       holding: .box, step: 1e-5))?.finiteDifference?.networkUnchanged
        ?? false
    }, "no seed of 1–40 gives a particle on a single bond")
    let rattler = model.contactNetwork(at: minimum.positions).contactNumbers.firstIndex(of: 1)!
    let implicit = try ImplicitSensitivity.compute(model: model, positions: minimum.positions, parameter: .alpha,
                                                   holding: .box)
    #expect(implicit.rattlers == [rattler])
    #expect(implicit.validity!.root.singular == false)
    let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: minimum.positions, parameter: .alpha,
                                                     holding: .box, step: 1e-5)
    #expect(fd.finiteDifference!.networkUnchanged)
    let removed = relativeDifference(implicit.physical, fd.physical)
    // Pinned, by hand: the whole system's Hessian and B restricted to the other particles.
    let space = ReducedSpace(dimension: 2, particleCount: model.particleCount, rattlers: [rattler],
                             projectsTranslations: true)
    let whole = model.kernels().hessian(minimum.positions, model.neighbourList(at: minimum.positions))
    // P H P + (I − P) on the pinned space.
    let pinnedHessian = MatrixFreeOperator(dimension: space.count) { x, result in
      var projected = x
      space.projectTranslations(&projected)
      var full = [Double]()
      whole(space.expand(projected), into: &full)
      result = space.restrict(full)
      space.projectTranslations(&result)
      for index in result.indices { result[index] += x[index] - projected[index] }
    }
    var b = space.restrict(try model.parameterDerivative(at: minimum.positions, parameter: .alpha, holding: .box))
    space.projectTranslations(&b)
    let pinned = space.expand(DenseLinearSolver(tolerance: 1e-12).solve(pinnedHessian, b).solution)
    let pinnedDifference = relativeDifference(pinned, fd.physical)
    print("one-bond rattler: removed vs FD \(removed), pinned vs FD \(pinnedDifference)")
    #expect(removed < 1e-5)
    #expect(pinnedDifference > 1e-2)
    // Not excluded: a floppy mode, flagged in the report, or refused on request. (A Krylov method
    // still solves the consistent singular system; LU stops at the zero pivot.)
    let kept = try ImplicitSensitivity.compute(
      model: model, positions: minimum.positions, parameter: .alpha, holding: .box,
      options: ImplicitOptions(solver: SolverChoice(.conjugateGradient), excludeRattlers: false))
    #expect(kept.validity!.root.singular == true)
    // The floppy mode's eigenvalue is zero up to rounding (not a negative one: no saddle), reported
    // as singular (not unique) or, when rounding puts it below zero, as a floppy mode.
    let root = kept.validity!.root
    #expect(abs(root.smallestEigenvalue!) <= 1e-10 * root.largestEigenvalue!, "λmin \(root.smallestEigenvalue!)")
    #expect(kept.validity!.warnings.contains { $0.contains("not unique") || $0.contains("floppy") },
            "\(kept.validity!.warnings)")
    #expect(throws: SensitivityError.self) {
      try ImplicitSensitivity.compute(model: model, positions: minimum.positions, parameter: .alpha, holding: .box,
                                      options: ImplicitOptions(solver: SolverChoice(.conjugateGradient),
                                                               excludeRattlers: false, refuseSingular: true))
    }
  }
}
