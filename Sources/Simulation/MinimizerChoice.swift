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
  /// FIRE's initial and largest time step.
  public var timeStep: Double
  public var maximumTimeStep: Double
  /// FIRE's largest move of a coordinate in one step (nil: no limit).
  public var maximumDisplacement: Double?

  init(_ settings: SystemDescription.MinimizerSettings?, largestDiameter: Double, potential: PotentialChoice) throws {
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
    // JAX-MD's defaults suit soft spheres; Lennard-Jones and Morse wells are stiffer (curvature
    // ~57 ε/σ² and 2εα²/σ²), and FIRE's velocity Verlet is unstable at dt·ω > 2.
    let soft: Bool
    if case .softSphere = potential { soft = true } else { soft = false }
    timeStep = settings?.timeStep ?? (soft ? 0.1 : 0.005)
    maximumTimeStep = settings?.maximumTimeStep ?? (soft ? 0.4 : 0.02)
    maximumDisplacement = settings?.maximumDisplacement ?? (soft ? nil : 0.1 * largestDiameter)
    guard timeStep.isFinite, timeStep > 0, maximumTimeStep.isFinite, maximumTimeStep >= timeStep else {
      throw SystemError("minimizer.time_step and max_time_step must be positive with time_step ≤ max_time_step")
    }
    if let limit = maximumDisplacement, !(limit.isFinite && limit > 0) {
      throw SystemError("minimizer.max_displacement must be a finite positive length, got \(limit)")
    }
  }

  /// The configured minimiser.
  public var minimizer: any Minimizer {
    switch kind {
    case .fire:
      var fire = FIRE(forceTolerance: forceTolerance, maximumSteps: maximumSteps)
      fire.initialTimeStep = timeStep
      fire.maximumTimeStep = maximumTimeStep
      fire.maximumDisplacement = maximumDisplacement
      return fire
    case .gradientDescent:
      return GradientDescent(stepSize: stepSize, forceTolerance: forceTolerance, maximumSteps: maximumSteps)
    }
  }
}
