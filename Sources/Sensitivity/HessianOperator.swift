import DualNumbers
import LinearAlgebra

/// The Hessian H = ∂²E/∂R² = −∂F/∂R at a configuration, as a matrix-free operator on a
/// ``ReducedSpace`` (energy / length² units).
///
/// H·v is the tangent of −F evaluated on dual positions R + εv through the same pair loop as the
/// forces (no hand-written second derivative). Rattlers' rows and columns are removed; with the
/// translations projected out, the operator is
///
///     A = P H P + μ (I − P),
///
/// symmetric and non-singular when the rigid network is: on vectors orthogonal to the translations
/// (every right-hand side B, by Newton's third law) it is P H P, and the shift μ > 0 on the
/// translation subspace only keeps dense factorisations and Krylov methods away from the exact
/// null space without changing the solution.
public struct HessianOperator: LinearOperator {
  public let space: ReducedSpace
  public let positions: [Double]
  @usableFromInline let forceMap: DualForceMap
  /// μ (energy / length²): the eigenvalue given to the projected-out translations.
  public let translationShift: Double

  public init(forceMap: DualForceMap, positions: [Double], space: ReducedSpace, translationShift: Double = 1) {
    self.forceMap = forceMap
    self.positions = positions
    self.space = space
    self.translationShift = translationShift
  }

  public var rowCount: Int { space.count }
  public var columnCount: Int { space.count }

  /// result ← A x.
  @inlinable
  public func apply(_ x: [Double], into result: inout [Double]) {
    var projected = x
    space.projectTranslations(&projected)
    let product = forceMap(positions, tangents: space.expand(projected)).tangents
    var reduced = space.restrict(product)
    for index in reduced.indices { reduced[index] = -reduced[index] }
    space.projectTranslations(&reduced)
    if space.projectsTranslations {
      // + μ (I − P) x = μ (x − P x).
      for index in reduced.indices { reduced[index] += translationShift * (x[index] - projected[index]) }
    }
    result = reduced
  }

  /// The plain projected Hessian P H P (no shift), for eigenvalue estimates.
  public var projectedHessian: MatrixFreeOperator {
    let space = self.space
    let forceMap = self.forceMap
    let positions = self.positions
    return MatrixFreeOperator(dimension: space.count) { x, result in
      var projected = x
      space.projectTranslations(&projected)
      var reduced = space.restrict(forceMap(positions, tangents: space.expand(projected)).tangents)
      for index in reduced.indices { reduced[index] = -reduced[index] }
      space.projectTranslations(&reduced)
      result = reduced
    }
  }
}
