import Minimization
import Particles

/// What L-BFGS starts its inverse-Hessian estimate from: H₀ = γ I (`none`) or H₀ = γ M⁻¹ with the
/// `Minimization.LongWavelengthPreconditioner` M of crossover k₀·a (`longWavelength`); `automatic` is the
/// long-wavelength one in two dimensions and none in three, where it was measured to cost more per
/// step than it saved in steps (docs/benchmarks.md, "Issue 18, sixth session").
public enum PreconditionerChoice: Sendable, Equatable {
  case automatic
  case none
  case longWavelength(crossover: Double)

  /// The crossover used unless one is given: k₀·a = 2 (measured: docs/benchmarks.md, "Issue 18,
  /// sixth session").
  public static let defaultCrossover = 2.0

  /// The names a system file and the command line use.
  public static let names = "automatic, none or long-wavelength"

  /// The choice named `name`, with `crossover` for the long-wavelength one (nil: the default).
  /// (`automatic` and `none` take no crossover: see the callers' messages.)
  public init?(name: String, crossover: Double? = nil) {
    switch name {
    case "automatic": self = .automatic
    case "none": self = .none
    case "long-wavelength": self = .longWavelength(crossover: crossover ?? Self.defaultCrossover)
    default: return nil
    }
  }

  public var name: String {
    switch self {
    case .automatic: "automatic"
    case .none: "none"
    case .longWavelength: "long-wavelength"
    }
  }

  /// The preconditioner for N particles in `geometry`: only a periodic cell has the long
  /// wavelengths M is built on, so free space gets none.
  public func preconditioner(geometry: CellGeometry, particleCount: Int, threads: Int)
    -> LongWavelengthPreconditioner?
  {
    guard case .periodic(let edges) = geometry, particleCount > 0 else { return nil }
    let crossover: Double
    switch self {
    case .none: return nil
    case .automatic:
      guard edges.count == 2 else { return nil }
      crossover = Self.defaultCrossover
    case .longWavelength(let chosen): crossover = chosen
    }
    return LongWavelengthPreconditioner(edges: edges, particleCount: particleCount, crossover: crossover,
                                        threads: threads)
  }
}
