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

  public var description: String {
    switch self {
    case .dimensionMismatch(let quantity, let expected, let actual):
      return "\(quantity) has \(actual) components, expected \(expected)"
    case .nonFinite(let quantity, let index):
      return "\(quantity) has a non-finite component at index \(index)"
    case .linearSolveFailed(let solver, let status, let iterations, let residual):
      return "linear solve (\(solver)) failed: \(status) after \(iterations) iterations, "
        + "relative residual \(residual)"
    }
  }
}

/// Throws ``ImplicitDifferentiationError/dimensionMismatch(quantity:expected:actual:)`` unless the
/// array has the expected length.
@inlinable
func requireCount(_ values: [Double], _ expected: Int, _ quantity: String) throws {
  guard values.count == expected else {
    throw ImplicitDifferentiationError.dimensionMismatch(
      quantity: quantity, expected: expected, actual: values.count)
  }
}

/// Throws ``ImplicitDifferentiationError/nonFinite(quantity:index:)`` at the first NaN or infinity.
@inlinable
func requireFinite(_ values: [Double], _ quantity: String) throws {
  if let index = values.firstIndex(where: { !$0.isFinite }) {
    throw ImplicitDifferentiationError.nonFinite(quantity: quantity, index: index)
  }
}
