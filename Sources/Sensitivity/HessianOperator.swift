import DualNumbers
import LinearAlgebra

/// The Hessian H = ∂²E/∂R² = −∂F/∂R at a configuration, as a matrix-free operator on a
/// ``ReducedSpace`` (energy / length² units).
///
/// H·v comes from the per-pair stiffness blocks (``HessianProduct``), themselves the pair energy's
/// second derivatives on nested dual numbers (no hand-written second derivative); they agree with
/// the tangent of −F on dual positions R + εv through the force loop, which a test checks. Rattlers are removed (their rows and columns, and
/// their pair terms in everyone else's blocks: the force map is the backbone's); with the
/// rigid-body modes projected out (every cluster's translations, and a droplet's rotations: see
/// ``ReducedSpace``), the operator is
///
///     A = P H P + μ (I − P),
///
/// symmetric and non-singular when every cluster is rigid: on vectors orthogonal to those modes
/// (every right-hand side B, by Newton's third law and zero torque; every adjoint right-hand side
/// once projected) it is P H P, and the shift μ > 0 on the projected-out subspace only keeps dense
/// factorisations and Krylov methods away from the exact null space without changing the solution.
public struct HessianOperator: LinearOperator {
  public let space: ReducedSpace
  public let positions: [Double]
  @usableFromInline let product: HessianProduct
  /// μ (energy / length²): the eigenvalue given to the projected-out translations.
  public let translationShift: Double

  public init(product: HessianProduct, positions: [Double], space: ReducedSpace, translationShift: Double = 1) {
    self.product = product
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
    var full = [Double]()
    product(space.expand(projected), into: &full)
    var reduced = space.restrict(full)
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
    let product = self.product
    return MatrixFreeOperator(dimension: space.count) { x, result in
      var projected = x
      space.projectTranslations(&projected)
      var full = [Double]()
      product(space.expand(projected), into: &full)
      var reduced = space.restrict(full)
      space.projectTranslations(&reduced)
      result = reduced
    }
  }
}

extension ParticleModel {
  /// The Hessian at `positions` on the space without `rattlers`, translations projected out or
  /// not, with a neighbour list built there. The rattlers are removed, not pinned: their pair terms
  /// are dropped from the other particles' blocks too (see ``RattlerDetection``). With
  /// `projectTranslations`, the translation shift μ is the mean of diag(H) (see the type's
  /// documentation).
  public func hessian(at positions: [Double], rattlers: [Int] = [], projectTranslations: Bool = false)
    -> HessianOperator
  {
    let whole = neighbourList(at: positions)
    let neighbours = rattlers.isEmpty ? whole : whole.removingPairs(involving: rattlers)
    let space = ReducedSpace(dimension: dimension, particleCount: particleCount, rattlers: rattlers,
                             projectsTranslations: projectTranslations)
    let diagonal = space.restrict(hessianDiagonal(at: positions, neighbours: neighbours))
    let mean = diagonal.reduce(0, +) / Double(max(1, diagonal.count))
    return HessianOperator(product: hessianProduct(at: positions, neighbours: neighbours), positions: positions,
                           space: space,
                           translationShift: mean > 0 && mean.isFinite ? mean : 1)
  }

  /// B = ∂F/∂θ at fixed normalised coordinates (full d·N, energy / length per θ unit).
  public func parameterDerivative(at positions: [Double], parameter: SensitivityParameter,
                                  holding held: HeldQuantity) throws(SensitivityError) -> [Double] {
    let tangent = try self.tangent(for: parameter, holding: held)
    let map = dualForceMap(neighbours: neighbourList(at: positions), tangent: tangent)
    return map(positions, tangents: positions.map { $0 * tangent.boxScaleRate }).tangents
  }
}
