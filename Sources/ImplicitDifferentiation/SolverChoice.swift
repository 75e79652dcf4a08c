import LinearAlgebra

/// Which linear solver handles A·z = B·dθ (and the adjoint Aᵀ·w = u), with its settings: the one
/// place where a method is chosen from the structure and size of A.
///
/// ``Method/automatic`` (the default, and what the engine uses when a call names no solver) picks
///
/// - d ≤ ``denseDimensionLimit``: LU with partial pivoting on the assembled A (`DenseLinearSolver`):
///   d products to assemble, exact to rounding, no tolerance to tune;
/// - larger d, by the structure of A: CG for a definite A (the engine hands it −A when A is negative
///   definite), MINRES for a symmetric indefinite one, restarted GMRES otherwise.
///
/// The default relative tolerance is 1e-10: at the 1e-5 often used, BiCGSTAB derivatives were
/// measured off by ~1e-3 relative.
public struct SolverChoice: Sendable, Equatable {
  public enum Method: String, Sendable, Equatable, CaseIterable {
    /// From the structure and size of A (see ``SolverChoice``).
    case automatic
    /// Conjugate gradients: symmetric definite A.
    case conjugateGradient = "cg"
    /// MINRES: symmetric, possibly indefinite A (a saddle point).
    case minres
    /// Restarted GMRES: any A.
    case gmres
    /// BiCGSTAB(2): any A; the paper's (JAXopt's) default, kept for parity.
    case bicgstab
    /// LU of the assembled A (d products): the reference, for d ≤ ``SolverChoice/maximumDenseDimension``.
    case dense

    /// A short stable name for reports and JSON: "automatic", "cg", "minres", "gmres", "bicgstab",
    /// "dense-lu" (the name `DenseLinearSolver` reports).
    public var name: String { self == .dense ? "dense-lu" : rawValue }
  }

  public var method: Method
  /// The relative residual ‖b − A z‖ / ‖b‖ to reach (and, for the dense solve, to report as converged).
  public var tolerance: Double
  /// Products with A an iterative method may spend.
  public var maximumIterations: Int
  /// Precondition with diag of the operator solved (iterative methods only; |diag| for MINRES).
  public var jacobi: Bool
  /// GMRES's Krylov dimension per cycle.
  public var restartLength: Int

  public init(_ method: Method = .automatic, tolerance: Double = 1e-10, maximumIterations: Int = 20_000,
              jacobi: Bool = false, restartLength: Int = 50) {
    self.method = method
    self.tolerance = tolerance
    self.maximumIterations = maximumIterations
    self.jacobi = jacobi
    self.restartLength = restartLength
  }

  /// The largest d for which ``Method/automatic`` assembles A densely.
  public static let denseDimensionLimit = 64

  /// The largest d an explicitly chosen ``Method/dense`` accepts: 6000 (2000 particles in 3D), a
  /// 288 MB matrix and d products to assemble it.
  public static let maximumDenseDimension = 6000

  /// A short stable name for reports and JSON (``Method/name``).
  public static func name(of method: Method) -> String { method.name }

  /// The method ``Method/automatic`` resolves to for an A of this structure and dimension d; any
  /// other method resolves to itself.
  public func resolvedMethod(structure: LinearMapStructure, dimension: Int) -> Method {
    guard method == .automatic else { return method }
    if dimension <= Self.denseDimensionLimit { return .dense }
    switch structure {
    case .symmetricPositiveDefinite, .symmetricNegativeDefinite: return .conjugateGradient
    case .symmetric: return .minres
    case .general: return .gmres
    }
  }

  /// The configured solver for an A of this structure and dimension d.
  ///
  /// - Parameters:
  ///   - structure: what is known of A (symmetric, definite, general), which picks the method.
  ///   - dimension: d, the size of A; dense methods are refused above ``maximumDenseDimension``.
  ///   - diagonal: diag of the operator actually solved (−A when the engine negates a
  ///     negative definite A), needed only with ``jacobi`` and an iterative method.
  ///   - supplied: the caller's preconditioner of the operator solved (one that knows its
  ///     structure, such as a particle Hessian's blocks), for an iterative method when ``jacobi``
  ///     is off; ``jacobi`` takes precedence.
  /// - Throws: ``ImplicitDifferentiationError/solverUnavailable(reason:)`` for a dense solve above
  ///   ``maximumDenseDimension``, Jacobi without a diagonal or with one of the wrong length, a zero
  ///   or non-finite diagonal entry, or a non-positive one for CG (whose preconditioner must be
  ///   positive definite).
  public func makeSolver(structure: LinearMapStructure, dimension: Int, diagonal: [Double]? = nil,
                         preconditioner supplied: (any Preconditioner)? = nil)
    throws(ImplicitDifferentiationError) -> any LinearSolver
  {
    let resolved = resolvedMethod(structure: structure, dimension: dimension)
    if resolved == .dense {
      guard dimension <= Self.maximumDenseDimension else {
        throw .solverUnavailable(reason: "a dense solve is limited to d ≤ \(Self.maximumDenseDimension) "
          + "(d = \(dimension)); choose an iterative method")
      }
      return DenseLinearSolver(tolerance: tolerance)
    }
    let preconditioner: (any Preconditioner)? =
      jacobi ? try jacobiPreconditioner(resolved, dimension: dimension, diagonal: diagonal) : supplied
    switch resolved {
    case .conjugateGradient:
      return ConjugateGradient(tolerance: tolerance, maximumIterations: maximumIterations,
                               preconditioner: preconditioner)
    case .minres:
      return MINRES(tolerance: tolerance, maximumIterations: maximumIterations, preconditioner: preconditioner)
    case .gmres:
      return GMRES(tolerance: tolerance, maximumIterations: maximumIterations, restartLength: restartLength,
                   preconditioner: preconditioner)
    case .bicgstab:
      return BiCGSTAB(tolerance: tolerance, maximumIterations: maximumIterations, preconditioner: preconditioner)
    case .automatic, .dense:
      preconditionFailure("resolved above")
    }
  }

  /// M = diag (|diag| for MINRES, which needs M positive definite).
  private func jacobiPreconditioner(_ method: Method, dimension: Int, diagonal: [Double]?)
    throws(ImplicitDifferentiationError) -> JacobiPreconditioner
  {
    guard let diagonal else {
      throw .solverUnavailable(reason: "Jacobi preconditioning needs the diagonal of the operator")
    }
    guard diagonal.count == dimension else {
      throw .solverUnavailable(reason: "Jacobi preconditioning: the diagonal has \(diagonal.count) "
        + "entries for d = \(dimension)")
    }
    if method == .conjugateGradient, let index = diagonal.firstIndex(where: { $0 <= 0 }) {
      throw .solverUnavailable(reason: "Jacobi preconditioning for CG needs a positive diagonal "
        + "(entry \(index) is \(diagonal[index]))")
    }
    do {
      return try JacobiPreconditioner(diagonal: diagonal, usingAbsoluteValues: method == .minres)
    } catch {
      throw .solverUnavailable(reason: "Jacobi preconditioning: \(error)")
    }
  }
}

/// The largest d for which the automatic choice assembles A densely (``SolverChoice/denseDimensionLimit``).
public let denseDimensionLimit = SolverChoice.denseDimensionLimit

/// The solver used when a call does not name one: ``SolverChoice`` with its defaults
/// (``SolverChoice/Method/automatic``), which never throws.
public func defaultLinearSolver(structure: LinearMapStructure, dimension: Int) -> any LinearSolver {
  do {
    return try SolverChoice().makeSolver(structure: structure, dimension: dimension)
  } catch {
    preconditionFailure("the automatic choice needs no diagonal and is dense only for small d: \(error)")
  }
}
