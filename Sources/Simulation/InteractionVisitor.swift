import DualNumbers
import Particles

/// Code that works on any concrete interaction: the system file decides the dimension, boundary
/// and potential at run time, and this is how generic, specialised code is reached from there
/// (Swift cannot pass a generic closure).
public protocol InteractionVisitor {
  associatedtype Output
  func visit<Space: Boundary, Potential: PairPotential>(
    _ interaction: PairInteraction<Space, Potential, SpeciesPairDiameters<Double>>
  ) throws -> Output where Space.Scalar == Double, Potential.Scalar == Double
}

extension ParticleSystem {
  /// The σ table as the pair kernel uses it.
  public var interactionDiameters: SpeciesPairDiameters<Double> {
    SpeciesPairDiameters(species: speciesOfParticle, table: pairDiameters)
  }

  /// Builds the interaction the system describes and hands it to `visitor`.
  public func withInteraction<Visitor: InteractionVisitor>(_ visitor: Visitor) throws -> Visitor.Output {
    switch dimension {
    case 2: return try withBoundary(TwoDimensions.self, visitor)
    default: return try withBoundary(ThreeDimensions.self, visitor)
    }
  }

  private func withBoundary<D: SpatialDimension, Visitor: InteractionVisitor>(
    _: D.Type, _ visitor: Visitor
  ) throws -> Visitor.Output {
    if periodic {
      let edges = SpatialVector(boxEdges[0], boxEdges[1], D.count == 3 ? boxEdges[2] : 0)
      return try withPotential(PeriodicBox<D, Double>(edges: edges), visitor)
    }
    return try withPotential(FreeSpace<D, Double>(), visitor)
  }

  private func withPotential<Space: Boundary, Visitor: InteractionVisitor>(
    _ boundary: Space, _ visitor: Visitor
  ) throws -> Visitor.Output where Space.Scalar == Double {
    let diameters = interactionDiameters
    switch potential {
    case .softSphere(let epsilon, let alpha):
      return try visitor.visit(PairInteraction(boundary: boundary, potential: SoftSphere(epsilon: epsilon, alpha: alpha),
                                               diameters: diameters))
    case .lennardJones(let epsilon, let cutoff):
      return try visitor.visit(PairInteraction(boundary: boundary,
                                               potential: LennardJones(epsilon: epsilon, cutoffRatio: cutoff),
                                               diameters: diameters))
    case .morse(let epsilon, let alpha, let cutoff):
      return try visitor.visit(PairInteraction(boundary: boundary,
                                               potential: Morse(epsilon: epsilon, alpha: alpha, cutoffRatio: cutoff),
                                               diameters: diameters))
    }
  }
}
