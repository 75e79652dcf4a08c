import LinearAlgebra
import Models

/// The last decades of the force taken by Newton's method instead of FIRE: from a configuration
/// whose max |Fᵢₖ| is already small, Newton steps H δ = F (H = ∂²E/∂x², F = −∇E) solved inexactly by
/// truncated conjugate gradients (`SteihaugConjugateGradient`), each accepted by a backtracking
/// line search on the energy, until max |Fᵢₖ|² < tolerance².
///
/// - **Inexact solves.** ‖H δ − F‖ ≤ η‖F‖ with Eisenstat & Walker's (SIAM J. Sci. Comput. 17, 16
///   (1996)) choice 2, η_k = γ(‖F_k‖/‖F_{k−1}‖)², safeguarded by γη²_{k−1} when that exceeds 0.1,
///   capped at η_max and kept above ½·tolerance/‖F_k‖ (no point solving past the target): few
///   Krylov iterations far from the minimum, superlinear convergence near it.
/// - **Zero modes.** F is orthogonal to the d translations (Newton's third law), so the consistent
///   singular system needs no deflation; δ's mean is removed so that the packing does not drift.
///   A rattler with no contacts has a zero row and a zero force and stays where it is; one with a
///   few force-bearing contacts is relaxed with the rest (its curvature may be negative: see next).
/// - **Safeguards.** A direction of non-positive curvature (the stress terms of compressed
///   contacts, a contact about to open) truncates the solve at a descent step of the quadratic
///   model; the line search then asks E(x + sδ) ≤ E(x) − c·s·Fᵀδ, halving s. Below double
///   precision's resolution of E (|ΔE| ≤ 4ε|E|) it accepts a step that lowers ‖F‖ instead: there
///   the energy can no longer tell. Changes of the contact network are counted.
/// - **Failure.** A line search that cannot find a step, or the Newton-step limit, ends the finish
///   unconverged; the caller then hands the configuration back to FIRE.
public struct NewtonKrylovFinish: Sendable, Equatable {
  /// Stop at max |Fᵢₖ|² < tolerance² (energy / length units).
  public var forceTolerance: Double
  /// Newton steps before giving up.
  public var maximumNewtonSteps = 60
  /// Krylov iterations (Hessian products) per Newton step.
  public var maximumKrylovIterations = 20_000
  /// η_max and η₀.
  public var maximumForcingTerm = 0.1
  /// γ of the forcing term.
  public var forcingFactor = 0.9
  /// Armijo's c.
  public var sufficientDecrease = 1e-4
  /// Halvings of the step before the line search gives up.
  public var maximumHalvings = 30
  /// Verlet skin of the neighbour lists built at each Newton iterate (length units).
  public var neighbourSkin: Double

  public init(forceTolerance: Double, neighbourSkin: Double) {
    self.forceTolerance = forceTolerance
    self.neighbourSkin = neighbourSkin
  }
}

/// What a Newton–Krylov finish did.
public struct NewtonKrylovOutcome: Sendable {
  public enum Stop: String, Sendable {
    case forceTolerance = "force tolerance reached"
    case lineSearchFailed = "line search found no decrease"
    case maximumNewtonSteps = "maximum Newton steps reached"
    case nonFinite = "non-finite force or position"
  }

  public var positions: [Double]
  public var energy: Double
  public var maximumForce: Double
  public var stop: Stop
  public var converged: Bool { stop == .forceTolerance }
  /// Accepted Newton steps.
  public var newtonSteps: Int
  /// Hessian products over all solves.
  public var hessianProducts: Int
  /// Force evaluations (line-search trials included).
  public var forceEvaluations: Int
  /// Solves truncated at non-positive curvature.
  public var truncatedSolves: Int
  /// Accepted steps after which the contact network differed from the one before.
  public var contactNetworkChanges: Int
  /// E after each accepted step, the start first.
  public var energies: [Double]
  /// max |Fᵢₖ| after each accepted step, the start first.
  public var maximumForces: [Double]
}
