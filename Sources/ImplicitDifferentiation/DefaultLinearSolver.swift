import LinearAlgebra

/// The solver used when a call does not name one.
///
/// - d ≤ ``denseDimensionLimit``: LU with partial pivoting on the assembled A (`DenseLinearSolver`):
///   d products to assemble, exact to rounding, no tolerance to tune.
/// - Larger d, by the structure of A: CG for a definite A (the engine hands it −A when A is negative
///   definite), MINRES for a symmetric indefinite one, restarted GMRES otherwise.
///   All with a relative tolerance of 1e-10 (at the 1e-5 often used, BiCGSTAB derivatives were
///   measured off by ~1e-3 relative).
public func defaultLinearSolver(structure: LinearMapStructure, dimension: Int) -> any LinearSolver {
  if dimension <= denseDimensionLimit { return DenseLinearSolver() }
  switch structure {
  case .symmetricPositiveDefinite, .symmetricNegativeDefinite: return ConjugateGradient()
  case .symmetric: return MINRES()
  case .general: return GMRES()
  }
}

/// The largest d for which ``defaultLinearSolver(structure:dimension:)`` assembles A densely.
public let denseDimensionLimit = 64
