import LinearAlgebra

/// Which linear solver handles H J = B (and the adjoint H w = g), with its settings.
public struct SolverChoice: Sendable, Equatable {
  public enum Method: String, Sendable, Equatable, CaseIterable {
    /// BiCGSTAB: the paper's (JAXopt's) default, kept for parity.
    case bicgstab
    /// Conjugate gradients: the natural choice for the symmetric positive definite projected H.
    case conjugateGradient = "cg"
    case minres
    case gmres
    /// LU of the assembled matrix (d·N products): the reference, for N ≤ 2000.
    case dense
  }

  public var method: Method
  /// Relative residual ‖b − A x‖/‖b‖ to reach. The paper's 1e-5 is ~1e-3 off; 1e-10 is the default.
  public var tolerance: Double
  public var maximumIterations: Int
  /// Precondition with diag(H) (iterative methods only).
  public var jacobi: Bool
  /// GMRES restart length.
  public var restartLength: Int

  public init(_ method: Method = .bicgstab, tolerance: Double = 1e-10, maximumIterations: Int = 20_000,
              jacobi: Bool = false, restartLength: Int = 50) {
    self.method = method
    self.tolerance = tolerance
    self.maximumIterations = maximumIterations
    self.jacobi = jacobi
    self.restartLength = restartLength
  }

  /// The largest system the dense method accepts, in particles.
  public static let denseParticleLimit = 2000

  /// The configured solver; `diagonal` is the operator's diagonal (for Jacobi).
  public func makeSolver(diagonal: [Double]) throws(SensitivityError) -> any LinearSolver {
    var preconditioner: (any Preconditioner)? = nil
    if jacobi && method != .dense {
      do {
        preconditioner = try JacobiPreconditioner(diagonal: diagonal, usingAbsoluteValues: method == .minres)
      } catch {
        throw .invalidInput("Jacobi preconditioner: \(error)")
      }
    }
    switch method {
    case .bicgstab:
      return BiCGSTAB(tolerance: tolerance, maximumIterations: maximumIterations, preconditioner: preconditioner)
    case .conjugateGradient:
      return ConjugateGradient(tolerance: tolerance, maximumIterations: maximumIterations,
                               preconditioner: preconditioner)
    case .minres:
      return MINRES(tolerance: tolerance, maximumIterations: maximumIterations, preconditioner: preconditioner)
    case .gmres:
      return GMRES(tolerance: tolerance, maximumIterations: maximumIterations, restartLength: restartLength,
                   preconditioner: preconditioner)
    case .dense:
      return DenseLinearSolver(tolerance: tolerance)
    }
  }
}
