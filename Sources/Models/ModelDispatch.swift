import DualNumbers
import Minimization
import Particles

extension ParticleModel {
  /// The model's kernels: the one place where the run-time description (dimension, boundary,
  /// potential, diameter rule) becomes concrete types.
  ///
  /// Each step of the switch fixes one of them and builds the interaction three times, in `Double`,
  /// in `Dual<Double>` with every quantity seeded with its derivative from `tangent`, and in
  /// `DoubleDouble` (extended precision); the last step hands them to
  /// `ModelKernels.init(plain:seeded:extended:)`, which is compiled once per combination.
  public func kernels(seeding tangent: ModelTangent = ModelTangent()) -> ModelKernels {
    dimension == 2 ? kernels(TwoDimensions.self, tangent) : kernels(ThreeDimensions.self, tangent)
  }

  private func kernels<D: SpatialDimension>(_: D.Type, _ tangent: ModelTangent) -> ModelKernels {
    guard periodic else {
      return kernels(FreeSpace<D, Double>(), FreeSpace<D, Dual<Double>>(), FreeSpace<D, DoubleDouble>(), tangent)
    }
    func edges<S: SeedableScalar>(_: S.Type) -> SpatialVector<S> {
      let seeded = (0..<3).map { k in
        k < dimension ? S.seeded(boxEdges[k], derivative: boxEdges[k] * tangent.boxScaleRate) : S(0)
      }
      return SpatialVector(seeded[0], seeded[1], seeded[2])
    }
    guard deformation != nil || !tangent.strain.isEmpty else {
      return kernels(PeriodicBox<D, Double>(edges: edges(Double.self)),
                     PeriodicBox<D, Dual<Double>>(edges: edges(Dual<Double>.self)),
                     PeriodicBox<D, DoubleDouble>(edges: edges(DoubleDouble.self)), tangent)
    }
    let f = deformationGradient
    func seededDeformation<S: SeedableScalar>(_: S.Type) -> [[S]] {
      f.indices.map { a in
        f[a].indices.map { b in S.seeded(f[a][b], derivative: tangent.strain.isEmpty ? 0 : tangent.strain[a][b]) }
      }
    }
    return kernels(DeformedPeriodicBox<D, Double>(edges: edges(Double.self), deformation: seededDeformation(Double.self)),
                   DeformedPeriodicBox<D, Dual<Double>>(edges: edges(Dual<Double>.self),
                                                        deformation: seededDeformation(Dual<Double>.self)),
                   DeformedPeriodicBox<D, DoubleDouble>(edges: edges(DoubleDouble.self),
                                                        deformation: seededDeformation(DoubleDouble.self)),
                   tangent)
  }

  private func kernels<Plain: Boundary, Seeded: Boundary, Extended: Boundary>(
    _ plain: Plain, _ seeded: Seeded, _ extended: Extended, _ tangent: ModelTangent
  ) -> ModelKernels
  where Plain.Scalar == Double, Seeded.Scalar == Dual<Double>, Extended.Scalar == DoubleDouble,
        Plain.Dimension == Seeded.Dimension, Plain.Dimension == Extended.Dimension {
    typealias S = Dual<Double>
    typealias E = DoubleDouble
    let ε = S.seeded(potential.epsilon, derivative: tangent.epsilon)
    switch potential {
    case .softSphere(let epsilon, let alpha):
      return kernels(plain, SoftSphere(epsilon: epsilon, alpha: alpha), seeded,
                     SoftSphere<S>(epsilon: ε, alpha: S.seeded(alpha, derivative: tangent.alpha)),
                     extended, SoftSphere<E>(epsilon: E(epsilon), alpha: E(alpha)), tangent)
    case .lennardJones(let epsilon, let cutoff):
      return kernels(plain, LennardJones(epsilon: epsilon, cutoffRatio: cutoff), seeded,
                     LennardJones<S>(epsilon: ε, cutoffRatio: cutoff),
                     extended, LennardJones<E>(epsilon: E(epsilon), cutoffRatio: cutoff), tangent)
    case .morse(let epsilon, let alpha, let cutoff):
      return kernels(plain, Morse(epsilon: epsilon, alpha: alpha, cutoffRatio: cutoff), seeded,
                     Morse<S>(epsilon: ε, alpha: S.seeded(alpha, derivative: tangent.alpha), cutoffRatio: cutoff),
                     extended, Morse<E>(epsilon: E(epsilon), alpha: E(alpha), cutoffRatio: cutoff), tangent)
    }
  }

  private func kernels<PlainSpace: Boundary, PlainPotential: PairPotential,
                       SeededSpace: Boundary, SeededPotential: PairPotential,
                       ExtendedSpace: Boundary, ExtendedPotential: PairPotential>(
    _ plainSpace: PlainSpace, _ plainPotential: PlainPotential,
    _ seededSpace: SeededSpace, _ seededPotential: SeededPotential,
    _ extendedSpace: ExtendedSpace, _ extendedPotential: ExtendedPotential, _ tangent: ModelTangent
  ) -> ModelKernels
  where PlainSpace.Scalar == Double, PlainPotential.Scalar == Double, SeededSpace.Scalar == Dual<Double>,
        SeededPotential.Scalar == Dual<Double>, PlainSpace.Dimension == SeededSpace.Dimension,
        ExtendedSpace.Scalar == DoubleDouble, ExtendedPotential.Scalar == DoubleDouble,
        PlainSpace.Dimension == ExtendedSpace.Dimension {
    typealias S = Dual<Double>
    typealias E = DoubleDouble
    switch diameters {
    case .species(let species, let table):
      let seededTable = table.indices.map { a in
        table.indices.map { b in S.seeded(table[a][b], derivative: tangent.table.isEmpty ? 0 : tangent.table[a][b]) }
      }
      return ModelKernels(
        plain: PairInteraction(boundary: plainSpace, potential: plainPotential,
                               diameters: SpeciesPairDiameters(species: species, table: table), threads: threads),
        seeded: PairInteraction(boundary: seededSpace, potential: seededPotential,
                                diameters: SpeciesPairDiameters(species: species, table: seededTable),
                                threads: threads),
        extended: PairInteraction(boundary: extendedSpace, potential: extendedPotential,
                                  diameters: SpeciesPairDiameters(species: species, table: table.map { $0.map { E($0) } }),
                                  threads: threads))
    case .particles(let values):
      return ModelKernels(
        plain: PairInteraction(boundary: plainSpace, potential: plainPotential,
                               diameters: ParticleDiameters(values), threads: threads),
        seeded: PairInteraction(boundary: seededSpace, potential: seededPotential,
                                diameters: ParticleDiameters(values.map { S($0) }), threads: threads),
        extended: PairInteraction(boundary: extendedSpace, potential: extendedPotential,
                                  diameters: ParticleDiameters(values.map { E($0) }), threads: threads))
    }
  }
}

extension PotentialChoice {
  /// ε (energy units).
  public var epsilon: Double {
    switch self {
    case .softSphere(let epsilon, _), .lennardJones(let epsilon, _), .morse(let epsilon, _, _): return epsilon
    }
  }
}
