import DualNumbers
import Particles

/// The energy landscape of a particle system: pair forces over a neighbour list that is kept valid
/// as the minimiser moves the particles, with positions wrapped into the periodic cell.
public struct ParticleLandscape<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>:
  EnergyLandscape
where Space.Scalar == Potential.Scalar, Potential.Scalar == Diameters.Scalar {
  public typealias Scalar = Space.Scalar
  public var interaction: PairInteraction<Space, Potential, Diameters>
  public var neighbours: NeighbourList
  /// Force evaluations so far (for benchmarks and reports).
  public var forceEvaluations = 0

  /// - Parameters:
  ///   - interaction: the pair potential, diameters and boundary.
  ///   - skin: the Verlet skin (length units); ~0.1–0.3 diameters is usual.
  public init(_ interaction: PairInteraction<Space, Potential, Diameters>, skin: Double) {
    self.interaction = interaction
    self.neighbours = NeighbourList(skin: skin, threads: interaction.threads)
  }

  @inlinable
  public mutating func forces(at positions: [Scalar], into forces: inout [Scalar]) -> Scalar {
    interaction.updateNeighbours(&neighbours, positions: positions)
    forceEvaluations += 1
    return interaction.forces(positions, neighbours: neighbours, into: &forces)
  }

  @inlinable
  public func displace(_ positions: inout [Scalar], by displacement: [Scalar]) {
    interaction.displace(&positions, by: displacement)
  }

  /// The move and the neighbour-list test in one pass; the list is rebuilt only when the two
  /// particles that drifted most since the last build drifted more than the skin together.
  @inlinable
  public mutating func displace<Step: Displacement>(_ positions: inout [Scalar], by step: Step,
                                                    thenForcesInto forces: inout [Scalar]) -> Scalar
  where Step.Scalar == Scalar {
    if !interaction.displace(&positions, by: step, keeping: neighbours) {
      interaction.updateNeighbours(&neighbours, positions: positions)
    }
    forceEvaluations += 1
    return interaction.forces(positions, neighbours: neighbours, into: &forces)
  }

  @inlinable
  public var threads: Int { interaction.threads }
}
