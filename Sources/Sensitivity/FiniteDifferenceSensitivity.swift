import Minimization

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
  /// True when the contact network at θ ± h equals that at x*: the difference quotient then samples
  /// one smooth branch of x*(θ). When false, the report says the FD value may be meaningless.
  public var networkUnchanged: Bool { contactChangesPlus == 0 && contactChangesMinus == 0 }
}

/// dx*/dθ by central differences, dx/dθ ≈ (x*(θ+h) − x*(θ−h)) / 2h in normalised coordinates,
/// re-minimising at θ ± h warm-started from x* itself (at the same normalised coordinates, so the
/// box may change with θ): a cold start from the original random configuration often lands in a
/// neighbouring minimum.
public enum FiniteDifferenceSensitivity {
  public static func compute(
    model: ParticleModel, positions: [Double], parameter: SensitivityParameter,
    holding held: HeldQuantity = .packingFraction, step: Double = 1e-6,
    minimizer: FIRE = FIRE(forceTolerance: 1e-13, maximumSteps: 100_000), skin: Double? = nil
  ) throws(SensitivityError) -> PositionSensitivity {
    guard positions.count == model.degreesOfFreedom else { throw .invalidInput("positions do not fit the model") }
    let θ = try model.value(of: parameter)
    let dimension = model.dimension
    let reference = model.contactNetwork(at: positions)
    var minima: [(positions: [Double], edges: [Double], force: Double, converged: Bool, changes: Int)] = []
    for sign in [1.0, -1.0] {
      let shifted = try model.setting(parameter, to: θ + sign * step, holding: held)
      let start = positions.indices.map { positions[$0] * shifted.boxEdges[$0 % dimension] / model.boxEdges[$0 % dimension] }
      let result = shifted.minimize(from: start, with: minimizer, skin: skin)
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
      if model.periodic { change -= change.rounded() }
      normalised[index] = change / (2 * step)
      physical[index] = positions[index] / model.boxEdges[k] * edgeDerivatives[k] + model.boxEdges[k] * normalised[index]
    }
    let report = FiniteDifferenceReport(step: step, maximumForcePlus: plus.force, maximumForceMinus: minus.force,
                                        converged: plus.converged && minus.converged,
                                        contactChangesPlus: plus.changes, contactChangesMinus: minus.changes)
    return PositionSensitivity(method: .finiteDifference, parameter: parameter, held: held, parameterValue: θ,
                               positions: positions, boxEdges: model.boxEdges, boxEdgeDerivatives: edgeDerivatives,
                               physical: physical, normalised: normalised, finiteDifference: report)
  }
}
