import LinearAlgebra
import Models
import Sensitivity

/// The Hessian H = ∂²E/∂R² (energy / length², unit masses: the dynamical matrix) of a minimum on
/// its rigid backbone, as the matrix-free operator P H P on the reduced space of `ReducedSpace`:
/// rattlers removed (their pair terms dropped, as for the sensitivities), and the rigid-body modes
/// of every cluster projected out by P. Its spectrum is that of the backbone's vibrations plus
/// ``rigidModeCount`` exact zeros (the projected modes), which the spectral methods account for.
public struct BackboneHessian: LinearOperator {
  public let space: ReducedSpace
  public let product: HessianProduct
  /// Vectors of the last product, kept so that products allocate nothing (inverse iterations apply
  /// H hundreds of thousands of times).
  private let scratch = Scratch()

  private final class Scratch {
    var projected: [Double] = []
    /// P x and H P x on the full d·N space, when rattlers make it larger than the reduced one.
    var full: [Double] = []
    var fullProduct: [Double] = []
  }

  /// The backbone Hessian at `positions` with `rattlers` removed (ascending particle indices).
  public init(model: ParticleModel, positions: [Double], rattlers: [Int]) {
    let network = model.contactNetwork(at: positions)
    space = ReducedSpace(backboneOf: model, at: positions, network: network, rattlers: rattlers)
    let neighbours = model.neighbourList(at: positions)
    product = model.kernels().hessian(positions, rattlers.isEmpty ? neighbours : neighbours.removingPairs(involving: rattlers))
  }

  public var rowCount: Int { space.count }
  public var columnCount: Int { space.count }
  /// The zero modes P removes: d per cluster, plus rotations of clusters that do not wrap the box.
  public var rigidModeCount: Int { space.rigidModeCount }
  /// The number of vibrational modes, d·N′ − rigid modes.
  public var vibrationalModeCount: Int { space.count - space.rigidModeCount }

  /// result ← P H P x on the reduced space.
  public func apply(_ x: [Double], into result: inout [Double]) {
    if scratch.projected.count != x.count { scratch.projected = x } else {
      VectorOperations.copy(x, into: &scratch.projected)
    }
    space.projectTranslations(&scratch.projected)
    if space.rattlers.isEmpty {
      product(scratch.projected, into: &result)
    } else {
      space.expand(scratch.projected, into: &scratch.full)
      product(scratch.full, into: &scratch.fullProduct)
      space.restrict(scratch.fullProduct, into: &result)
    }
    space.projectTranslations(&result)
  }

  /// The preconditioner `kind` of P H P, from the pair blocks (diag(H), zeros replaced by 1 for a
  /// particle without stiffness along an axis, on the diagonal).
  public func preconditioner(_ kind: HessianPreconditioner) throws -> (any Preconditioner)? {
    let diagonal = space.restrict(product.diagonal).map { $0 > 0 ? $0 : 1 }
    return try kind.make(for: product, on: space, shiftedDiagonal: diagonal)
  }

  /// P x: a vector with the rigid-body modes removed.
  public func project(_ x: [Double]) -> [Double] {
    var projected = x
    space.projectTranslations(&projected)
    return projected
  }

  /// The operator as a dense matrix, column by column (for LAPACK references at small N).
  public func assembled() -> DenseMatrix { DenseMatrix(assembling: self) }
}
