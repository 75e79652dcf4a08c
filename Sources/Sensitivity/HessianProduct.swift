import Particles

/// H·v at a fixed configuration through the per-pair stiffness blocks of `Particles.PairStiffness`
/// (computed once by nested dual numbers): the product a linear solve repeats hundreds of times.
public struct HessianProduct: @unchecked Sendable {
  @usableFromInline let product: (_ v: [Double], _ result: inout [Double]) -> Void

  /// result ← H·v on the full d·N space (energy / length² times v's units).
  @inlinable
  public func callAsFunction(_ v: [Double], into result: inout [Double]) { product(v, &result) }
}

/// Builds a ``HessianProduct`` on the model's plain interaction.
struct HessianProductBuilder: ModelVisitor {
  typealias Scalar = Double
  let positions: [Double]
  let neighbours: NeighbourList

  func visit<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>(
    _ interaction: PairInteraction<Space, Potential, Diameters>
  ) -> HessianProduct
  where Space.Scalar == Scalar, Potential.Scalar == Scalar, Diameters.Scalar == Scalar {
    let stiffness = PairStiffness<Space.Dimension>(interaction, positions: positions, neighbours: neighbours)
    return HessianProduct { v, result in stiffness.hessianVectorProduct(v, into: &result) }
  }
}

extension ParticleModel {
  /// H·v at `positions` over the pairs of `neighbours` (a backbone list leaves the rattlers out).
  public func hessianProduct(at positions: [Double], neighbours: NeighbourList) -> HessianProduct {
    try! withInteraction(HessianProductBuilder(positions: positions, neighbours: neighbours))
  }
}
