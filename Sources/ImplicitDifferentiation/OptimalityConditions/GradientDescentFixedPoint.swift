import DualNumbers

/// The fixed point of gradient descent (Table 1 of Blondel et al.):
///
///     T(x, θ) = x − η∇₁f(x, θ),   F = T − x = −η∇₁f,   A = η∇²₁₁f,  B = −η∂₂∇₁f.
///
/// Its roots are those of ``StationaryPoint`` and so is the derivative; the step size η only scales
/// A and B. A is symmetric (positive definite at a strict minimum), and the products come from
/// ``ObjectiveLinearization`` with c = −η.
public struct GradientDescentFixedPoint<Function: Objective>: FixedPointMapping {
  public var objective: Function
  /// η > 0.
  public var stepSize: Double
  /// What is known about A = η∇²f at the solution.
  public var structure: LinearMapStructure

  public init(
    _ objective: Function, stepSize: Double,
    structure: LinearMapStructure = .symmetricPositiveDefinite
  ) {
    self.objective = objective
    self.stepSize = stepSize
    self.structure = structure
  }

  /// x − η∇₁f(x, θ).
  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    let gradient = objective.gradient(x, θ)
    var image = x
    for index in image.indices { image[index] -= S.scaled(gradient[index], by: stepSize) }
    return image
  }

  public func residualLinearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization {
    ObjectiveLinearization(
      objective: objective, state: x, parameters: θ, gradientScale: -stepSize, structure: structure)
  }
}
