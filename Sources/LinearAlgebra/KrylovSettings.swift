/// The stopping rule and the preconditioner that every Krylov solver here shares: stop when
/// ‖b − A·x‖ ≤ tolerance·‖b‖, after `maximumIterations` products with A, or when the best residual
/// has not improved by 0.1 % over `stagnationWindow` iterations (0 disables that check).
public struct KrylovSettings: Sendable {
  /// Stop when ‖b − A·x‖ ≤ tolerance·‖b‖.
  public var tolerance: Double
  public var maximumIterations: Int
  /// M⁻¹ applied to residuals (nil: none); see each solver for the side and the requirements on M.
  public var preconditioner: (any Preconditioner)?
  /// Iterations over which the best residual must improve by 0.1 % (0 disables the check).
  public var stagnationWindow: Int

  public init(tolerance: Double = 1e-10, maximumIterations: Int = 10_000,
              preconditioner: (any Preconditioner)? = nil, stagnationWindow: Int = 500) {
    self.tolerance = tolerance
    self.maximumIterations = maximumIterations
    self.preconditioner = preconditioner
    self.stagnationWindow = stagnationWindow
  }
}

/// A Krylov method (``ConjugateGradient``, ``MINRES``, ``BiCGSTAB``, ``GMRES``): its
/// ``KrylovSettings``, also read and written under their own names (`solver.tolerance = 1e-12`).
public protocol KrylovSolver: LinearSolver {
  var settings: KrylovSettings { get set }
}

extension KrylovSolver {
  /// Stop when ‖b − A·x‖ ≤ tolerance·‖b‖.
  public var tolerance: Double {
    get { settings.tolerance }
    set { settings.tolerance = newValue }
  }

  public var maximumIterations: Int {
    get { settings.maximumIterations }
    set { settings.maximumIterations = newValue }
  }

  public var preconditioner: (any Preconditioner)? {
    get { settings.preconditioner }
    set { settings.preconditioner = newValue }
  }

  /// Iterations over which the best residual must improve by 0.1 % (0 disables the check).
  public var stagnationWindow: Int {
    get { settings.stagnationWindow }
    set { settings.stagnationWindow = newValue }
  }
}
