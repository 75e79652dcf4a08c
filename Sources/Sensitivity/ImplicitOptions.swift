import ImplicitDifferentiation

/// Settings of an implicit sensitivity (and of the adjoint gradient, which shares them).
public struct ImplicitOptions: Sendable, Equatable {
  /// The engine's solver choice; automatic: conjugate gradients for the positive definite reduced
  /// Hessian (dense LU up to 64 components).
  public var solver: SolverChoice
  /// The preconditioner of the conjugate-gradient solves (unless `solver.jacobi` asks for Jacobi):
  /// block SSOR over the contact network by default, which needs 2.5× fewer iterations than plain
  /// CG on jammed packings (docs/benchmarks.md, "Hessian solves").
  public var preconditioner: HessianPreconditioner
  /// Project the translations out: d per rigid cluster, the d global ones for a single rigid network
  /// (periodic systems; free space is translation invariant too). See ``ReducedSpace``.
  public var projectTranslations: Bool
  /// Find rattlers and remove them (their pair terms dropped, zero sensitivity; see ``RattlerDetection``).
  public var excludeRattlers: Bool
  /// Contacts a particle needs not to be a rattler (nil: `ParticleModel/rattlerContactThreshold`,
  /// d + 1 for soft spheres, d with attraction).
  public var minimumContacts: Int?
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
  /// The reduced Hessian counts as singular (a floppy mode beyond the projected translations and
  /// the removed rattlers) when λ_min ≤ `singularityThreshold`·λ_max; the report then says so.
  public var singularityThreshold: Double
  /// Throw ``SensitivityError/singularHessian(smallestEigenvalue:largestEigenvalue:)`` instead of
  /// returning a result with a warning when the reduced Hessian is singular (needs `validate`).
  public var refuseSingular: Bool

  public init(solver: SolverChoice = SolverChoice(), projectTranslations: Bool = true,
              excludeRattlers: Bool = true, refusalForce: Double = 1e-6, warningForce: Double = 1e-9,
              neighbourSkin: Double? = nil, validate: Bool = true, lanczosSteps: Int = 150,
              minimumContacts: Int? = nil, singularityThreshold: Double = 1e-8, refuseSingular: Bool = false,
              preconditioner: HessianPreconditioner = .symmetricSOR(relaxation: 1)) {
    self.solver = solver
    self.preconditioner = preconditioner
    self.projectTranslations = projectTranslations
    self.excludeRattlers = excludeRattlers
    self.refusalForce = refusalForce
    self.warningForce = warningForce
    self.neighbourSkin = neighbourSkin
    self.validate = validate
    self.lanczosSteps = lanczosSteps
    self.minimumContacts = minimumContacts
    self.singularityThreshold = singularityThreshold
    self.refuseSingular = refuseSingular
  }
}
