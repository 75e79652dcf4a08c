/// A linear map y = A·x applied without forming A: the only thing matrix-free solvers need.
///
/// Dimensions are counts of `Double` components. Implementations write into `result`, which the
/// caller has sized to ``rowCount``, so that solvers at millions of unknowns allocate nothing per
/// iteration.
public protocol LinearOperator {
  /// Number of rows of A (the length of A·x).
  var rowCount: Int { get }
  /// Number of columns of A (the length of x).
  var columnCount: Int { get }
  /// result ← A·x.
  func apply(_ x: [Double], into result: inout [Double])
  /// resultⱼ ← A·xⱼ for every column xⱼ of a block X = [x₁ … x_k]: A·X in one call.
  ///
  /// The default applies ``apply(_:into:)`` column by column. An operator whose product is a pass
  /// over a large structure (the pairs of a particle system) overrides it to make one pass for all
  /// k vectors; the block solvers (``BlockLinearSolver``) call it once per iteration.
  func apply(block x: [[Double]], into result: inout [[Double]])
}

extension LinearOperator {
  /// A·X column by column: one ``apply(_:into:)`` per column.
  @inlinable
  public func apply(block x: [[Double]], into result: inout [[Double]]) {
    if result.count != x.count {
      result = [[Double]](repeating: [Double](repeating: 0, count: rowCount), count: x.count)
    }
    for column in x.indices {
      if result[column].count != rowCount { result[column] = [Double](repeating: 0, count: rowCount) }
      apply(x[column], into: &result[column])
    }
  }
}

extension LinearOperator {
  /// A·x as a new array.
  @inlinable
  public func callAsFunction(_ x: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: rowCount)
    apply(x, into: &result)
    return result
  }
}

/// A linear operator given by a closure, the usual way to wrap a Hessian-vector product or an
/// automatic-differentiation JVP.
public struct MatrixFreeOperator: LinearOperator {
  public let rowCount: Int
  public let columnCount: Int
  @usableFromInline let product: (_ x: [Double], _ result: inout [Double]) -> Void

  /// A square operator of the given dimension.
  public init(dimension: Int, product: @escaping (_ x: [Double], _ result: inout [Double]) -> Void) {
    self.init(rowCount: dimension, columnCount: dimension, product: product)
  }

  public init(
    rowCount: Int, columnCount: Int,
    product: @escaping (_ x: [Double], _ result: inout [Double]) -> Void
  ) {
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.product = product
  }

  @inlinable
  public func apply(_ x: [Double], into result: inout [Double]) { product(x, &result) }
}
