import DualNumbers

/// The fixed point of proximal gradient descent for min_x f(x, θ_f) + g(x, θ_g) (Table 1 of
/// Blondel et al.):
///
///     T(x, θ) = prox_{ηg}(x − η∇₁f(x, θ_f), θ_g),   F = T − x.
///
/// The proximal operator is any generic ``ProximalOperator``, so its derivative with respect to its
/// input and to θ_g (for instance the soft-threshold's λ) comes from automatic differentiation like
/// the rest of T. A is not symmetric in general.
public struct ProximalGradientFixedPoint<Function: Objective, Proximal: ProximalOperator>:
  FixedPointMapping
{
  public var objective: Function
  public var proximalOperator: Proximal
  /// η > 0.
  public var stepSize: Double
  /// The components of θ passed to f (nil: all).
  public var objectiveParameters: Range<Int>?
  /// The components of θ passed to the proximal operator (nil: all).
  public var proximalParameters: Range<Int>?

  public init(
    objective: Function, proximalOperator: Proximal, stepSize: Double,
    objectiveParameters: Range<Int>? = nil, proximalParameters: Range<Int>? = nil
  ) {
    self.objective = objective
    self.proximalOperator = proximalOperator
    self.stepSize = stepSize
    self.objectiveParameters = objectiveParameters
    self.proximalParameters = proximalParameters
  }

  /// prox_{ηg}(x − η∇₁f(x, θ_f), θ_g).
  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    let gradient = objective.gradient(x, selectParameters(θ, objectiveParameters))
    var step = x
    for index in step.indices { step[index] -= S.scaled(gradient[index], by: stepSize) }
    return proximalOperator(step, selectParameters(θ, proximalParameters), scaling: S(stepSize))
  }
}
