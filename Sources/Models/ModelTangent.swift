/// dq/dθ for every quantity q of a ``ParticleModel``: zero except what θ moves.
public struct ModelTangent: Sendable, Equatable {
  /// (1/L) dL/dθ, the same for every edge (isotropic scaling). Positions at fixed normalised
  /// coordinates move with it: dR/dθ|ₓ = R·rate.
  public var boxScaleRate = 0.0
  /// dσₐᵦ/dθ (empty: zero).
  public var table: [[Double]] = []
  public var epsilon = 0.0
  public var alpha = 0.0
  /// dF/dθ of the cell's deformation (d×d; empty: zero). Positions are reference coordinates and
  /// do not move with it: seeded, the forces' tangent is the affine force field Ξ = ∂F/∂ε at fixed X.
  public var strain: [[Double]] = []

  public init() {}
}

