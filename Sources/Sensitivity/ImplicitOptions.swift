/// Settings of an implicit sensitivity (and of the adjoint gradient, which shares them).
public struct ImplicitOptions: Sendable, Equatable {
  public var solver: SolverChoice
  /// Project the d global translations out (periodic systems; free space is translation invariant too).
  public var projectTranslations: Bool
  /// Find rattlers and exclude them (zero sensitivity).
  public var excludeRattlers: Bool
  /// Refuse (throw ``SensitivityError/notAMinimum(maximumForce:threshold:)``) above this max |Fᵢₖ|.
  public var refusalForce: Double
  /// Add a warning to the report above this max |Fᵢₖ|.
  public var warningForce: Double
  /// Verlet skin of the neighbour list built at x̂ (nil: a tenth of the largest diameter).
  public var neighbourSkin: Double?
  /// Estimate the smallest non-zero Hessian eigenvalue (Lanczos) and the a-posteriori error.
  public var validate: Bool
  /// Lanczos steps for the eigenvalue estimate.
  public var lanczosSteps: Int

  public init(solver: SolverChoice = SolverChoice(), projectTranslations: Bool = true,
              excludeRattlers: Bool = true, refusalForce: Double = 1e-6, warningForce: Double = 1e-9,
              neighbourSkin: Double? = nil, validate: Bool = true, lanczosSteps: Int = 150) {
    self.solver = solver
    self.projectTranslations = projectTranslations
    self.excludeRattlers = excludeRattlers
    self.refusalForce = refusalForce
    self.warningForce = warningForce
    self.neighbourSkin = neighbourSkin
    self.validate = validate
    self.lanczosSteps = lanczosSteps
  }
}
