import ImplicitDifferentiation

/// How far an implicit sensitivity can be trusted: the engine's report on the root (residual,
/// solve, spectrum, Theorem 1 error estimate) and what is particular to a packing.
public struct ValidityReport: Sendable, Codable {
  /// max |Fᵢₖ(x̂)| (energy / length).
  public var maximumForce: Double
  /// Excluded particles.
  public var rattlers: [Int]
  /// Zero modes removed: d per rattler, and the rigid-body modes of every cluster.
  public var zeroModesRemoved: Int
  /// The engine's report: ‖P F(x̂)‖ over the backbone (energy / length), the solver with its typed
  /// status, the extreme eigenvalues of P H P (Lanczos; energy / length²), whether it is singular
  /// (a floppy mode beyond the rigid-body modes and the rattlers) and the a-posteriori estimate.
  public var root: RootValidityReport
  /// Σ|dxᵢₖ/dθ| in normalised coordinates (the paper's Fig. 17 quantity), set by the method.
  public var normalisedL1Norm: Double?
  /// Human-readable warnings: the minimum's and the root's.
  public var warnings: [String]
}
