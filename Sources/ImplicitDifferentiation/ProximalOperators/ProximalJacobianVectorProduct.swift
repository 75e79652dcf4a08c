import DualNumbers

/// The value prox_{η g(·, θ)}(y) and its Jacobian-vector product ∂_y·dy + ∂_θ·dθ + ∂_η·dη, from one
/// evaluation on dual numbers.
///
/// - Parameters:
///   - proximalOperator: any ``ProximalOperator``.
///   - y: the point.
///   - parameters: θ as the operator documents it.
///   - scaling: η, the step size multiplying g.
///   - direction: dy, with y's count.
///   - parametersDirection: dθ, with θ's count; `nil` for none.
///   - scalingDirection: dη (0 by default).
@inlinable
public func proximalValueAndJacobianVectorProduct<P: ProximalOperator>(
  _ proximalOperator: P, at y: [Double], parameters: [Double] = [], scaling: Double = 1,
  along direction: [Double], parametersAlong parametersDirection: [Double]? = nil,
  scalingAlong scalingDirection: Double = 0
) -> (value: [Double], jacobianVectorProduct: [Double]) {
  precondition(direction.count == y.count, "y has \(y.count) components, dy \(direction.count)")
  let seededPoint = zip(y, direction).map { Dual<Double>($0, tangent: $1) }
  let seededParameters = DualSeeding.seed(parameters, along: parametersDirection)
  let output = proximalOperator(
    seededPoint, seededParameters, scaling: Dual<Double>(scaling, tangent: scalingDirection))
  return (output.map(\.value), output.map(\.tangent))
}

/// ∂_y prox·dy + ∂_θ prox·dθ + ∂_η prox·dη (see
/// ``proximalValueAndJacobianVectorProduct(_:at:parameters:scaling:along:parametersAlong:scalingAlong:)``).
@inlinable
public func proximalJacobianVectorProduct<P: ProximalOperator>(
  _ proximalOperator: P, at y: [Double], parameters: [Double] = [], scaling: Double = 1,
  along direction: [Double], parametersAlong parametersDirection: [Double]? = nil,
  scalingAlong scalingDirection: Double = 0
) -> [Double] {
  proximalValueAndJacobianVectorProduct(
    proximalOperator, at: y, parameters: parameters, scaling: scaling, along: direction,
    parametersAlong: parametersDirection, scalingAlong: scalingDirection
  ).jacobianVectorProduct
}
