import CBLAS

/// In-place vector kernels on `[Double]` used by the iterative solvers.
///
/// None of them allocates: solvers at millions of unknowns call them every iteration. Long vectors go
/// to OpenBLAS (vectorised, and threaded beyond a few hundred thousand components); short ones stay in
/// Swift, where a plain loop beats the fixed cost of a BLAS call, which exceeds a whole
/// 8-component dot product (docs/benchmarks.md, "BLAS call overhead").
public enum VectorOperations {
  /// Below this length a Swift loop is as fast as OpenBLAS.
  @usableFromInline static let blasThreshold = 1024

  /// xᵀy = Σᵢ xᵢ yᵢ.
  public static func dot(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count) differ")
    let count = x.count
    if count >= blasThreshold { return cblas_ddot(Int32(count), x, 1, y, 1) }
    return x.withUnsafeBufferPointer { xs in
      y.withUnsafeBufferPointer { ys in
        // Four partial sums break the dependency chain so the loop pipelines.
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= count {
          s0 += xs[i] * ys[i]; s1 += xs[i + 1] * ys[i + 1]
          s2 += xs[i + 2] * ys[i + 2]; s3 += xs[i + 3] * ys[i + 3]
          i += 4
        }
        while i < count { s0 += xs[i] * ys[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
      }
    }
  }

  /// ‖x‖₂ = √(xᵀx), without spurious overflow or underflow.
  ///
  /// √(xᵀx) is three times faster than `dnrm2`'s scaled sum; the scaled sum is used only when the
  /// squares overflow or underflow.
  public static func norm(_ x: [Double]) -> Double {
    let squared = dot(x, x)
    if squared.isFinite && squared > 1e-280 { return squared.squareRoot() }
    if squared.isNaN { return .nan }
    return cblas_dnrm2(Int32(x.count), x, 1)
  }

  /// y ← α·x + y.
  public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    precondition(x.count == y.count, "axpy: lengths \(x.count) and \(y.count) differ")
    let count = x.count
    if count >= blasThreshold { cblas_daxpy(Int32(count), alpha, x, 1, &y, 1); return }
    x.withUnsafeBufferPointer { xs in
      y.withUnsafeMutableBufferPointer { ys in
        for i in 0..<count { ys[i] += alpha * xs[i] }
      }
    }
  }

  /// y ← x + β·y (the search-direction update of CG-type methods).
  public static func xpby(_ x: [Double], _ beta: Double, _ y: inout [Double]) {
    precondition(x.count == y.count, "xpby: lengths \(x.count) and \(y.count) differ")
    x.withUnsafeBufferPointer { xs in
      y.withUnsafeMutableBufferPointer { ys in
        for i in 0..<xs.count { ys[i] = xs[i] + beta * ys[i] }
      }
    }
  }

  /// x ← α·x.
  public static func scale(_ alpha: Double, _ x: inout [Double]) {
    let count = x.count
    if count >= blasThreshold { cblas_dscal(Int32(count), alpha, &x, 1); return }
    x.withUnsafeMutableBufferPointer { xs in
      for i in 0..<count { xs[i] *= alpha }
    }
  }

  /// z ← x − y.
  public static func subtract(_ x: [Double], _ y: [Double], into z: inout [Double]) {
    precondition(x.count == y.count && y.count == z.count, "subtract: lengths differ")
    x.withUnsafeBufferPointer { xs in
      y.withUnsafeBufferPointer { ys in
        z.withUnsafeMutableBufferPointer { zs in
          for i in 0..<xs.count { zs[i] = xs[i] - ys[i] }
        }
      }
    }
  }

  /// y ← x, reusing y's storage.
  public static func copy(_ x: [Double], into y: inout [Double]) {
    precondition(x.count == y.count, "copy: lengths \(x.count) and \(y.count) differ")
    guard !x.isEmpty else { return }
    x.withUnsafeBufferPointer { xs in
      y.withUnsafeMutableBufferPointer { ys in
        ys.baseAddress!.update(from: xs.baseAddress!, count: xs.count)
      }
    }
  }

  /// x ← 0.
  public static func setZero(_ x: inout [Double]) {
    x.withUnsafeMutableBufferPointer { xs in xs.update(repeating: 0) }
  }

  /// Whether every component is finite (neither NaN nor ±∞).
  public static func isFinite(_ x: [Double]) -> Bool {
    x.withUnsafeBufferPointer { xs in
      // A NaN or infinity poisons the sum, so one pass with no branch per component suffices.
      var sum = 0.0
      for value in xs { sum += value * 0 }
      return sum == 0
    }
  }
}
