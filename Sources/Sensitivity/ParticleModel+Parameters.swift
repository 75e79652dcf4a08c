import Foundation
import Models

extension ParticleModel {
  /// θ's current value.
  public func value(of parameter: SensitivityParameter) throws(SensitivityError) -> Double {
    switch parameter {
    case .speciesDiameter(let s):
      guard case .species(_, let table) = diameters, table.indices.contains(s) else {
        throw .unsupportedParameter("\(parameter): the model has no species \(s)")
      }
      return table[s][s]
    case .epsilon:
      switch potential {
      case .softSphere(let epsilon, _), .lennardJones(let epsilon, _), .morse(let epsilon, _, _): return epsilon
      }
    case .alpha:
      switch potential {
      case .softSphere(_, let alpha), .morse(_, let alpha, _): return alpha
      case .lennardJones: throw .unsupportedParameter("Lennard-Jones has no alpha")
      }
    case .boxLength:
      guard periodic else { throw .unsupportedParameter("box length of a free-space system") }
      return boxLength
    case .packingFraction:
      guard periodic else { throw .unsupportedParameter("packing fraction of a free-space system") }
      return packingFraction
    case .strain(let component):
      guard periodic else { throw .unsupportedParameter("strain of a free-space system") }
      guard component.exists(in: dimension) else {
        throw .unsupportedParameter("strain \(component.rawValue) in \(dimension) dimensions")
      }
      return 0
    }
  }

  /// The derivatives of every model quantity along θ: what seeds the dual numbers.
  public func tangent(for parameter: SensitivityParameter, holding held: HeldQuantity)
    throws(SensitivityError) -> ModelTangent
  {
    _ = try value(of: parameter)
    var tangent = ModelTangent()
    switch parameter {
    case .speciesDiameter(let s):
      guard case .species(let species, let table) = diameters else { throw .unsupportedParameter("\(parameter)") }
      tangent.table = table.indices.map { a in
        table.indices.map { b in ((a == s ? 1.0 : 0) + (b == s ? 1.0 : 0)) / 2 }
      }
      if held == .packingFraction {
        guard periodic else { throw .unsupportedParameter("packing fraction held in free space") }
        // φ fixed: V ∝ Σ vᵢ, so (1/L) dL/dθ = (1/d) (dΣvᵢ/dθ) / Σvᵢ.
        let slope = species.reduce(0.0) { sum, a in
          sum + (a == s ? Self.volumeSlope(ofDiameter: table[s][s], dimension: dimension) : 0)
        }
        tangent.boxScaleRate = slope / particleVolume / Double(dimension)
      }
    case .epsilon:
      tangent.epsilon = 1
    case .alpha:
      tangent.alpha = 1
    case .boxLength:
      tangent.boxScaleRate = 1 / boxLength
    case .packingFraction:
      // L = (Σvᵢ / φ)^{1/d}: (1/L) dL/dφ = −1/(d φ).
      tangent.boxScaleRate = -1 / (Double(dimension) * packingFraction)
    case .strain(let component):
      // F(γ) = (I + γ e)F: dF/dγ = e·F.
      tangent.strain = Self.product(component.tensor(dimension: dimension), deformationGradient)
    }
    return tangent
  }

  /// The model at θ = `value` (plain numbers): for finite differences.
  public func setting(_ parameter: SensitivityParameter, to value: Double, holding held: HeldQuantity)
    throws(SensitivityError) -> ParticleModel
  {
    let current = try self.value(of: parameter)
    var model = self
    switch parameter {
    case .speciesDiameter(let s):
      guard case .species(let species, var table) = diameters else { throw .unsupportedParameter("\(parameter)") }
      let change = value - current
      for a in table.indices {
        for b in table.indices { table[a][b] += change * ((a == s ? 1.0 : 0) + (b == s ? 1.0 : 0)) / 2 }
      }
      model.diameters = .species(species: species, table: table)
      if held == .packingFraction {
        let scale = pow(model.particleVolume / particleVolume, 1 / Double(dimension))
        model.boxEdges = boxEdges.map { $0 * scale }
      }
    case .epsilon, .alpha:
      switch (potential, parameter) {
      case (.softSphere(_, let alpha), .epsilon): model.potential = .softSphere(epsilon: value, alpha: alpha)
      case (.softSphere(let epsilon, _), .alpha): model.potential = .softSphere(epsilon: epsilon, alpha: value)
      case (.lennardJones(_, let cutoff), .epsilon): model.potential = .lennardJones(epsilon: value, cutoff: cutoff)
      case (.morse(_, let alpha, let cutoff), .epsilon):
        model.potential = .morse(epsilon: value, alpha: alpha, cutoff: cutoff)
      case (.morse(let epsilon, _, let cutoff), .alpha):
        model.potential = .morse(epsilon: epsilon, alpha: value, cutoff: cutoff)
      default: throw .unsupportedParameter("\(parameter)")
      }
    case .boxLength:
      model.boxEdges = boxEdges.map { $0 * value / current }
    case .strain(let component):
      let e = component.tensor(dimension: dimension)
      let stretch = (0..<dimension).map { a in (0..<dimension).map { b in (a == b ? 1 : 0) + (value - current) * e[a][b] } }
      model.deformation = Self.product(stretch, deformationGradient)
      guard Self.determinant(model.deformationGradient) > 0 else {
        throw .invalidInput("setting the strain \(component.rawValue) to \(value) turns the cell inside out")
      }
    case .packingFraction:
      guard value > 0 else { throw .invalidInput("setting the packing fraction to \(value) makes the box infinite") }
      let scale = pow(current / value, 1 / Double(dimension))
      model.boxEdges = boxEdges.map { $0 * scale }
    }
    try model.checkParameters(after: "setting \(parameter) to \(value)")
    return model
  }

  /// Refuses a model no potential is defined for (σ ≤ 0, ε ≤ 0, α ≤ 1 for soft spheres, an empty
  /// box): a finite-difference step across such a value must stop, not minimise nonsense.
  func checkParameters(after change: String) throws(SensitivityError) {
    let diameters: [Double]
    switch self.diameters {
    case .species(_, let table): diameters = table.flatMap { $0 }
    case .particles(let values): diameters = values
    }
    guard diameters.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw .invalidInput("\(change) makes a diameter non-positive")
    }
    guard boxEdges.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw .invalidInput("\(change) leaves the box without a finite positive size")
    }
    switch potential {
    case .softSphere(let epsilon, let alpha):
      guard epsilon.isFinite, epsilon > 0, alpha.isFinite, alpha > 1 else {
        throw .invalidInput("\(change) leaves the soft-sphere potential undefined (it needs ε > 0, α > 1)")
      }
    case .lennardJones(let epsilon, _):
      guard epsilon.isFinite, epsilon > 0 else { throw .invalidInput("\(change) makes ε non-positive") }
    case .morse(let epsilon, let alpha, _):
      guard epsilon.isFinite, epsilon > 0, alpha.isFinite, alpha > 0 else {
        throw .invalidInput("\(change) leaves the Morse potential undefined (it needs ε > 0, α > 0)")
      }
    }
  }
}

extension ParticleModel {
  /// B = ∂F/∂θ at fixed normalised coordinates (full d·N, energy / length per θ unit), over every
  /// pair of a neighbour list built at `positions`: the right-hand side of H u = B.
  public func parameterDerivative(at positions: [Double], parameter: SensitivityParameter,
                                  holding held: HeldQuantity) throws(SensitivityError) -> [Double] {
    let tangent = try self.tangent(for: parameter, holding: held)
    return kernels(seeding: tangent)
      .seededForces(positions, positions.map { $0 * tangent.boxScaleRate }, neighbourList(at: positions)).tangents
  }
}

extension ParticleModel {
  /// The matrix product A·B of two d×d matrices.
  static func product(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    a.indices.map { i in b[0].indices.map { j in a[i].indices.reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
  }
}
