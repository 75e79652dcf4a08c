import ImplicitDifferentiation
import LinearAlgebra

/// Why a sensitivity could not be computed: thrown rather than returning a silently wrong answer.
public enum SensitivityError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The parameter does not exist in this model (alpha of Lennard-Jones, a missing species, ...).
  case unsupportedParameter(String)
  /// max |Fᵢₖ| at x̂ exceeds the refusal threshold: x̂ is not a minimum, so H J = B does not
  /// describe how a minimum moves.
  case notAMinimum(maximumForce: Double, threshold: Double)
  /// The linear solve H J = B (or the adjoint solve) missed its tolerance; `status` is the
  /// solver's own (typed, as in the JSON report).
  case solveDidNotConverge(solver: String, status: LinearSolveStatus, relativeResidual: Double, iterations: Int)
  /// The implicit-differentiation engine refused the problem (a right-hand side inconsistent with
  /// the rigid-body null space, a solver that does not apply, ...).
  case engine(ImplicitDifferentiationError)
  /// Positions of the wrong length, or another inconsistent input.
  case invalidInput(String)
  /// Every degree of freedom belongs to a rattler: there is no rigid network to differentiate.
  case noRigidNetwork
  /// The Hessian on the reduced space (translations projected, rattlers removed) is singular: a
  /// floppy mode remains, so H J = B has no unique solution (thrown only when
  /// ``ImplicitOptions/refuseSingular`` is set; otherwise the validity report warns).
  case singularHessian(smallestEigenvalue: Double, largestEigenvalue: Double)

  /// The engine's error as a sensitivity error: a failed solve keeps its own case.
  init(_ error: any Error) {
    switch error {
    case ImplicitDifferentiationError.linearSolveFailed(let solver, let status, let iterations, let residual):
      self = .solveDidNotConverge(solver: solver, status: status, relativeResidual: residual, iterations: iterations)
    case let error as ImplicitDifferentiationError: self = .engine(error)
    case let error as SensitivityError: self = error
    default: self = .invalidInput("\(error)")
    }
  }

  public var description: String {
    switch self {
    case .unsupportedParameter(let what): return "unsupported parameter: \(what)"
    case .notAMinimum(let force, let threshold):
      return "not a minimum: max force component \(force) exceeds \(threshold)"
    case .solveDidNotConverge(let solver, let status, let residual, let iterations):
      return "\(solver) did not converge (\(status)) after \(iterations) iterations: relative residual \(residual)"
    case .invalidInput(let reason): return "invalid input: \(reason)"
    case .engine(let error): return "\(error)"
    case .noRigidNetwork: return "every particle is a rattler"
    case .singularHessian(let smallest, let largest):
      return "singular reduced Hessian: smallest non-zero eigenvalue \(smallest), largest \(largest) (floppy mode)"
    }
  }
}
