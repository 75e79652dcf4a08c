import DualNumbers

/// A displacement or position of up to three components; in two dimensions `z` stays zero and is
/// never read by code that loops over `D.count` components.
///
/// A fixed struct rather than an array so that a pair kernel keeps it in registers.
@frozen
public struct SpatialVector<Scalar: RealScalar>: Sendable {
  public var x: Scalar
  public var y: Scalar
  public var z: Scalar

  @inlinable @inline(__always)
  public init(_ x: Scalar, _ y: Scalar, _ z: Scalar = 0) {
    self.x = x
    self.y = y
    self.z = z
  }

  @inlinable @inline(__always)
  public static var zero: SpatialVector { SpatialVector(0, 0, 0) }

  /// The k-th component (0, 1, 2); constant k folds to a field access after inlining.
  @inlinable
  public subscript(component: Int) -> Scalar {
    @inline(__always) get {
      switch component {
      case 0: return x
      case 1: return y
      default: return z
      }
    }
    @inline(__always) set {
      switch component {
      case 0: x = newValue
      case 1: y = newValue
      default: z = newValue
      }
    }
  }

  /// Reads particle `index` from a flat array laid out as [x₀, y₀, (z₀,) x₁, ...].
  @inlinable @inline(__always)
  public init<D: SpatialDimension>(_ positions: UnsafeBufferPointer<Scalar>, particle index: Int, _: D.Type) {
    let base = index &* D.count
    self.x = positions[base]
    self.y = positions[base &+ 1]
    self.z = D.count == 3 ? positions[base &+ 2] : 0
  }

  /// Σₖ vₖ² over the first `D.count` components.
  @inlinable @inline(__always)
  public func squaredLength<D: SpatialDimension>(_: D.Type) -> Scalar {
    D.count == 3 ? x * x + y * y + z * z : x * x + y * y
  }
}
