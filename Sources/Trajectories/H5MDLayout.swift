/// Paths and names of the H5MD 1.1 layout (nongnu.org/h5md) shared by the writer and the reader.
///
/// The paths under `/particles` depend on the particle group's name. mdsens writes one group named
/// `trajectory` (``writtenGroupName``): MDAnalysis builds its atoms from an H5MD file alone only when
/// the group has that name, and its own writer uses it. The reader accepts any name (older mdsens
/// files use `all`), see ``particleGroupName(among:)``.
struct H5MDLayout {
  static let version: [Int32] = [1, 1]
  static let metadataGroup = "/h5md"
  static let authorGroup = "/h5md/author"
  static let creatorGroup = "/h5md/creator"
  static let modulesGroup = "/h5md/modules"
  static let unitsModule = "/h5md/modules/units"
  static let unitsModuleVersion: [Int32] = [1, 0]
  static let particlesGroup = "/particles"
  static let observablesGroup = "/observables"
  static let potentialEnergy = "/observables/potential_energy"
  static let maxForce = "/observables/max_force"
  static let writtenGroupName = "trajectory"

  /// The attribute on the species dataset that lists the species names (H5MD has no standard place
  /// for them); variable-length UTF-8 strings so that h5py returns `str`.
  static let speciesNamesAttribute = "names"
  /// The attribute on the species dataset with every species' diameter (length units).
  static let speciesDiametersAttribute = "diameters"

  /// Entries of the particle group that are not extra per-particle fields.
  static let nonFieldEntries: Set<String> = ["position", "box", "species", "image", "id", "mass", "charge"]

  /// The particle group's name under `/particles`.
  let groupName: String

  init(groupName: String = H5MDLayout.writtenGroupName) { self.groupName = groupName }

  var particleGroup: String { "\(Self.particlesGroup)/\(groupName)" }
  var boxGroup: String { "\(particleGroup)/box" }
  var edges: String { "\(particleGroup)/box/edges" }
  var species: String { "\(particleGroup)/species" }
  var position: String { "\(particleGroup)/position" }

  func field(_ name: String) -> String { "\(particleGroup)/\(name)" }
  /// The same field as an observable of the particle group, `/observables/<group>/<name>` (a hard
  /// link, so no data is stored twice): H5MD's place for observables of a subset of the particles,
  /// and the one place MDAnalysis reads beyond positions, velocities and forces (`ts.data`).
  func fieldObservableGroup() -> String { "\(Self.observablesGroup)/\(groupName)" }
  func fieldObservable(_ name: String) -> String { "\(fieldObservableGroup())/\(name)" }

  static func observable(_ name: String) -> String { "\(observablesGroup)/\(name)" }
  static func boundaryName(periodic: Bool) -> String { periodic ? "periodic" : "none" }

  /// The particle group to read among the names under `/particles`: the only one, else
  /// `trajectory`, else `all`; nil when there is no group or the choice is ambiguous.
  static func particleGroupName(among names: [String]) -> String? {
    if names.count == 1 { return names[0] }
    return [writtenGroupName, "all"].first(where: names.contains)
  }
}
