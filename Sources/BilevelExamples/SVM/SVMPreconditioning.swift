/// How the GMRES solve of the implicit SVM hypergradient, Aᵀw = ∇_β L, is preconditioned.
///
/// Measured at p = 500 (block coordinate descent, 10 outer steps, GMRES(100) to 1e-10): through
/// the mirror-descent fixed point, unpreconditioned GMRES stagnated at a relative residual of
/// 1.0e-10 after 4,193 iterations while the Jacobi-preconditioned one converged in 190 on average;
/// through the projected-gradient fixed point Jacobi made it slower (142 iterations against 75).
public enum SVMPreconditioning: String, CaseIterable, Sendable, Codable {
  /// Jacobi for the mirror-descent fixed point, none for the projected-gradient one.
  case automatic
  /// M = diag(A) (``svmFixedPointJacobiPreconditioner(_:condition:at:_:)``) for both.
  case jacobi
  /// Plain GMRES.
  case none

  /// Whether the solve through `condition`'s fixed point is Jacobi-preconditioned.
  public func usesJacobi(for condition: SVMOptimalityCondition) -> Bool {
    switch self {
    case .automatic: return condition == .mirrorDescent
    case .jacobi: return true
    case .none: return false
    }
  }
}
