/// Paths and names of the H5MD 1.1 layout (nongnu.org/h5md) shared by the writer and the reader.
enum H5MDLayout {
  static let version: [Int32] = [1, 1]
  static let metadataGroup = "/h5md"
  static let authorGroup = "/h5md/author"
  static let creatorGroup = "/h5md/creator"
  static let modulesGroup = "/h5md/modules"
  static let unitsModule = "/h5md/modules/units"
  static let unitsModuleVersion: [Int32] = [1, 0]
  static let particlesGroup = "/particles"
  static let particleGroup = "/particles/all"
  static let boxGroup = "/particles/all/box"
  static let edges = "/particles/all/box/edges"
  static let species = "/particles/all/species"
  static let position = "/particles/all/position"
  static let observablesGroup = "/observables"
  static let potentialEnergy = "/observables/potential_energy"
  static let maxForce = "/observables/max_force"

  /// The attribute on the species dataset that lists the species names (H5MD has no standard place
  /// for them); variable-length UTF-8 strings so that h5py returns `str`.
  static let speciesNamesAttribute = "names"
  /// The attribute on the species dataset with every species' diameter (length units).
  static let speciesDiametersAttribute = "diameters"

  /// Entries of the particle group that are not extra per-particle fields.
  static let nonFieldEntries: Set<String> = ["position", "box", "species", "image", "id", "mass", "charge"]

  static func field(_ name: String) -> String { "\(particleGroup)/\(name)" }
  static func observable(_ name: String) -> String { "\(observablesGroup)/\(name)" }

  static func boundaryName(periodic: Bool) -> String { periodic ? "periodic" : "none" }
}
