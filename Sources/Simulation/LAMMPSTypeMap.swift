import Trajectories

/// Which species each LAMMPS atom type is: given as `1=small,2=large` (`--type-map`), else read.
///
/// Without an explicit map, types are named by the file (mdsens writes `types: 1=small 2=large`
/// on a data file's first line, or `# name` after its `Masses` lines), else matched by diameter
/// (atom style `sphere`, or a dump's `diameter` column) to the species with that diameter.
public struct LAMMPSTypeMap: Sendable, Equatable {
  /// Species name of each 1-based type.
  public var names: [Int: String]

  /// A map from its entries.
  public init(names: [Int: String]) { self.names = names }

  /// Parses `1=small,2=large`.
  public init(parsing text: String) throws {
    var names: [Int: String] = [:]
    for entry in text.split(separator: ",") {
      let parts = entry.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, let type = Int(parts[0]), type >= 1, !parts[1].isEmpty else {
        throw SystemError("--type-map entry '\(entry)' is not TYPE=SPECIES (e.g. 1=small,2=large)")
      }
      guard names.updateValue(String(parts[1]), forKey: type) == nil else {
        throw SystemError("--type-map names type \(type) twice")
      }
    }
    guard !names.isEmpty else { throw SystemError("--type-map is empty; give TYPE=SPECIES pairs such as 1=small,2=large") }
    self.names = names
  }

  /// The species index of every atom of `snapshot` in `system`, by this map, or nil to infer it.
  static func species(of snapshot: LAMMPSSnapshot, in system: ParticleSystem, map: LAMMPSTypeMap?,
                      path: String) throws -> [Int] {
    let names = map?.names ?? snapshot.typeNames
    if !names.isEmpty {
      return try snapshot.types.map { type in
        guard let name = names[type] else {
          throw SystemError("LAMMPS file \(path): type \(type) is not named\(map == nil ? " in the file; give --type-map" : " by --type-map")")
        }
        guard let species = system.speciesNames.firstIndex(of: name) else {
          throw SystemError("LAMMPS file \(path): type \(type) is species '\(name)', which the system does not have (it has \(system.speciesNames.joined(separator: ", ")))")
        }
        return species
      }
    }
    guard let diameters = snapshot.diameters else {
      throw SystemError("LAMMPS file \(path) names no types and has no diameters; give --type-map TYPE=SPECIES,... (species: \(system.speciesNames.joined(separator: ", ")))")
    }
    let speciesDiameters = system.speciesDiameters
    return try diameters.enumerated().map { atom, diameter in
      // The file's diameters are printed decimals: equal to a species' diameter to rounding.
      guard let species = speciesDiameters.firstIndex(where: { abs($0 - diameter) <= 1e-9 * $0 }) else {
        throw SystemError("LAMMPS file \(path): atom \(snapshot.ids[atom]) has diameter \(diameter), which no species has (diameters: \(speciesDiameters.map { "\($0)" }.joined(separator: ", "))); give --type-map")
      }
      return species
    }
  }
}
