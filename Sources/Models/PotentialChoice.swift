import Particles

/// The pair potential of a model, with its parameters resolved and checked.
public enum PotentialChoice: Sendable, Equatable {
  /// U = ε/α (1 − r/σ)^α for r < σ.
  case softSphere(epsilon: Double, alpha: Double)
  /// Truncated and shifted 12-6 at r_c = cutoff·σ.
  case lennardJones(epsilon: Double, cutoff: Double)
  /// Truncated and shifted Morse with its minimum at σ.
  case morse(epsilon: Double, alpha: Double, cutoff: Double)

  /// r_c / σᵢⱼ.
  public var cutoffRatio: Double {
    switch self {
    case .softSphere: return 1
    case .lennardJones(_, let cutoff), .morse(_, _, let cutoff): return cutoff
    }
  }

  /// The parameter names this potential has (for `--param` validation and reports).
  public var parameterNames: [String] {
    switch self {
    case .softSphere: return ["epsilon", "alpha"]
    case .lennardJones: return ["epsilon"]
    case .morse: return ["epsilon", "alpha"]
    }
  }
}
