import DualNumbers

/// M⁻¹ ≈ (∇²E)⁻¹ up to a scale: a symmetric positive definite map of force-like vectors, which
/// may depend on where the particles are. L-BFGS takes H₀ = γ M⁻¹ as the start of its two-loop
/// recursion instead of γ I (Nocedal & Wright, *Numerical Optimization*, §7.2), so that modes M
/// captures need not be learnt from the last m steps. L-BFGS keeps γ = s·y / y·y, which sets the scale
/// from the stiffest modes, so M⁻¹ must be of order one there (the long-wavelength preconditioner is
/// the identity at short wavelengths; a Jacobi M⁻¹ would be diag(H)⁻¹ times its mean): one
/// application per iteration, none spent on γ. (Unlike LinearAlgebra's `Preconditioner` of a
/// fixed linear operator, it follows the configuration a minimiser is at.)
public protocol LandscapePreconditioner {
  associatedtype Scalar: RealScalar

  /// v ← M⁻¹ v for the configuration `positions` (flat, length units; v in force units).
  mutating func apply(to vector: inout [Scalar], at positions: [Scalar])
}

/// M = I: plain L-BFGS, H₀ = γ I.
public struct IdentityPreconditioner<Scalar: RealScalar>: LandscapePreconditioner {
  public init() {}

  @inlinable
  public mutating func apply(to vector: inout [Scalar], at positions: [Scalar]) {}
}
