import DualNumbers

/// The value P(y, θ) and the Jacobian-vector product ∂₁P(y, θ)·dy + ∂₂P(y, θ)·dθ of a projection,
/// from one evaluation on dual numbers (forward mode; branches and sorts follow the primal values,
/// which gives the almost-everywhere derivative).
///
/// - Parameters:
///   - projection: any ``Projection``.
///   - y: the point projected.
///   - parameters: θ, as the projection documents it (`[]` for stored or absent parameters).
///   - direction: dy, with y's count.
///   - parametersDirection: dθ, with θ's count; `nil` differentiates with respect to y only.
@inlinable
public func projectionValueAndJacobianVectorProduct<P: Projection>(
  _ projection: P, at y: [Double], parameters: [Double] = [], along direction: [Double],
  parametersAlong parametersDirection: [Double]? = nil
) -> (value: [Double], jacobianVectorProduct: [Double]) {
  precondition(direction.count == y.count, "y has \(y.count) components, dy \(direction.count)")
  let seededPoint = zip(y, direction).map { Dual<Double>($0, tangent: $1) }
  let seededParameters = DualSeeding.seed(parameters, along: parametersDirection)
  let output = projection(seededPoint, seededParameters)
  return (output.map(\.value), output.map(\.tangent))
}

/// ∂₁P(y, θ)·dy + ∂₂P(y, θ)·dθ of a projection (see ``projectionValueAndJacobianVectorProduct(_:at:parameters:along:parametersAlong:)``).
@inlinable
public func projectionJacobianVectorProduct<P: Projection>(
  _ projection: P, at y: [Double], parameters: [Double] = [], along direction: [Double],
  parametersAlong parametersDirection: [Double]? = nil
) -> [Double] {
  projectionValueAndJacobianVectorProduct(
    projection, at: y, parameters: parameters, along: direction,
    parametersAlong: parametersDirection
  ).jacobianVectorProduct
}

/// Lifting Double inputs to duals with a tangent seed, shared by the projection and
/// proximal-operator conveniences.
@usableFromInline
internal enum DualSeeding {
  /// Duals with tangents `direction`, or constants when it is `nil`.
  @inlinable
  static func seed(_ values: [Double], along direction: [Double]?) -> [Dual<Double>] {
    guard let direction else { return values.map { Dual<Double>(constant: $0) } }
    precondition(direction.count == values.count,
                 "θ has \(values.count) values, dθ \(direction.count)")
    return zip(values, direction).map { Dual<Double>($0, tangent: $1) }
  }
}
