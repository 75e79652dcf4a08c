import DualNumbers
import Foundation
import Particles
import Simulation

/// A particle system reduced to what a sensitivity needs: dimension, box, pair potential and
/// diameters, all as plain numbers, from which interactions in any scalar type are built — `Double`
/// for minima, `Dual<Double>` with θ seeded for ∂F/∂θ and for unrolled differentiation.
///
/// Lengths are in the system's length unit, energies in its energy unit.
public struct ParticleModel: Sendable, Equatable {
  /// 2 or 3.
  public var dimension: Int
  /// Periodic box (true) or free space (false).
  public var periodic: Bool
  /// Edge lengths Lₖ (length units), one per axis. In free space they only define the scale that
  /// normalised coordinates x = R/L use.
  public var boxEdges: [Double]
  public var potential: PotentialChoice
  public var diameters: DiameterRule
  /// Threads of the pair loop.
  public var threads: Int

  public init(dimension: Int, periodic: Bool = true, boxEdges: [Double], potential: PotentialChoice,
              diameters: DiameterRule, threads: Int = ThreadCount.available) {
    precondition(dimension == 2 || dimension == 3, "dimension must be 2 or 3")
    precondition(boxEdges.count == dimension, "one box edge per dimension")
    self.dimension = dimension
    self.periodic = periodic
    self.boxEdges = boxEdges
    self.potential = potential
    self.diameters = diameters
    self.threads = threads
  }

  /// The model of a system file.
  public init(_ system: ParticleSystem, threads: Int = ThreadCount.available) {
    self.init(dimension: system.dimension, periodic: system.periodic, boxEdges: system.boxEdges,
              potential: system.potential,
              diameters: .species(species: system.speciesOfParticle, table: system.pairDiameters),
              threads: threads)
  }

  public var particleCount: Int { diameters.particleCount }
  /// d·N, the number of position components.
  public var degreesOfFreedom: Int { dimension * particleCount }

  /// The side used for normalised coordinates x = R/L: the first edge (all edges for a cube).
  public var boxLength: Double { boxEdges[0] }

  /// V = ∏ Lₖ (area in 2D).
  public var boxVolume: Double { boxEdges.reduce(1, *) }

  /// Σᵢ vᵢ with vᵢ = π dᵢ²/4 (2D) or π dᵢ³/6 (3D).
  public var particleVolume: Double {
    diameters.particleDiameters.reduce(0) { $0 + Self.volume(ofDiameter: $1, dimension: dimension) }
  }

  /// φ = Σ vᵢ / V.
  public var packingFraction: Double { particleVolume / boxVolume }

  static func volume(ofDiameter d: Double, dimension: Int) -> Double {
    dimension == 2 ? Double.pi * d * d / 4 : Double.pi * d * d * d / 6
  }

  /// dv/dd of one particle: π d/2 (2D), π d²/2 (3D).
  static func volumeSlope(ofDiameter d: Double, dimension: Int) -> Double {
    dimension == 2 ? Double.pi * d / 2 : Double.pi * d * d / 2
  }

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

/// dq/dθ for every quantity q of a ``ParticleModel``: zero except what θ moves.
public struct ModelTangent: Sendable, Equatable {
  /// (1/L) dL/dθ, the same for every edge (isotropic scaling). Positions at fixed normalised
  /// coordinates move with it: dR/dθ|ₓ = R·rate.
  public var boxScaleRate = 0.0
  /// dσₐᵦ/dθ (empty: zero).
  public var table: [[Double]] = []
  public var epsilon = 0.0
  public var alpha = 0.0

  public init() {}
}

