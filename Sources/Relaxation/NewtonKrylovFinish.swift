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
///   contacts, a contact about to open) means the packing is still rearranging: the finish hands
///   it back to the minimiser (``NewtonKrylovFinish/requiresConvexity``; without it the solve is
///   truncated at a descent step of the quadratic model). The line search asks
///   E(x + sδ) ≤ E(x) − c·s·Fᵀδ, halving s. Below double precision's resolution of E
///   (|ΔE| ≤ 4√n·ε|E| for n coordinates, the rounding noise of a sum of n-fold many pair terms)
///   it accepts a step that lowers ‖F‖ by the same Armijo fraction instead: there the energy can
///   no longer tell, and ‖F‖ is the merit function of Newton's method for F(x) = 0. Changes of the
///   contact network are counted.
/// - **Failure.** A line search that cannot find a step, steps that are accepted only after
///   being cut a thousandfold three times in a row (the quadratic model has stopped describing the
///   landscape: contacts opening and closing), or the Newton-step limit end the finish unconverged;
///   the caller then hands the configuration back to the minimiser.
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
  /// A step accepted only at a fraction s < shortStep of the Newton step counts as shortened.
  public var shortStep = 1.0 / 1024
  /// Shortened steps in a row that end the finish as stalled (the minimiser takes over).
  public var maximumShortSteps = 3
  /// Whether a solve that meets non-positive curvature of H ends the finish at once
  /// (``NewtonKrylovOutcome/Stop/notConvex``), at the last accepted iterate (unmoved on the first
  /// solve). Non-positive curvature means the packing is still rearranging: it has not reached, or
  /// has left, the convex region around a minimum where Newton converges fast. The minimiser is the
  /// better method there: truncated Newton steps wander from one contact network to the next
  /// without converging. When false, Newton goes on with truncated steps.
  public var requiresConvexity = true
  /// Verlet skin of the neighbour lists built at each Newton iterate (length units).
  public var neighbourSkin: Double

  public init(forceTolerance: Double, neighbourSkin: Double) {
    self.forceTolerance = forceTolerance
    self.neighbourSkin = neighbourSkin
  }
}

extension NewtonKrylovFinish {
  /// How far a computed E may lie from the exact sum of its terms: a sum of many rounded terms
  /// errs by about √n·ε|E| (a random walk of roundings), so the energies of two nearby
  /// configurations differ by that noise even when the true change is far smaller. Four times
  /// that, n the number of coordinates, bounds the noise seen in practice (energy units).
  public static func energyResolution(_ energy: Double, coordinates: Int) -> Double {
    4 * Double(coordinates).squareRoot() * Double.ulpOfOne * abs(energy)
  }

  /// The line search's test of the trial point x + sδ: Armijo's sufficient decrease of the energy,
  /// ΔE ≤ −c·s·Fᵀδ (`slope` = Fᵀδ); or, where the energy cannot tell (|ΔE| ≤ `resolution`), the
  /// same fraction on the force norm, ‖F(x + sδ)‖ ≤ (1 − c·s)‖F(x)‖.
  public func accepts(energyChange: Double, resolution: Double, scale: Double, slope: Double,
                      forceNorm: Double, trialForceNorm: Double) -> Bool {
    energyChange <= -sufficientDecrease * scale * slope
      || (abs(energyChange) <= resolution && trialForceNorm <= (1 - sufficientDecrease * scale) * forceNorm)
  }
}

/// What a Newton–Krylov finish did.
public struct NewtonKrylovOutcome: Sendable {
  public enum Stop: String, Sendable {
    case forceTolerance = "force tolerance reached"
    case lineSearchFailed = "line search found no decrease"
    case maximumNewtonSteps = "maximum Newton steps reached"
    /// A Newton solve met non-positive curvature (with ``NewtonKrylovFinish/requiresConvexity``):
    /// the configuration is not (or no longer) in a convex region; the finish ends at its last
    /// accepted iterate.
    case notConvex = "not yet in a convex region"
    /// Several steps in a row were accepted only after shortening below ``NewtonKrylovFinish/shortStep``.
    case stalled = "Newton steps stalled"
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
  /// Steps taken along a solve truncated at non-positive curvature (none with
  /// ``NewtonKrylovFinish/requiresConvexity``, which ends the finish at such a solve instead).
  public var truncatedSolves: Int
  /// Accepted steps after which the contact network differed from the one before.
  public var contactNetworkChanges: Int
  /// E after each accepted step, the start first.
  public var energies: [Double]
  /// max |Fᵢₖ| after each accepted step, the start first.
  public var maximumForces: [Double]
}
