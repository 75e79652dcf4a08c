import Minimization
import Models
import Particles

/// What a finite-difference sensitivity saw at θ ± h.
public struct FiniteDifferenceReport: Sendable, Codable {
  /// The step h (θ units).
  public var step: Double
  /// Max force components of the minima at θ + h and θ − h.
  public var maximumForcePlus: Double
  public var maximumForceMinus: Double
  /// Whether both re-minimisations reached their force tolerance.
  public var converged: Bool
  /// Contacts gained plus contacts lost at θ + h and at θ − h, relative to x*.
  public var contactChangesPlus: Int
  public var contactChangesMinus: Int
  /// The rattlers of x* (the same rule as the implicit method), whose sensitivity is set to zero.
  public var rattlers: [Int] = []
  /// max |Δx|/2h over the rattlers' components before they were zeroed (normalised, per θ unit):
  /// how far re-minimisation moved them. A rattler that was kicked drifts wherever FIRE's inertia
  /// leaves it, so this is not a derivative.
  public var largestRattlerQuotient: Double = 0
  /// True when the contact network at θ ± h equals that at x*: the difference quotient then samples
  /// one smooth branch of x*(θ). When false, the report says the FD value may be meaningless.
  public var networkUnchanged: Bool { contactChangesPlus == 0 && contactChangesMinus == 0 }
}

/// dx*/dθ by central differences, dx/dθ ≈ (x*(θ+h) − x*(θ−h)) / 2h in normalised coordinates,
/// re-minimising at θ ± h warm-started from x* itself (at the same normalised coordinates, so the
/// box may change with θ): a cold start from the original random configuration often lands in a
/// neighbouring minimum.
///
/// The result is given in the implicit method's gauge (``SensitivityGauge``), so that the two
/// compare directly: the rattlers of x* (``RattlerDetection``, unless `excludeRattlers` is false)
/// get zero sensitivity, and every cluster's rigid-body motion is projected out. FIRE conserves
/// total momentum, so without rattlers the mean motion is round-off; but a rattler that a contact
/// within ±h kicks keeps drifting, and the backbone then recoils by −(its displacement)/N.
public enum FiniteDifferenceSensitivity {
  /// Refuses a step h for which the quotient would not be a derivative: θ ± h must be distinct
  /// doubles well above rounding (below ~10⁻¹²|θ| the minima at θ ± h differ by rounding noise, and
  /// at θ ± h == θ the quotient is exactly 0), and the model must be defined at both (no diameter,
  /// ε or box ≤ 0, no soft-sphere α ≤ 1). `compute` checks it; callers may check before
  /// minimising.
  public static func checkStep(_ step: Double, model: ParticleModel, parameter: SensitivityParameter,
                               holding held: HeldQuantity) throws(SensitivityError) {
    let θ = try model.value(of: parameter)
    guard step.isFinite, step > 0, θ + step > θ, θ - step < θ, step >= 1e-12 * abs(θ) else {
      throw .invalidInput("the finite-difference step h = \(step) is too small for θ = \(θ) (h must be at least 1e-12·|θ|)")
    }
    for sign in [1.0, -1.0] { _ = try model.setting(parameter, to: θ + sign * step, holding: held) }
  }

  public static func compute(
    model: ParticleModel, positions: [Double], parameter: SensitivityParameter,
    holding held: HeldQuantity = .packingFraction, step: Double = 1e-6,
    using choice: MinimizerChoice? = nil, excludeRattlers: Bool = true,
    refusalForce: Double = ImplicitOptions().refusalForce
  ) throws(SensitivityError) -> PositionSensitivity {
    guard positions.count == model.degreesOfFreedom else { throw .invalidInput("positions do not fit the model") }
    guard positions.allSatisfy(\.isFinite) else { throw .invalidInput("non-finite position") }
    let θ = try model.value(of: parameter)
    try checkStep(step, model: model, parameter: parameter, holding: held)
    // The same refusal as the implicit method: away from a minimum, re-minimising at θ ± h lands
    // wherever FIRE goes, and the quotient is not the motion of a minimum.
    let maximumForce = model.forces(at: positions).forces.reduce(0) { max($0, abs($1)) }
    guard maximumForce <= refusalForce else {
      throw .notAMinimum(maximumForce: maximumForce, threshold: refusalForce)
    }
    // Re-minimised well below the refusal force: the quotient divides their difference by 2h.
    var choice = choice ?? MinimizerChoice(potential: model.potential, largestDiameter: model.largestDiameter)
    choice.forceTolerance = min(choice.forceTolerance, 1e-13)
    choice.maximumSteps = max(choice.maximumSteps, 100_000)
    let dimension = model.dimension
    let reference = model.contactNetwork(at: positions)
    let gauge = SensitivityGauge(model: model, positions: positions, excludeRattlers: excludeRattlers)
    let rattlers = gauge.rattlers
    var minima: [(positions: [Double], edges: [Double], force: Double, converged: Bool, changes: Int)] = []
    for sign in [1.0, -1.0] {
      let shifted = try model.setting(parameter, to: θ + sign * step, holding: held)
      let start = positions.indices.map { positions[$0] * shifted.boxEdges[$0 % dimension] / model.boxEdges[$0 % dimension] }
      let result: MinimizationOutcome
      do { result = try shifted.minimize(from: start, using: choice) } catch { throw .invalidInput(error.message) }
      let network = shifted.contactNetwork(at: result.positions)
      let difference = network.difference(from: reference)
      minima.append((result.positions, shifted.boxEdges, result.maximumForce, result.converged,
                     difference.added.count + difference.removed.count))
    }
    let (plus, minus) = (minima[0], minima[1])
    var normalised = [Double](repeating: 0, count: positions.count)
    var physical = normalised
    let edgeDerivatives = (0..<dimension).map { (plus.edges[$0] - minus.edges[$0]) / (2 * step) }
    for index in positions.indices {
      let k = index % dimension
      var change = plus.positions[index] / plus.edges[k] - minus.positions[index] / minus.edges[k]
      if model.periodic { change = minimumImage(change, period: 1.0) }
      normalised[index] = change / (2 * step)
    }
    // The implicit method's gauge: rattlers zero, every cluster's rigid-body motion removed.
    let largestRattlerQuotient = rattlers.reduce(0.0) { largest, particle in
      (0..<dimension).reduce(largest) { max($0, abs(normalised[particle * dimension + $1])) }
    }
    normalised = gauge.apply(toNormalised: normalised)
    for index in positions.indices {
      let k = index % dimension
      physical[index] = positions[index] / model.boxEdges[k] * edgeDerivatives[k] + model.boxEdges[k] * normalised[index]
    }
    var report = FiniteDifferenceReport(step: step, maximumForcePlus: plus.force, maximumForceMinus: minus.force,
                                        converged: plus.converged && minus.converged,
                                        contactChangesPlus: plus.changes, contactChangesMinus: minus.changes)
    report.rattlers = rattlers
    report.largestRattlerQuotient = largestRattlerQuotient
    return PositionSensitivity(method: .finiteDifference, parameter: parameter, held: held, parameterValue: θ,
                               positions: positions, boxEdges: model.boxEdges, boxEdgeDerivatives: edgeDerivatives,
                               physical: physical, normalised: normalised, rattlers: rattlers,
                               finiteDifference: report)
  }
}
