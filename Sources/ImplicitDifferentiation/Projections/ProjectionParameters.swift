import DualNumbers

/// Small kernels shared by the projections and proximal operators: reading a scalar parameter from
/// θ, inner products, norms. Kept in one namespace so that they cannot collide with the engine's
/// internal names in the same module.
@usableFromInline
internal enum ProjectionKernels {
  /// The scalar a set or regulariser is parametrised by (a radius, a strength): θ[0] when θ holds
  /// one value, so that derivatives with respect to it flow; the stored value when θ is empty.
  @inlinable
  static func scalarParameter<S: RealScalar>(
    _ parameters: [S], stored: Double?, name: String
  ) -> S {
    switch parameters.count {
    case 0:
      guard let stored else {
        preconditionFailure("\(name) is neither stored nor given in the parameters θ = [\(name)]")
      }
      return S(stored)
    case 1:
      return parameters[0]
    default:
      preconditionFailure("θ must be [] or [\(name)], got \(parameters.count) values")
    }
  }

  /// ⟨a, b⟩ for two generic vectors.
  @inlinable
  static func dot<S: RealScalar>(_ a: [S], _ b: [S]) -> S {
    precondition(a.count == b.count, "vectors have \(a.count) and \(b.count) components")
    var sum = S(0)
    for index in a.indices { sum += a[index] * b[index] }
    return sum
  }

  /// ⟨a, y⟩ with a constant vector a: no products of tangents with zero tangents.
  @inlinable
  static func dot<S: RealScalar>(_ a: [Double], _ y: [S]) -> S {
    precondition(a.count == y.count, "vectors have \(a.count) and \(y.count) components")
    var sum = S(0)
    for index in a.indices { sum += S.scaled(y[index], by: a[index]) }
    return sum
  }

  /// ‖y‖², compared with a squared radius before any square root is taken (the square root's
  /// derivative is infinite at 0, so it is only evaluated where it is needed and nonzero).
  @inlinable
  static func squaredNorm<S: RealScalar>(_ y: [S]) -> S {
    var sum = S(0)
    for value in y { sum += value * value }
    return sum
  }

  /// The constant vectors' dot product, for stored normals.
  @inlinable
  static func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for index in a.indices { sum += a[index] * b[index] }
    return sum
  }
}
