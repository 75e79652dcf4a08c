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

  /// What is built for a cell of `dimension` axes, periodic or not: `automatic` is the
  /// long-wavelength preconditioner in a 2D periodic cell, where it was measured to pay, and none in
  /// 3D, where it cost iterations (docs/benchmarks.md, "Issue 18, sixth session"); free space has no
  /// long wavelengths, so it gets none whatever was asked.
  public func resolved(dimension: Int, periodic: Bool) -> PreconditionerChoice {
    guard periodic else { return .none }
    switch self {
    case .automatic: return dimension == 2 ? .longWavelength(crossover: Self.defaultCrossover) : .none
    case .none, .longWavelength: return self
    }
  }

  /// k₀·a of the long-wavelength choice (nil for the others).
  public var crossover: Double? {
    if case .longWavelength(let crossover) = self { return crossover }
    return nil
  }

  /// The preconditioner for N particles in `geometry` (the ``resolved(dimension:periodic:)`` choice).
  public func preconditioner(geometry: CellGeometry, particleCount: Int, threads: Int)
    -> LongWavelengthPreconditioner?
  {
    guard case .periodic(let edges) = geometry, particleCount > 0,
          let crossover = resolved(dimension: edges.count, periodic: true).crossover else { return nil }
    return LongWavelengthPreconditioner(edges: edges, particleCount: particleCount, crossover: crossover,
                                        threads: threads)
  }
}
