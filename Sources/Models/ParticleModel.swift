import Particles

/// A particle system as plain numbers: dimension, boundary, box, pair potential and diameters, from
/// which its interaction is built in any scalar type (``kernels(seeding:)``): `Double` for minima,
/// `Dual<Double>` with θ seeded for ∂F/∂θ and for unrolled differentiation.
///
/// The one description of a system below both the file reader (`Simulation.ParticleSystem` is a
/// validated file plus this model) and the sensitivities. Lengths are in the system's length unit,
/// energies in its energy unit.
public struct ParticleModel: Sendable, Equatable {
  /// 2 or 3.
  public var dimension: Int
  /// Periodic box (true) or free space (false).
  public var periodic: Bool
  /// Edge lengths Lₖ (length units), one per axis. In free space they only define the scale that
  /// normalised coordinates x = R/L use, and the region random starts fill.
  public var boxEdges: [Double]
  public var potential: PotentialChoice
  public var diameters: DiameterRule
  /// Threads of the pair loop.
  public var threads: Int
  /// The homogeneous deformation F (d×d, row-major, dimensionless) of a periodic cell: positions
  /// are reference coordinates X in the orthorhombic box of ``boxEdges`` and pairs interact across
  /// F·(Xᵢ − Xⱼ) (a sheared or strained cell; see `Particles.DeformedPeriodicBox`). nil: F = I.
  public var deformation: [[Double]]?

  public init(dimension: Int, periodic: Bool = true, boxEdges: [Double], potential: PotentialChoice,
              diameters: DiameterRule, threads: Int = ThreadCount.available, deformation: [[Double]]? = nil) {
    precondition(dimension == 2 || dimension == 3, "dimension must be 2 or 3")
    precondition(boxEdges.count == dimension, "one box edge per dimension")
    precondition(deformation.map { $0.count == dimension && $0.allSatisfy { $0.count == dimension } } ?? true,
                 "the deformation is d×d")
    self.dimension = dimension
    self.periodic = periodic
    self.boxEdges = boxEdges
    self.potential = potential
    self.diameters = diameters
    self.threads = threads
    self.deformation = deformation
  }

  /// F, the identity unless the cell is deformed.
  public var deformationGradient: [[Double]] {
    deformation ?? (0..<dimension).map { a in (0..<dimension).map { $0 == a ? 1.0 : 0.0 } }
  }

  public var particleCount: Int { diameters.particleCount }
  /// d·N, the number of position components.
  public var degreesOfFreedom: Int { dimension * particleCount }

  /// The side used for normalised coordinates x = R/L: the first edge (all edges for a cube).
  public var boxLength: Double { boxEdges[0] }

  /// V = det(F)·∏ Lₖ (area in 2D).
  public var boxVolume: Double { Self.determinant(deformationGradient) * boxEdges.reduce(1, *) }

  /// det(F) of a 2×2 or 3×3 matrix.
  public static func determinant(_ f: [[Double]]) -> Double {
    f.count == 2
      ? f[0][0] * f[1][1] - f[0][1] * f[1][0]
      : f[0][0] * (f[1][1] * f[2][2] - f[1][2] * f[2][1]) - f[0][1] * (f[1][0] * f[2][2] - f[1][2] * f[2][0])
        + f[0][2] * (f[1][0] * f[2][1] - f[1][1] * f[2][0])
  }

  /// The largest interaction diameter σᵢⱼ (length units): it sets the neighbour skin and the reach.
  public var largestDiameter: Double { diameters.largestDiameter }

  /// Σᵢ vᵢ with vᵢ = π dᵢ²/4 (2D) or π dᵢ³/6 (3D), dᵢ = σᵢᵢ (length^d units). The one volume: the
  /// file reader sizes a box from it, and the packing-fraction sensitivity differentiates it.
  public var particleVolume: Double { Self.particleVolume(of: diameters, dimension: dimension) }

  /// Σᵢ vᵢ of particles with these diameters, species by species (count × volume) when they come
  /// by species, so that a box sized from it gives back the packing fraction it was sized for.
  public static func particleVolume(of diameters: DiameterRule, dimension: Int) -> Double {
    switch diameters {
    case .species(let species, let table):
      var counts = [Int](repeating: 0, count: table.count)
      for a in species { counts[a] += 1 }
      return table.indices.reduce(0.0) { $0 + Double(counts[$1]) * volume(ofDiameter: table[$1][$1], dimension: dimension) }
    case .particles(let values):
      return values.reduce(0) { $0 + volume(ofDiameter: $1, dimension: dimension) }
    }
  }

  /// φ = Σ vᵢ / V.
  public var packingFraction: Double { particleVolume / boxVolume }

  /// v(d) = π d²/4 (2D) or π d³/6 (3D).
  public static func volume(ofDiameter d: Double, dimension: Int) -> Double {
    dimension == 2 ? Double.pi * d * d / 4 : Double.pi * d * d * d / 6
  }

  /// dv/dd of one particle: π d/2 (2D), π d²/2 (3D).
  public static func volumeSlope(ofDiameter d: Double, dimension: Int) -> Double {
    dimension == 2 ? Double.pi * d / 2 : Double.pi * d * d / 2
  }

  /// The same model with particle i renumbered as `order[i]`'s old particle (cell order for a
  /// large system's pair loop; see `Particles.SpatialOrder`).
  public func permuted(by order: [Int]) -> ParticleModel {
    var model = self
    switch diameters {
    case .species(let species, let table):
      model.diameters = .species(species: SpatialOrder.permuted(species, by: order), table: table)
    case .particles(let values):
      model.diameters = .particles(SpatialOrder.permuted(values, by: order, width: 1))
    }
    return model
  }
}

/// A model that cannot do what was asked of it (positions that do not fit it, non-finite input).
public struct ModelError: Error, Equatable, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
