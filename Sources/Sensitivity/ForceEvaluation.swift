import DualNumbers
import Particles

/// F(R, θ) and its directional derivative Ḟ = ∂F/∂R·Ṙ + ∂F/∂θ·θ̇, evaluated through the one pair loop
/// of `PairInteraction` on `Dual<Double>`: positions carry Ṙ in their tangents, the model's quantities
/// carry θ̇ = 1 times their derivative (a ``ModelTangent``).
///
/// With Ṙ = v and no parameter seeded, Ḟ = −H·v (Hessian-vector product); with Ṙ = 0 (box fixed) or
/// Ṙ = R·(1/L)dL/dθ (normalised coordinates held) and θ seeded, Ḟ = B = ∂F/∂θ|ₓ.
/// The neighbour list is the one valid at the configuration it was built for; evaluations must stay
/// within its skin.
public struct DualForceMap: @unchecked Sendable {
  @usableFromInline let evaluate: (_ positions: [Double], _ tangents: [Double]) -> (energy: Dual<Double>, forces: [Double], tangents: [Double])

  /// (E with its derivative, F, Ḟ) at `positions` with position tangents `tangents` (length units).
  @inlinable
  public func callAsFunction(_ positions: [Double], tangents: [Double])
    -> (energy: Dual<Double>, forces: [Double], tangents: [Double])
  {
    evaluate(positions, tangents)
  }
}

/// Builds a ``DualForceMap`` around a fixed neighbour list.
struct DualForceMapBuilder: ModelVisitor {
  typealias Scalar = Dual<Double>
  let neighbours: NeighbourList

  func visit<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>(
    _ interaction: PairInteraction<Space, Potential, Diameters>
  ) -> DualForceMap
  where Space.Scalar == Scalar, Potential.Scalar == Scalar, Diameters.Scalar == Scalar {
    let neighbours = self.neighbours
    return DualForceMap { positions, tangents in
      var dualPositions = [Dual<Double>](repeating: 0, count: positions.count)
      for index in positions.indices { dualPositions[index] = Dual(positions[index], tangent: tangents[index]) }
      var forces = [Dual<Double>]()
      let energy = interaction.forces(dualPositions, neighbours: neighbours, into: &forces)
      return (energy, forces.map(\.value), forces.map(\.tangent))
    }
  }
}

/// Builds the neighbour list of a configuration with the model's plain interaction.
struct NeighbourListBuilder: ModelVisitor {
  typealias Scalar = Double
  let positions: [Double]
  let skin: Double

  func visit<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>(
    _ interaction: PairInteraction<Space, Potential, Diameters>
  ) -> NeighbourList
  where Space.Scalar == Scalar, Potential.Scalar == Scalar, Diameters.Scalar == Scalar {
    var list = NeighbourList(skin: skin, threads: interaction.threads)
    interaction.updateNeighbours(&list, positions: positions)
    return list
  }
}

extension ParticleModel {
  /// A Verlet list valid at `positions` (skin: a tenth of the largest diameter unless given).
  public func neighbourList(at positions: [Double], skin: Double? = nil) -> NeighbourList {
    let largest = diameters.particleDiameters.max() ?? 1
    // The builder cannot throw; `try!` only satisfies the visitor's signature.
    return try! withInteraction(NeighbourListBuilder(positions: positions, skin: skin ?? 0.1 * largest))
  }

  /// The dual-number force map with θ seeded by `tangent` (zero tangent: only Hessian products).
  public func dualForceMap(neighbours: NeighbourList, tangent: ModelTangent = ModelTangent()) -> DualForceMap {
    try! withInteraction(tangent: tangent, DualForceMapBuilder(neighbours: neighbours))
  }

  /// E and F at `positions` (plain numbers), with a neighbour list built for them.
  public func forces(at positions: [Double]) -> (energy: Double, forces: [Double]) {
    let map = dualForceMap(neighbours: neighbourList(at: positions))
    let result = map(positions, tangents: [Double](repeating: 0, count: positions.count))
    return (result.energy.value, result.forces)
  }
}
