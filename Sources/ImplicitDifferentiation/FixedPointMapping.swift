import DualNumbers

/// A fixed-point map T(x, θ): solvers iterate x ← T(x, θ); x* = T(x*, θ) is the root of
/// F(x, θ) = T(x, θ) − x (see ``FixedPointResidual``).
public protocol FixedPointMapping {
  /// T(x, θ), with as many components as x.
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S]

  /// The linear maps of F = T − x at (x, θ): A = I − ∂₁T, B = ∂₂T.
  ///
  /// The default differentiates T automatically (``AutomaticLinearization`` of
  /// ``FixedPointResidual``); maps with known structure override it (the gradient-descent map has a
  /// symmetric A, Newton's map has A = ηI at its fixed point).
  func residualLinearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization
}

extension FixedPointMapping {
  public func residualLinearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization {
    AutomaticLinearization(mapping: FixedPointResidual(self), state: x, parameters: θ)
  }
}

/// The root mapping F(x, θ) = T(x, θ) − x of a fixed-point map T: custom_fixed_point of JAXopt.
///
/// A = −∂₁F = I − ∂₁T and B = ∂₂F = ∂₂T.
public struct FixedPointResidual<Map: FixedPointMapping>: RootMapping {
  /// The fixed-point map T.
  public var map: Map

  public init(_ map: Map) { self.map = map }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    var image = map(x, θ)
    precondition(image.count == x.count,
                 "the fixed-point map returned \(image.count) components for a state of \(x.count)")
    for index in image.indices { image[index] -= x[index] }
    return image
  }

  /// The fixed-point map's own linearization (see ``FixedPointMapping/residualLinearization(at:_:)``).
  public func linearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization {
    map.residualLinearization(at: x, θ)
  }
}
