/// How far an implicit sensitivity can be trusted.
public struct ValidityReport: Sendable, Codable {
  /// max |Fᵢₖ(x̂)| (energy / length).
  public var maximumForce: Double
  /// ‖P F(x̂)‖ over the non-rattler components, translations projected (energy / length).
  public var residualForceNorm: Double
  /// Solver name, iterations, final relative residual and whether it converged.
  public var solverName: String
  public var solverIterations: Int
  public var solverResidual: Double
  public var solverConverged: Bool
  /// Excluded particles, and the zero modes removed (d per rattler + d translations).
  public var rattlers: [Int]
  public var zeroModesRemoved: Int
  /// Smallest and largest eigenvalue of P H P on the rigid network (Lanczos; energy / length²).
  public var smallestEigenvalue: Double?
  public var largestEigenvalue: Double?
  public var eigenvalueConverged: Bool?
  /// Whether λ_min ≤ ``ImplicitOptions/singularityThreshold``·λ_max: a floppy mode beyond the
  /// translations and removed rattlers, so the returned sensitivity is one of many (nil: not checked).
  public var singular: Bool?
  /// The a-posteriori estimate (see ``ErrorEstimate``).
  public var errorEstimate: ErrorEstimate?
  /// Σ|dxᵢₖ/dθ| in normalised coordinates (the paper's Fig. 17 quantity), set by the method.
  public var normalisedL1Norm: Double?
  /// Human-readable warnings (force above the warning threshold, unconverged Lanczos, ...).
  public var warnings: [String]

  public init(maximumForce: Double, residualForceNorm: Double, solverName: String, solverIterations: Int,
              solverResidual: Double, solverConverged: Bool, rattlers: [Int], zeroModesRemoved: Int,
              smallestEigenvalue: Double? = nil, largestEigenvalue: Double? = nil,
              eigenvalueConverged: Bool? = nil, errorEstimate: ErrorEstimate? = nil, warnings: [String] = []) {
    self.maximumForce = maximumForce
    self.residualForceNorm = residualForceNorm
    self.solverName = solverName
    self.solverIterations = solverIterations
    self.solverResidual = solverResidual
    self.solverConverged = solverConverged
    self.rattlers = rattlers
    self.zeroModesRemoved = zeroModesRemoved
    self.smallestEigenvalue = smallestEigenvalue
    self.largestEigenvalue = largestEigenvalue
    self.eigenvalueConverged = eigenvalueConverged
    self.errorEstimate = errorEstimate
    self.warnings = warnings
  }
}

/// An a-posteriori error estimate in the spirit of Theorem 1 of Blondel et al. (2022).
///
/// With A = P H P α-well-conditioned (α = λ_min, the smallest non-zero eigenvalue), B = ∂F/∂θ and
/// A Lipschitz along the way from x̂ to x*:
///
///     ‖x̂ − x*‖ ≲ ‖P F(x̂)‖ / λ_min                        (one Newton step; length units)
///     ‖J(x̂) − J(x*)‖ ≤ C ‖x̂ − x*‖,  C = (‖∂ᵤB‖ + ‖(∂ᵤA) J‖) / λ_min,
///
/// which follows from J(x̂) − J(x*) = A⁻¹[B(x̂) − B(x*)] + A⁻¹[A(x*) − A(x̂)] J(x*). The directional
/// derivatives ∂ᵤB and (∂ᵤA)J are estimated from the data by central differences of the dual-number
/// force map at x̂ ± εu (ε = 10⁻⁶·L), with u the unit direction of P F(x̂) (the direction in which x̂
/// is off, to first order), or of J itself when F(x̂) vanishes exactly. This is an estimate of the
/// constant along the actual error direction, not a worst-case bound.
///
/// The linear solve adds its own error, bounded by ‖b − A Ĵ‖ / λ_min (A symmetric positive definite
/// on the rigid network): ``solveError``.
public struct ErrorEstimate: Sendable, Codable {
  /// ‖P F(x̂)‖ / λ_min (length units).
  public var positionError: Double
  /// C (per θ unit): the error of dR/dθ (length per θ unit) per unit of position error (length).
  public var lipschitzConstant: Double
  /// C·‖x̂ − x*‖ for dR/dθ at fixed normalised coordinates (length / θ units).
  public var sensitivityError: Double
  /// sensitivityError / ‖J‖.
  public var relativeSensitivityError: Double
  /// ‖b − A Ĵ‖ / λ_min: the error the inexact linear solve leaves (length per θ unit).
  public var solveError: Double = 0
  /// solveError / ‖J‖.
  public var relativeSolveError: Double = 0

  public init(positionError: Double, lipschitzConstant: Double, sensitivityError: Double,
              relativeSensitivityError: Double) {
    self.positionError = positionError
    self.lipschitzConstant = lipschitzConstant
    self.sensitivityError = sensitivityError
    self.relativeSensitivityError = relativeSensitivityError
  }
}
