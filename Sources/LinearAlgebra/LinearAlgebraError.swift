/// Why a dense factorisation or a preconditioner could not be built: thrown instead of returning
/// NaNs or crashing on bad input.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
  /// LU found a zero pivot U[k,k] (or a reciprocal condition number below machine epsilon, in
  /// which case k is the position of the smallest pivot). `pivotIndex` is 0-based.
  case singularMatrix(pivotIndex: Int)
  /// Cholesky failed: the leading minor of this order (1-based, as LAPACK counts) is not positive.
  case notPositiveDefinite(leadingMinorOrder: Int)
  /// An operand's size does not fit: `expected` components or rows, `actual` given.
  case dimensionMismatch(expected: Int, actual: Int)
  /// A matrix required to be symmetric differs from its transpose at (row, column) by more than the
  /// tolerance.
  case notSymmetric(row: Int, column: Int)
  /// A NaN or infinity in the input.
  case nonFiniteInput
  /// An argument is unusable for a reason the message states (e.g. a projection that annihilates
  /// every starting vector).
  case invalidArgument(String)
  /// A LAPACK routine failed to converge or rejected an argument (`info` as LAPACK reports it).
  case lapackFailure(routine: String, info: Int)

  public var description: String {
    switch self {
    case .singularMatrix(let pivot): return "singular matrix (zero pivot at index \(pivot))"
    case .notPositiveDefinite(let order):
      return "matrix not positive definite (leading minor of order \(order))"
    case .dimensionMismatch(let expected, let actual):
      return "dimension mismatch: expected \(expected), got \(actual)"
    case .notSymmetric(let row, let column):
      return "matrix not symmetric at (\(row), \(column))"
    case .nonFiniteInput: return "non-finite value in the input"
    case .invalidArgument(let reason): return "invalid argument: \(reason)"
    case .lapackFailure(let routine, let info): return "\(routine) failed with info = \(info)"
    }
  }
}
