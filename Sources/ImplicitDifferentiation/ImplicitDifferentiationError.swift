import LinearAlgebra

/// Why an implicit derivative could not be computed: thrown instead of returning NaNs.
public enum ImplicitDifferentiationError: Error, Equatable, Sendable, CustomStringConvertible {
  /// An array has the wrong number of components: `quantity` names it ("parameter tangent",
  /// "cotangent", "optimality mapping output", ...).
  case dimensionMismatch(quantity: String, expected: Int, actual: Int)
  /// A NaN or an infinity in an input or an intermediate result; `index` is the first offending
  /// component.
  case nonFinite(quantity: String, index: Int)
  /// The linear system A·z = B·dθ (or Aᵀ·w = u) was not solved to the solver's tolerance.
  case linearSolveFailed(
    solver: String, status: LinearSolveStatus, iterations: Int, relativeResidual: Double)
  /// A right-hand side has a component in the stated null space of A: A J = B has no solution.
  /// `nullSpaceComponent` is ‖Tᵀ b‖ / ‖b‖, above ``NullSpace/consistencyTolerance`` (`tolerance`).
  case inconsistentRightHandSide(quantity: String, nullSpaceComponent: Double, tolerance: Double)
  /// A null space was given for a non-symmetric A, whose left null space differs from the right one.
  case nullSpaceNeedsSymmetricOperator(structure: LinearMapStructure)
  /// The vectors given as an orthonormal null-space basis are not: tᵢᵀtⱼ (`first` = i, `second` = j)
  /// is `innerProduct` instead of δᵢⱼ.
  case nullSpaceBasisNotOrthonormal(first: Int, second: Int, innerProduct: Double)
  /// Null-space vector `index` depends on the previous ones: only `remainingFraction` of its norm
  /// is left once its components along them are removed.
  case nullSpaceBasisDependent(index: Int, remainingFraction: Double)
  /// The configured linear solver cannot be built (``SolverChoice/makeSolver(structure:dimension:diagonal:preconditioner:)``):
  /// a dense solve too large, a Jacobi preconditioner without a usable diagonal; `reason` says which.
  case solverUnavailable(reason: String)

  public var description: String {
    switch self {
    case .dimensionMismatch(let quantity, let expected, let actual):
      return "\(quantity) has \(actual) components, expected \(expected)"
    case .nonFinite(let quantity, let index):
      return "\(quantity) has a non-finite component at index \(index)"
    case .linearSolveFailed(let solver, let status, let iterations, let residual):
      return "linear solve (\(solver)) failed: \(status) after \(iterations) iterations, "
        + "relative residual \(residual)"
    case .inconsistentRightHandSide(let quantity, let component, let tolerance):
      return "\(quantity) has a relative component \(component) in the null space of A "
        + "(tolerance \(tolerance)): the linear system has no solution"
    case .nullSpaceNeedsSymmetricOperator(let structure):
      return "a null space is supported only for a symmetric A (A is \(structure)): a non-symmetric "
        + "A has different left and right null spaces"
    case .nullSpaceBasisNotOrthonormal(let first, let second, let product):
      return "null-space basis not orthonormal: t\(first)ᵀt\(second) = \(product)"
    case .nullSpaceBasisDependent(let index, let fraction):
      return "null-space vector \(index) depends on the previous ones "
        + "(\(fraction) of its norm is independent of them)"
    case .solverUnavailable(let reason):
      return "linear solver unavailable: \(reason)"
    }
  }
}

/// Throws ``ImplicitDifferentiationError/dimensionMismatch(quantity:expected:actual:)`` unless the
/// array has the expected length.
@inlinable
func requireCount(_ values: [Double], _ expected: Int, _ quantity: String)
  throws(ImplicitDifferentiationError)
{
  guard values.count == expected else {
    throw ImplicitDifferentiationError.dimensionMismatch(
      quantity: quantity, expected: expected, actual: values.count)
  }
}

/// Throws ``ImplicitDifferentiationError/nonFinite(quantity:index:)`` at the first NaN or infinity.
@inlinable
func requireFinite(_ values: [Double], _ quantity: String) throws(ImplicitDifferentiationError) {
  if let index = values.firstIndex(where: { !$0.isFinite }) {
    throw ImplicitDifferentiationError.nonFinite(quantity: quantity, index: index)
  }
}
