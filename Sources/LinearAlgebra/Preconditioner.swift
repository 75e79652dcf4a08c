/// An approximation M of A whose inverse is cheap to apply: z = M⁻¹·r.
///
/// Krylov methods converge in fewer iterations on M⁻¹A (or A·M⁻¹) when its spectrum is more clustered
/// than A's. CG and MINRES additionally require M to be symmetric positive definite.
public protocol Preconditioner: Sendable {
  /// result ← M⁻¹·residual; both have the operator's dimension and `result` is preallocated.
  func apply(_ residual: [Double], into result: inout [Double])
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
