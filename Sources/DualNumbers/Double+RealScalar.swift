#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Double: RealScalar {
  @inlinable @inline(__always) public var primalValue: Double { self }
  @inlinable @inline(__always) public var isExactlyZero: Bool { self == 0 }
  @inlinable @inline(__always) public var isConstant: Bool { true }
  @inlinable @inline(__always) public var narrowed: Float { Float(self) }
  @inlinable @inline(__always) public init(widening narrow: Float) { self = Double(narrow) }
  @inlinable @inline(__always) public static func scaled(_ x: Double, by factor: Double) -> Double {
    x * factor
  }
  @inlinable @inline(__always) public static func sqrt(_ x: Double) -> Double { x.squareRoot() }
  @inlinable @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
  @inlinable @inline(__always) public static func expMinusOne(_ x: Double) -> Double { Glibc.expm1(x) }
  @inlinable @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
  @inlinable @inline(__always) public static func log(onePlus x: Double) -> Double { Glibc.log1p(x) }
  @inlinable @inline(__always) public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
  @inlinable @inline(__always) public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
  @inlinable @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
  @inlinable @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double {
    Glibc.pow(x, y)
  }
}
