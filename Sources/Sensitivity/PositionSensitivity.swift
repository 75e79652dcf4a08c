/// How the minimum moves with θ, by one method.
///
/// Two coordinate systems: physical R (length units) and normalised x = R/L (per edge, x ∈ [0, 1)).
/// When the box depends on θ (packing fraction held, or θ the box length),
/// dR/dθ = (dL/dθ)·x + L·dx/dθ.
public struct PositionSensitivity: Sendable, Codable {
  public enum Method: String, Sendable, Codable {
    case implicit
    case unrolled
    case finiteDifference = "fd"
  }

  public var method: Method
  public var parameter: SensitivityParameter
  public var held: HeldQuantity
  /// θ's value.
  public var parameterValue: Double
  /// The configuration x̂ the sensitivity is taken at (physical, flat).
  public var positions: [Double]
  /// Box edges Lₖ at θ and their derivatives dLₖ/dθ.
  public var boxEdges: [Double]
  public var boxEdgeDerivatives: [Double]
  /// dR/dθ (length per θ unit), flat like the positions.
  public var physical: [Double]
  /// dx/dθ in normalised coordinates (per θ unit): the paper's (and the reference's) quantity.
  public var normalised: [Double]
  /// Excluded particles (zero sensitivity).
  public var rattlers: [Int]
  /// Implicit method: the validity report.
  public var validity: ValidityReport?
  /// Finite differences: whether the contact network stayed the same at θ ± h, and what changed.
  public var finiteDifference: FiniteDifferenceReport?
  /// Unrolled: the FIRE steps taken and the final max force.
  public var unrolledSteps: Int?

  /// Σ |dxᵢₖ/dθ| in normalised coordinates (the paper's Fig. 17 quantity).
  public var normalisedL1Norm: Double { normalised.reduce(0) { $0 + abs($1) } }

  /// dL/dθ of the first edge.
  public var boxLengthDerivative: Double { boxEdgeDerivatives.first ?? 0 }

  public init(method: Method, parameter: SensitivityParameter, held: HeldQuantity, parameterValue: Double,
              positions: [Double], boxEdges: [Double], boxEdgeDerivatives: [Double], physical: [Double],
              normalised: [Double], rattlers: [Int] = [], validity: ValidityReport? = nil,
              finiteDifference: FiniteDifferenceReport? = nil, unrolledSteps: Int? = nil) {
    self.method = method
    self.parameter = parameter
    self.held = held
    self.parameterValue = parameterValue
    self.positions = positions
    self.boxEdges = boxEdges
    self.boxEdgeDerivatives = boxEdgeDerivatives
    self.physical = physical
    self.normalised = normalised
    self.rattlers = rattlers
    self.validity = validity
    self.finiteDifference = finiteDifference
    self.unrolledSteps = unrolledSteps
  }

  /// Builds the two coordinate forms from u = L·dx/dθ (the physical displacement at fixed
  /// normalised coordinates): dxₖ = uₖ/Lₖ, dRₖ = Rₖ·(1/L)dL/dθ + uₖ.
  static func coordinates(fromFixedFrame u: [Double], positions: [Double], edges: [Double], scaleRate: Double)
    -> (physical: [Double], normalised: [Double])
  {
    let dimension = edges.count
    var physical = u
    var normalised = u
    for index in u.indices {
      physical[index] = positions[index] * scaleRate + u[index]
      normalised[index] = u[index] / edges[index % dimension]
    }
    return (physical, normalised)
  }
}
