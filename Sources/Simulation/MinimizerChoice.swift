import Minimization

/// Minimiser settings from a system file, checked, with defaults filled in.
public struct MinimizerChoice: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case fire
    case gradientDescent = "gradient-descent"
  }

  public var kind: Kind
  /// Stop at max |Fᵢₖ| ≤ this.
  public var forceTolerance: Double
  public var maximumSteps: Int
  /// Verlet skin (length units).
  public var neighbourSkin: Double
  /// Gradient descent's step size.
  public var stepSize: Double

  init(_ settings: SystemDescription.MinimizerSettings?, largestDiameter: Double) throws {
    let kindName = settings?.kind ?? "fire"
    guard let kind = Kind(rawValue: kindName) else {
      throw SystemError("minimizer.kind '\(kindName)' is unknown; use fire or gradient-descent")
    }
    self.kind = kind
    forceTolerance = settings?.forceTolerance ?? 1e-12
    guard forceTolerance.isFinite, forceTolerance >= 0 else {
      throw SystemError("minimizer.force_tolerance must be finite and non-negative, got \(forceTolerance)")
    }
    maximumSteps = settings?.maxSteps ?? 100_000
    guard maximumSteps >= 0 else { throw SystemError("minimizer.max_steps must not be negative") }
    neighbourSkin = settings?.neighbourSkin ?? 0.2 * largestDiameter
    guard neighbourSkin.isFinite, neighbourSkin >= 0 else {
      throw SystemError("minimizer.neighbour_skin must be finite and non-negative, got \(neighbourSkin)")
    }
    stepSize = settings?.stepSize ?? 0.1
    guard stepSize.isFinite, stepSize > 0 else { throw SystemError("minimizer.step_size must be positive") }
  }

  /// The configured minimiser.
  public var minimizer: any Minimizer {
    switch kind {
    case .fire: return FIRE(forceTolerance: forceTolerance, maximumSteps: maximumSteps)
    case .gradientDescent:
      return GradientDescent(stepSize: stepSize, forceTolerance: forceTolerance, maximumSteps: maximumSteps)
    }
  }
}
