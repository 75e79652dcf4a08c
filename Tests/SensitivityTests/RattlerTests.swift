import Foundation
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
    let minimum = model.minimize(from: positions, with: FIRE(forceTolerance: 1e-13, maximumSteps: 100_000))
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
    let smallest = try #require(report.smallestEigenvalue)
    #expect(smallest > 1e-6, "with the rattler excluded the projected Hessian is positive definite: \(smallest)")
    let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: positions,
                                                     parameter: .speciesDiameter(1), holding: .box)
    #expect(fd.finiteDifference!.networkUnchanged)
    let difference = relativeDifference(implicit.physical, fd.physical)
    print("caged: rattlers \(implicit.rattlers), λmin \(smallest), implicit vs FD \(difference)")
    #expect(difference < 1e-5)
  }
}
