import DualNumbers

/// The interaction diameter σᵢⱼ of every pair: where soft spheres start to touch, the length unit of
/// Lennard-Jones and Morse pairs.
public protocol InteractionDiameters: Sendable {
  /// `Double`, or a dual number when a derivative with respect to a diameter is wanted.
  associatedtype Scalar: RealScalar

  /// σᵢⱼ for particles i and j (length units).
  func diameter(_ i: Int, _ j: Int) -> Scalar

  /// 1/σᵢⱼ (primal value), rounded as `1 / diameter(i, j).primalValue`: a rule with few distinct
  /// diameters tabulates it and spares the pair loop a division.
  func inverseDiameter(_ i: Int, _ j: Int) -> Double

  /// The largest σᵢⱼ over all pairs: it sets the neighbour-list cell size.
  var largestDiameter: Double { get }

  /// The number of particles the rule knows about.
  var particleCount: Int { get }
}

extension InteractionDiameters {
  @inlinable @inline(__always)
  public func inverseDiameter(_ i: Int, _ j: Int) -> Double { 1 / diameter(i, j).primalValue }
}

/// σᵢⱼ looked up by species in a symmetric table: additive mixing (σᵢ + σⱼ)/2 of species diameters,
/// or an explicit table (JAX-MD's paper system uses [[θ, (1+θ)/2], [(1+θ)/2, 1]], which is additive).
public struct SpeciesPairDiameters<Scalar: RealScalar>: InteractionDiameters {
  /// Species index of every particle.
  public var species: [Int32]
  /// Number of species.
  public let speciesCount: Int
  /// σ of every species pair, row-major speciesCount × speciesCount, symmetric.
  public var table: [Scalar] {
    didSet { inverseTable = Self.inverses(of: table) }
  }
  /// 1/σ of every species pair (primal values), kept in step with `table`.
  @usableFromInline private(set) var inverseTable: [Double]

  /// An explicit symmetric table `table[a][b]` = σ between species a and b.
  public init(species: [Int], table: [[Scalar]]) {
    precondition(table.allSatisfy { $0.count == table.count }, "the diameter table must be square")
    self.speciesCount = table.count
    self.species = species.map { Int32($0) }
    let flat = table.flatMap { $0 }
    self.table = flat
    self.inverseTable = Self.inverses(of: flat)
    precondition(species.allSatisfy { (0..<speciesCount).contains($0) }, "species index out of range")
  }

  /// Additive mixing σₐᵦ = (dₐ + dᵦ)/2 of species diameters dₐ.
  public init(species: [Int], speciesDiameters: [Scalar]) {
    let table = speciesDiameters.map { a in speciesDiameters.map { b in (a + b) / 2 } }
    self.init(species: species, table: table)
  }

  @inlinable @inline(__always)
  public func diameter(_ i: Int, _ j: Int) -> Scalar {
    table[Int(species[i]) &* speciesCount &+ Int(species[j])]
  }

  @inlinable @inline(__always)
  public func inverseDiameter(_ i: Int, _ j: Int) -> Double {
    inverseTable[Int(species[i]) &* speciesCount &+ Int(species[j])]
  }

  static func inverses(of table: [Scalar]) -> [Double] { table.map { 1 / $0.primalValue } }

  public var largestDiameter: Double { table.map(\.primalValue).max() ?? 0 }

  public var particleCount: Int { species.count }
}

/// σᵢⱼ = (dᵢ + dⱼ)/2 from one diameter per particle: the parametrisation of inverse design, where
/// every particle's size is a parameter.
public struct ParticleDiameters<Scalar: RealScalar>: InteractionDiameters {
  /// dᵢ for every particle (length units).
  public var diameters: [Scalar]

  public init(_ diameters: [Scalar]) {
    self.diameters = diameters
  }

  @inlinable @inline(__always)
  public func diameter(_ i: Int, _ j: Int) -> Scalar {
    Scalar.scaled(diameters[i] + diameters[j], by: 0.5)
  }

  public var largestDiameter: Double { diameters.map(\.primalValue).max() ?? 0 }

  public var particleCount: Int { diameters.count }
}
