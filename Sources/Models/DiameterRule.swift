/// How the interaction diameters σᵢⱼ of a model are given.
public enum DiameterRule: Sendable, Equatable {
  /// By species: `species[i]` is particle i's species, `table[a][b]` the σ of a species pair
  /// (symmetric). A species' own diameter, for volumes, is the diagonal entry `table[a][a]`.
  case species(species: [Int], table: [[Double]])
  /// One diameter per particle, σᵢⱼ = (dᵢ + dⱼ)/2: the parametrisation of the adjoint gradient.
  case particles([Double])

  /// The number of particles.
  public var particleCount: Int {
    switch self {
    case .species(let species, _): return species.count
    case .particles(let diameters): return diameters.count
    }
  }

  /// The largest σᵢⱼ (length units; 1 for an empty system).
  public var largestDiameter: Double {
    switch self {
    case .species(_, let table): return table.lazy.flatMap { $0 }.max() ?? 1
    case .particles(let diameters): return diameters.max() ?? 1
    }
  }

  /// The diameter dᵢ of every particle (the diagonal σᵢᵢ), which sets its volume.
  public var particleDiameters: [Double] {
    switch self {
    case .species(let species, let table): return species.map { table[$0][$0] }
    case .particles(let diameters): return diameters
    }
  }
}
