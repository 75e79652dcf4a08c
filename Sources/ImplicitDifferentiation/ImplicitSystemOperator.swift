import LinearAlgebra

/// The operator the engine hands to a linear solver: A (or Aᵀ) of a linearization, negated when A
/// is negative definite so that CG sees a positive definite operator, and, when a null space T of
/// A is known, solved on its complement:
///
///     Ã = s P A P + μ (I − P),   P = I − T Tᵀ,  s = ±1,  μ > 0.
///
/// Without a null space Ã = s A, product for product. Block products go to the linearization's
/// ``OptimalityLinearization/applyA(block:)`` in one call (Aᵀ, needed only for a non-symmetric A,
/// which admits no null space here, is applied column by column).
struct ImplicitSystemOperator<Linearization: OptimalityLinearization>: TransposableLinearOperator {
  let linearization: Linearization
  /// Whether ``apply(_:into:)`` applies Aᵀ (a non-symmetric A in a VJP) rather than A.
  let appliesTranspose: Bool
  /// s = −1 for a negative definite A.
  let negated: Bool
  let nullSpace: NullSpace?
  /// μ, used only with a null space.
  var shift: Double = 1
  /// P x of the last product, kept so that a solve's products allocate nothing once its vectors
  /// have their size (a product is one pass over a large structure; a fresh d-vector per product
  /// costs page faults comparable to it).
  private let scratch = ProductScratch()

  /// Storage reused from product to product.
  private final class ProductScratch {
    var projected: [Double] = []
    /// P xⱼ of the last block product's columns.
    var projectedBlock: [[Double]] = []
  }

  init(_ linearization: Linearization, transposed: Bool, negated: Bool, nullSpace: NullSpace?) {
    self.linearization = linearization
    appliesTranspose = transposed && !linearization.structure.isSymmetric
    self.negated = negated
    self.nullSpace = nullSpace
  }

  var rowCount: Int { linearization.stateDimension }
  var columnCount: Int { linearization.stateDimension }

  /// s A v (or s Aᵀ v).
  func signedProduct(_ v: [Double], transpose: Bool) -> [Double] {
    var result = transpose ? linearization.applyATranspose(v) : linearization.applyA(v)
    if negated { for index in result.indices { result[index] *= -1 } }
    return result
  }

  /// s A (or s Aᵀ) without the null-space treatment: the operator whose scale gives μ.
  var signedOperator: MatrixFreeOperator {
    MatrixFreeOperator(dimension: columnCount) { x, result in
      result = self.signedProduct(x, transpose: self.appliesTranspose)
    }
  }

  /// s P A P x + μ (x − P x), given the product y = s A (P x) and P x.
  func completing(_ y: [Double], x: [Double], projected: [Double], nullSpace: NullSpace) -> [Double] {
    var result = y
    complete(&result, x: x, projected: projected, nullSpace: nullSpace)
    return result
  }

  /// y ← P y + μ (x − P x): s P A P x + μ (x − P x) from y = s A (P x), in place.
  func complete(_ y: inout [Double], x: [Double], projected: [Double], nullSpace: NullSpace) {
    nullSpace.project(&y)
    let shift = self.shift
    y.withUnsafeMutableBufferPointer { y in
      x.withUnsafeBufferPointer { x in
        projected.withUnsafeBufferPointer { projected in
          for index in y.indices { y[index] += shift * (x[index] - projected[index]) }
        }
      }
    }
  }

  /// result ← P x (the copy reuses `result`'s storage when it has x's length).
  func project(_ x: [Double], into result: inout [Double], nullSpace: NullSpace) {
    if result.count != x.count { result = x } else { VectorOperations.copy(x, into: &result) }
    nullSpace.project(&result)
  }

  /// s A in place (nothing when s = 1).
  func sign(_ y: inout [Double]) {
    guard negated else { return }
    for index in y.indices { y[index] = -y[index] }
  }

  /// result ← Ã x without allocating: A's product through
  /// ``OptimalityLinearization/applyA(_:into:)``, P in place.
  func apply(_ x: [Double], into result: inout [Double]) {
    guard !appliesTranspose else {
      result = product(x, transpose: true)
      return
    }
    guard let nullSpace else {
      linearization.applyA(x, into: &result)
      sign(&result)
      return
    }
    project(x, into: &scratch.projected, nullSpace: nullSpace)
    linearization.applyA(scratch.projected, into: &result)
    sign(&result)
    complete(&result, x: x, projected: scratch.projected, nullSpace: nullSpace)
  }

  func applyTranspose(_ x: [Double], into result: inout [Double]) {
    result = product(x, transpose: !appliesTranspose)
  }

  func product(_ x: [Double], transpose: Bool) -> [Double] {
    guard let nullSpace else { return signedProduct(x, transpose: transpose) }
    let projected = nullSpace.projected(x)
    return completing(signedProduct(projected, transpose: transpose), x: x, projected: projected,
                      nullSpace: nullSpace)
  }

  /// result ← Ã xⱼ for every column, with one block product
  /// (``OptimalityLinearization/applyA(block:into:)``) and no allocation once the block's vectors
  /// have their size.
  func apply(block x: [[Double]], into result: inout [[Double]]) {
    guard !appliesTranspose else {
      result = x.map { product($0, transpose: true) }
      return
    }
    guard let nullSpace else {
      linearization.applyA(block: x, into: &result)
      for column in result.indices { sign(&result[column]) }
      return
    }
    if scratch.projectedBlock.count != x.count { scratch.projectedBlock = x.map { _ in [] } }
    for column in x.indices { project(x[column], into: &scratch.projectedBlock[column], nullSpace: nullSpace) }
    linearization.applyA(block: scratch.projectedBlock, into: &result)
    for column in result.indices {
      sign(&result[column])
      complete(&result[column], x: x[column], projected: scratch.projectedBlock[column], nullSpace: nullSpace)
    }
  }
}
