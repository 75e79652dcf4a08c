/// A linear operator that can also apply its transpose, y = Aᵀ·x: what CG on the normal equations and
/// reverse-mode (VJP) solves need.
public protocol TransposableLinearOperator: LinearOperator {
  /// result ← Aᵀ·x, with `x` of length ``LinearOperator/rowCount`` and `result` of length
  /// ``LinearOperator/columnCount``.
  func applyTranspose(_ x: [Double], into result: inout [Double])
}

extension TransposableLinearOperator {
  /// Aᵀ·x as a new array.
  public func applyTranspose(_ x: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: columnCount)
    applyTranspose(x, into: &result)
    return result
  }
}

/// A linear operator given by two closures, A·x and Aᵀ·x (for instance a JVP and a VJP of automatic
/// differentiation).
public struct MatrixFreeTransposableOperator: TransposableLinearOperator {
  public let rowCount: Int
  public let columnCount: Int
  @usableFromInline let product: (_ x: [Double], _ result: inout [Double]) -> Void
  @usableFromInline let transposeProduct: (_ x: [Double], _ result: inout [Double]) -> Void

  public init(
    rowCount: Int, columnCount: Int,
    product: @escaping (_ x: [Double], _ result: inout [Double]) -> Void,
    transposeProduct: @escaping (_ x: [Double], _ result: inout [Double]) -> Void
  ) {
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.product = product
    self.transposeProduct = transposeProduct
  }

  /// A symmetric operator (A = Aᵀ, e.g. a Hessian): the transpose is the product itself.
  public init(symmetricDimension dimension: Int,
              product: @escaping (_ x: [Double], _ result: inout [Double]) -> Void) {
    self.init(rowCount: dimension, columnCount: dimension, product: product, transposeProduct: product)
  }

  @inlinable
  public func apply(_ x: [Double], into result: inout [Double]) { product(x, &result) }

  @inlinable
  public func applyTranspose(_ x: [Double], into result: inout [Double]) { transposeProduct(x, &result) }
}
