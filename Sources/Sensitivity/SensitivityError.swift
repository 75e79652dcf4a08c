import LinearAlgebra

/// Why a sensitivity could not be computed: thrown rather than returning a silently wrong answer.
public enum SensitivityError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The parameter does not exist in this model (alpha of Lennard-Jones, a missing species, ...).
  case unsupportedParameter(String)
  /// max |Fᵢₖ| at x̂ exceeds the refusal threshold: x̂ is not a minimum, so H J = B does not
  /// describe how a minimum moves.
  case notAMinimum(maximumForce: Double, threshold: Double)
  /// The linear solve H J = B (or the adjoint solve) missed its tolerance.
  case solveDidNotConverge(solver: String, status: String, relativeResidual: Double, iterations: Int)
  /// Positions of the wrong length, or another inconsistent input.
  case invalidInput(String)
  /// Every degree of freedom belongs to a rattler: there is no rigid network to differentiate.
  case noRigidNetwork
  /// The Hessian on the reduced space (translations projected, rattlers removed) is singular: a
  /// floppy mode remains, so H J = B has no unique solution (thrown only when
  /// ``ImplicitOptions/refuseSingular`` is set; otherwise the validity report warns).
  case singularHessian(smallestEigenvalue: Double, largestEigenvalue: Double)

  public var description: String {
    switch self {
    case .unsupportedParameter(let what): return "unsupported parameter: \(what)"
    case .notAMinimum(let force, let threshold):
      return "not a minimum: max force component \(force) exceeds \(threshold)"
    case .solveDidNotConverge(let solver, let status, let residual, let iterations):
      return "\(solver) did not converge (\(status)) after \(iterations) iterations: relative residual \(residual)"
    case .invalidInput(let reason): return "invalid input: \(reason)"
    case .noRigidNetwork: return "every particle is a rattler"
    case .singularHessian(let smallest, let largest):
      return "singular reduced Hessian: smallest non-zero eigenvalue \(smallest), largest \(largest) (floppy mode)"
    }
  }
}
