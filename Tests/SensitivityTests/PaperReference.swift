import Foundation
import Sensitivity
import Simulation
import Models
import ImplicitDifferentiation

/// The JAX-MD + JAXopt reference case (Tests/Fixtures): the paper's system, its FIRE minimum
/// `x_fire` and dx/dθ in normalised coordinates (packing fraction held) by several methods.
struct PaperReference: Decodable {
  let n: Int
  let theta: Double
  let packingFraction: Double
  let boxSize: Double
  let dLdTheta: Double
  let species: [Int]
  let x0: [[Double]]
  let xFire: [[Double]]
  let dxImplicitTight: [[Double]]
  let dxUnrolled: [[Double]]
  let dxFd: [[Double]]
  let l1: [String: Double]

  enum CodingKeys: String, CodingKey {
    case n, theta, species, x0, l1
    case packingFraction = "packing_fraction"
    case boxSize = "box_size"
    case dLdTheta = "dL_dtheta"
    case xFire = "x_fire"
    case dxImplicitTight = "dx_implicit_tight"
    case dxUnrolled = "dx_unrolled"
    case dxFd = "dx_fd"
  }

  static func load() throws -> PaperReference {
    let url = packageRoot.appendingPathComponent("Tests/Fixtures/jaxmd-paper-2d-128-seed0.json")
    return try JSONDecoder().decode(PaperReference.self, from: Data(contentsOf: url))
  }

  /// Physical positions R = L·x, flat.
  func physical(_ normalised: [[Double]]) -> [Double] { normalised.flatMap { $0.map { $0 * boxSize } } }

  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  /// The paper's system file as a model.
  static func paperModel() throws -> ParticleModel {
    let system = try ParticleSystem.load(path: packageRoot.appendingPathComponent("Systems/paper-2d-128.json").path)
    var model = system.model
    model.threads = 1
    return model
  }

  /// The paper's model with JAX-MD's box side to the last bit: the system file's L differs in the
  /// last digits, enough for FIRE from x0 to end in a neighbouring minimum.
  func model() throws -> ParticleModel {
    var model = try Self.paperModel()
    model.boxEdges = [boxSize, boxSize]
    return model
  }
}

/// ‖a − b‖₂ / ‖b‖₂.
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
  var difference = 0.0
  var norm = 0.0
  for index in a.indices {
    difference += (a[index] - b[index]) * (a[index] - b[index])
    norm += b[index] * b[index]
  }
  return (difference / norm).squareRoot()
}

/// Whether the slow tests are requested.
var slowTestsEnabled: Bool { ProcessInfo.processInfo.environment["MDSENS_SLOW_TESTS"] == "1" }

extension PaperReference {
  /// The paper's model at the reference FIRE minimum and the sensitivity to the small diameter there
  /// by the dense LAPACK solve: the reference every iterative solve is compared with.
  static func denseSensitivityAtMinimum() throws
    -> (reference: PaperReference, model: ParticleModel, positions: [Double], dense: PositionSensitivity)
  {
    let reference = try load()
    let model = try paperModel()
    let positions = reference.physical(reference.xFire)
    let options = ImplicitOptions(solver: SolverChoice(.dense), validate: false)
    let dense = try ImplicitSensitivity.compute(model: model, positions: positions, parameter: .speciesDiameter(0),
                                                options: options)
    return (reference, model, positions, dense)
  }
}
