/// What stays the same over a trajectory: the particles, their species, the boundary conditions,
/// provenance and units.
///
/// It is independent of any particle code so that other simulation programs can write and read
/// files through this module.
public struct TrajectoryHeader: Sendable, Equatable {
  /// The spatial dimension, 2 or 3.
  public var dimension: Int
  /// The species names; ``species`` indexes into this array. Names may not contain whitespace,
  /// quotes or `=`, so that they survive the extended XYZ format.
  public var speciesNames: [String]
  /// The species index of every particle (length N, each in `0..<speciesNames.count`).
  public var species: [Int]
  /// Whether each axis is periodic (length ``dimension``).
  public var periodic: [Bool]
  /// The box at the start of the trajectory. Both file formats store the box of every frame;
  /// their readers report the first frame's box here.
  public var box: SimulationBox
  /// The person who ran the simulation (H5MD `/h5md/author` `name`).
  public var authorName: String
  /// The program that wrote the file (H5MD `/h5md/creator` `name`).
  public var creatorName: String
  /// The version of the program that wrote the file.
  public var creatorVersion: String
  /// The unit of positions and box edges, e.g. `"nm"`; empty for reduced units.
  public var lengthUnit: String
  /// The unit of energies, e.g. `"kJ mol-1"`; empty for reduced units.
  public var energyUnit: String
  /// The unit of the frames' times, e.g. `"ps"`; empty for reduced units.
  public var timeUnit: String
  /// The unit system the units belong to (H5MD units module, `/h5md/modules/units` `system`):
  /// `"reduced"` when lengths, energies and times are in units of the model's σ, ε and
  /// τ = σ √(m/ε) and the unit strings are empty, else the name of the system of the symbols.
  public var unitSystem: String
  /// Every species' diameter (length units), when the writer knows them: H5MD stores them as the
  /// `diameters` attribute of the species dataset, extended XYZ as a `radius` column (OVITO draws
  /// particles with it) and the `species_diameters` key. Plotting tools draw particles to scale.
  public var speciesDiameters: [Double]?
  /// The units of named per-particle fields (keys are field names), e.g.
  /// `["sensitivity_diameter": ""]` for a dimensionless derivative of positions by a diameter.
  public var fieldUnits: [String: String]

  /// A header; provenance and units default to empty (reduced units) and the creator to mdsens.
  /// An empty author is written as ``anonymousAuthor`` (H5MD requires a name).
  public init(
    dimension: Int, speciesNames: [String], species: [Int], periodic: [Bool], box: SimulationBox,
    authorName: String = "", creatorName: String = "mdsens", creatorVersion: String = "",
    lengthUnit: String = "", energyUnit: String = "", timeUnit: String = "", unitSystem: String = "reduced",
    fieldUnits: [String: String] = [:], speciesDiameters: [Double]? = nil
  ) {
    self.speciesDiameters = speciesDiameters
    self.dimension = dimension
    self.speciesNames = speciesNames
    self.species = species
    self.periodic = periodic
    self.box = box
    self.authorName = authorName
    self.creatorName = creatorName
    self.creatorVersion = creatorVersion
    self.lengthUnit = lengthUnit
    self.energyUnit = energyUnit
    self.timeUnit = timeUnit
    self.unitSystem = unitSystem
    self.fieldUnits = fieldUnits
  }

  /// The author name files carry when ``authorName`` is empty.
  public static let anonymousAuthor = "unknown"

  /// The number of particles N.
  public var particleCount: Int { species.count }

  /// The unit of forces derived from ``energyUnit`` and ``lengthUnit`` in the H5MD unit notation
  /// (space-separated factors with integer exponents, e.g. `"kJ mol-1 nm-1"`); empty when either is.
  public var forceUnit: String {
    if energyUnit.isEmpty || lengthUnit.isEmpty { return "" }
    return "\(energyUnit) \(lengthUnit)-1"
  }
}
