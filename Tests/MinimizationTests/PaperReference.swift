import Foundation

/// The JAX-MD + JAXopt reference case (Tests/Fixtures, a copy of shared/reference): the paper's
/// system, its FIRE minimum, and the position sensitivity in normalised coordinates x = R/L.
struct PaperReference: Decodable {
  let n: Int
  let theta: Double
  let packingFraction: Double
  let boxSize: Double
  let energy: Double
  let maxForceComponent: Double
  let species: [Int]
  let x0: [[Double]]
  let xFire: [[Double]]

  enum CodingKeys: String, CodingKey {
    case n, theta, energy, species, x0
    case packingFraction = "packing_fraction"
    case boxSize = "box_size"
    case maxForceComponent = "max_force_component"
    case xFire = "x_fire"
  }

  static func load() throws -> PaperReference {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/jaxmd-paper-2d-128-seed0.json")
    return try JSONDecoder().decode(PaperReference.self, from: Data(contentsOf: url))
  }

  /// Physical positions R = L·x, flat.
  func physical(_ normalised: [[Double]]) -> [Double] { normalised.flatMap { $0.map { $0 * boxSize } } }

  /// The package root, for system files.
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }
}
