/// Error-free transformations of floating-point arithmetic: each returns the rounded result and
/// the rounding error exactly, s + e = a ∘ b in real numbers (Knuth's TwoSum, Dekker's
/// FastTwoSum, TwoProd through a fused multiply-add). The building blocks of ``DoubleDouble``.
public enum ErrorFreeTransformations {
  /// s = fl(a + b), e = (a + b) − s exactly (Knuth; six operations, no condition on a, b).
  @inlinable @inline(__always)
  public static func twoSum(_ a: Double, _ b: Double) -> (sum: Double, error: Double) {
    let s = a + b
    let bVirtual = s - a
    let aVirtual = s - bVirtual
    return (s, (a - aVirtual) + (b - bVirtual))
  }

  /// TwoSum for |a| ≥ |b| (or a = 0) (Dekker; three operations).
  @inlinable @inline(__always)
  public static func fastTwoSum(_ a: Double, _ b: Double) -> (sum: Double, error: Double) {
    let s = a + b
    return (s, b - (s - a))
  }

  /// p = fl(a·b), e = a·b − p exactly, the error from one fused multiply-add.
  @inlinable @inline(__always)
  public static func twoProduct(_ a: Double, _ b: Double) -> (product: Double, error: Double) {
    let p = a * b
    return (p, (-p).addingProduct(a, b))
  }
}
