/// What an inner solver returns: β, optionally dβ/dθ through its iterations, and how far it got.
public struct SVMInnerSolution: Sendable {
  /// β, m × k, every row on the simplex.
  public var solution: Matrix
  /// dβ/dθ propagated through the iterations in forward mode (unrolled differentiation), with the
  /// start held constant; nil unless requested.
  public var tangent: Matrix?
  /// Updates performed (epochs for block coordinate descent).
  public var iterations: Int
  /// r(β) = ‖β − P_Δ(β − η∇₁f(β))‖_F / ‖β‖_F at `solution`
  /// (``MulticlassSVMDual/projectedGradientResidual(_:gradient:_:)``).
  public var residual: Double
  /// Whether `residual` reached the tolerance before the iteration cap.
  public var converged: Bool

  public init(solution: Matrix, tangent: Matrix?, iterations: Int, residual: Double, converged: Bool) {
    self.solution = solution
    self.tangent = tangent
    self.iterations = iterations
    self.residual = residual
    self.converged = converged
  }
}
