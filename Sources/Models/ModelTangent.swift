/// dq/dθ for every quantity q of a ``ParticleModel``: zero except what θ moves.
public struct ModelTangent: Sendable, Equatable {
  /// (1/L) dL/dθ, the same for every edge (isotropic scaling). Positions at fixed normalised
  /// coordinates move with it: dR/dθ|ₓ = R·rate.
  public var boxScaleRate = 0.0
  /// dσₐᵦ/dθ (empty: zero).
  public var table: [[Double]] = []
  public var epsilon = 0.0
  public var alpha = 0.0

  public init() {}
}

