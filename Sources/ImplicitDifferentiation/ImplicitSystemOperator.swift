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
    nullSpace.project(&result)
    for index in result.indices { result[index] += shift * (x[index] - projected[index]) }
    return result
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
      if negated { for index in result.indices { result[index] = -result[index] } }
      return
    }
    if scratch.projected.count != x.count { scratch.projected = x } else {
      for index in x.indices { scratch.projected[index] = x[index] }
    }
    nullSpace.project(&scratch.projected)
    linearization.applyA(scratch.projected, into: &result)
    if negated { for index in result.indices { result[index] = -result[index] } }
    nullSpace.project(&result)
    for index in result.indices { result[index] += shift * (x[index] - scratch.projected[index]) }
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

  func apply(block x: [[Double]], into result: inout [[Double]]) {
    guard !appliesTranspose else {
      result = x.map { product($0, transpose: true) }
      return
    }
    let projected = nullSpace.map { nullSpace in x.map { nullSpace.projected($0) } } ?? x
    var products = linearization.applyA(block: projected)
    if negated {
      for column in products.indices {
        for index in products[column].indices { products[column][index] *= -1 }
      }
    }
    if let nullSpace {
      for column in products.indices {
        products[column] = completing(products[column], x: x[column], projected: projected[column],
                                      nullSpace: nullSpace)
      }
    }
    result = products
  }
}
