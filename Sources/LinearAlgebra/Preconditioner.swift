/// An approximation M of A whose inverse is cheap to apply: z = M⁻¹·r.
///
/// Krylov methods converge in fewer iterations on M⁻¹A (or A·M⁻¹) when its spectrum is more clustered
/// than A's. CG and MINRES additionally require M to be symmetric positive definite.
public protocol Preconditioner: Sendable {
  /// result ← M⁻¹·residual; both have the operator's dimension and `result` is preallocated.
  func apply(_ residual: [Double], into result: inout [Double])
  /// resultsⱼ ← M⁻¹·residualsⱼ for every column, each equal to ``apply(_:into:)`` of its column
  /// alone; `results` has one preallocated vector per column. The default goes column by column; a
  /// preconditioner that sweeps a large structure overrides it to sweep once for all columns (the
  /// block solvers call it once per iteration).
  func apply(block residuals: [[Double]], into results: inout [[Double]])
}

extension Preconditioner {
  public func apply(block residuals: [[Double]], into results: inout [[Double]]) {
    for column in residuals.indices { apply(residuals[column], into: &results[column]) }
  }
}

/// A preconditioner given by a closure.
public struct MatrixFreePreconditioner: Preconditioner {
  @usableFromInline let inverseProduct: @Sendable (_ residual: [Double], _ result: inout [Double]) -> Void

  public init(_ inverseProduct: @escaping @Sendable (_ residual: [Double], _ result: inout [Double]) -> Void) {
    self.inverseProduct = inverseProduct
  }

  @inlinable
  public func apply(_ residual: [Double], into result: inout [Double]) { inverseProduct(residual, &result) }
}
