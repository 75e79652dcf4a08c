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
    var projected = x
    space.projectTranslations(&projected)
    var full = [Double]()
    product(space.expand(projected), into: &full)
    result = space.restrict(full)
    space.projectTranslations(&result)
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
