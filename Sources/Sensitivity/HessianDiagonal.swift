import DualNumbers
import Particles

/// diag(H), pair by pair: for a pair at distance r along n = d/r the block on either partner is
///
///     ∂²U/∂rᵢ∂rᵢ = U''(r) n nᵀ + (U'(r)/r)(I − n nᵀ),
///
/// with U' and U'' from the pair energy on nested dual numbers (never hand-written). Used by the
/// Jacobi preconditioner and to scale the translation shift.
struct HessianDiagonalBuilder: ModelVisitor {
  typealias Scalar = Double
  let positions: [Double]
  let neighbours: NeighbourList

  func visit<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>(
    _ interaction: PairInteraction<Space, Potential, Diameters>
  ) -> [Double]
  where Space.Scalar == Scalar, Potential.Scalar == Scalar, Diameters.Scalar == Scalar {
    let dimension = Space.Dimension.count
    var diagonal = [Double](repeating: 0, count: positions.count)
    interaction.forEachInteractingPair(positions, neighbours: neighbours) { i, j, d, r, σ in
      let distance = Dual<Dual<Double>>(Dual(r, tangent: 1), tangent: Dual(1, tangent: 0))
      let u = interaction.potential.energy(distance: distance, diameter: Dual(constant: Dual(constant: σ)),
                                           lift: { Dual(constant: Dual(constant: $0)) })
      let slope = u.value.tangent
      let curvature = u.tangent.tangent
      for k in 0..<dimension {
        let n2 = d[k] * d[k] / (r * r)
        let entry = curvature * n2 + slope / r * (1 - n2)
        diagonal[i * dimension + k] += entry
        diagonal[j * dimension + k] += entry
      }
    }
    return diagonal
  }
}

extension ParticleModel {
  /// The diagonal of the Hessian at `positions` (energy / length²), full d·N.
  public func hessianDiagonal(at positions: [Double], neighbours: NeighbourList) -> [Double] {
    try! withInteraction(HessianDiagonalBuilder(positions: positions, neighbours: neighbours))
  }
}
