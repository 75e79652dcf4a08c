/// The number of spatial dimensions, as a type, so that loops over components are unrolled when
/// generic code specialises (a runtime dimension would keep a loop in the pair kernel).
public protocol SpatialDimension: Sendable {
  static var count: Int { get }
}

/// Two spatial dimensions (discs).
public enum TwoDimensions: SpatialDimension {
  @inlinable @inline(__always) public static var count: Int { 2 }
}

/// Three spatial dimensions (spheres).
public enum ThreeDimensions: SpatialDimension {
  @inlinable @inline(__always) public static var count: Int { 3 }
}
