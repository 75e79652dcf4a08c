import DualNumbers
import Particles
import Simulation

/// Code that runs on the concrete, specialised interaction of a ``ParticleModel`` in one scalar type
/// (Swift has no generic closures, so generic code is reached through a visitor, as in
/// `Simulation.InteractionVisitor`).
public protocol ModelVisitor {
  /// `Double`, or `Dual<Double>` when θ is seeded.
  associatedtype Scalar: SeedableScalar
  associatedtype Output
  func visit<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>(
    _ interaction: PairInteraction<Space, Potential, Diameters>
  ) throws -> Output
  where Space.Scalar == Scalar, Potential.Scalar == Scalar, Diameters.Scalar == Scalar
}

extension ParticleModel {
  /// Builds the model's interaction in `Visitor.Scalar`, every quantity seeded with its derivative
  /// from `tangent` (ignored for `Double`), and hands it to `visitor`.
  public func withInteraction<Visitor: ModelVisitor>(
    tangent: ModelTangent = ModelTangent(), _ visitor: Visitor
  ) throws -> Visitor.Output {
    dimension == 2
      ? try withBoundary(TwoDimensions.self, tangent, visitor)
      : try withBoundary(ThreeDimensions.self, tangent, visitor)
  }

  private func withBoundary<D: SpatialDimension, Visitor: ModelVisitor>(
    _: D.Type, _ tangent: ModelTangent, _ visitor: Visitor
  ) throws -> Visitor.Output {
    typealias S = Visitor.Scalar
    if periodic {
      let edges = (0..<3).map { k in
        k < dimension ? S.seeded(boxEdges[k], derivative: boxEdges[k] * tangent.boxScaleRate) : S(0)
      }
      return try withPotential(PeriodicBox<D, S>(edges: SpatialVector(edges[0], edges[1], edges[2])), tangent, visitor)
    }
    return try withPotential(FreeSpace<D, S>(), tangent, visitor)
  }

  private func withPotential<Space: Boundary, Visitor: ModelVisitor>(
    _ boundary: Space, _ tangent: ModelTangent, _ visitor: Visitor
  ) throws -> Visitor.Output where Space.Scalar == Visitor.Scalar {
    typealias S = Visitor.Scalar
    switch potential {
    case .softSphere(let epsilon, let alpha):
      let potential = SoftSphere<S>(epsilon: S.seeded(epsilon, derivative: tangent.epsilon),
                                    alpha: S.seeded(alpha, derivative: tangent.alpha))
      return try withDiameters(boundary, potential, tangent, visitor)
    case .lennardJones(let epsilon, let cutoff):
      let potential = LennardJones<S>(epsilon: S.seeded(epsilon, derivative: tangent.epsilon), cutoffRatio: cutoff)
      return try withDiameters(boundary, potential, tangent, visitor)
    case .morse(let epsilon, let alpha, let cutoff):
      let potential = Morse<S>(epsilon: S.seeded(epsilon, derivative: tangent.epsilon),
                               alpha: S.seeded(alpha, derivative: tangent.alpha), cutoffRatio: cutoff)
      return try withDiameters(boundary, potential, tangent, visitor)
    }
  }

  private func withDiameters<Space: Boundary, Potential: PairPotential, Visitor: ModelVisitor>(
    _ boundary: Space, _ potential: Potential, _ tangent: ModelTangent, _ visitor: Visitor
  ) throws -> Visitor.Output where Space.Scalar == Visitor.Scalar, Potential.Scalar == Visitor.Scalar {
    typealias S = Visitor.Scalar
    switch diameters {
    case .species(let species, let table):
      let seeded = table.indices.map { a in
        table.indices.map { b in
          S.seeded(table[a][b], derivative: tangent.table.isEmpty ? 0 : tangent.table[a][b])
        }
      }
      return try visitor.visit(PairInteraction(boundary: boundary, potential: potential,
                                               diameters: SpeciesPairDiameters(species: species, table: seeded),
                                               threads: threads))
    case .particles(let values):
      return try visitor.visit(PairInteraction(boundary: boundary, potential: potential,
                                               diameters: ParticleDiameters(values.map { S($0) }),
                                               threads: threads))
    }
  }
}
