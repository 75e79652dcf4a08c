/// An a-posteriori error estimate in the spirit of Theorem 1 of Blondel et al. (2022), for the
/// derivative J·dθ of a root x*(θ) computed at an approximate root x̂.
///
/// With A (on range(P), P the null-space projector or I) α-well-conditioned, α = λ_min its smallest
/// eigenvalue, and A, B Lipschitz along the way from x̂ to x*:
///
///     ‖x̂ − x*‖ ≲ ‖P F(x̂, θ)‖ / λ_min                       (one Newton step; state units)
///     ‖J(x̂) − J(x*)‖ ≤ C ‖x̂ − x*‖,  C = (‖∂ᵤB·dθ‖ + ‖(∂ᵤA) J·dθ‖) / λ_min,
///
/// which follows from J(x̂) − J(x*) = A⁻¹[B(x̂) − B(x*)] + A⁻¹[A(x*) − A(x̂)] J(x*). The directional
/// derivatives ∂ᵤB·dθ and (∂ᵤA) J·dθ are estimated from the data by central differences of the
/// linear maps at x̂ ± εu (``ValidationOptions/differenceStep``), with u the unit direction of
/// P F(x̂, θ) (the direction in which x̂ is off, to first order), or of J·dθ itself when F(x̂, θ)
/// vanishes exactly. This is an estimate of the constant along the actual error direction, not a
/// worst-case bound.
///
/// The linear solve adds its own error, bounded by ‖P B·dθ − A Ĵ·dθ‖ / λ_min: ``solveError``.
public struct ErrorEstimate: Sendable, Codable, Equatable {
  /// ‖P F(x̂, θ)‖ / λ_min (state units).
  public var positionError: Double
  /// C (per θ unit of dθ): the error of J·dθ (state per θ unit) per unit of state error.
  public var lipschitzConstant: Double
  /// C·‖x̂ − x*‖, the estimated error of J·dθ that the inexact root causes (state / θ units).
  public var sensitivityError: Double
  /// sensitivityError / ‖J·dθ‖.
  public var relativeSensitivityError: Double
  /// ‖P B·dθ − A Ĵ·dθ‖ / λ_min: the error the inexact linear solve leaves (state / θ units).
  public var solveError: Double = 0
  /// solveError / ‖J·dθ‖.
  public var relativeSolveError: Double = 0

  public init(positionError: Double, lipschitzConstant: Double, sensitivityError: Double,
              relativeSensitivityError: Double, solveError: Double = 0, relativeSolveError: Double = 0) {
    self.positionError = positionError
    self.lipschitzConstant = lipschitzConstant
    self.sensitivityError = sensitivityError
    self.relativeSensitivityError = relativeSensitivityError
    self.solveError = solveError
    self.relativeSolveError = relativeSolveError
  }
}
