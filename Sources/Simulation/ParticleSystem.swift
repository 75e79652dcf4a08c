import Foundation
import Models
import Particles

/// A system file checked and resolved: the file as read, the names it gives, the minimiser it asks
/// for, and the `Models/ParticleModel` it describes (dimension, boundary, box, potential, species
/// and σ table as plain numbers), which everything computed on the system is built from.
public struct ParticleSystem: Sendable {
  public let description: SystemDescription
  /// The system as plain numbers.
  public private(set) var model: ParticleModel
  public let speciesNames: [String]
  public let minimizer: MinimizerChoice
  /// The cell relaxation the file asks for (`minimizer.pressure`, `minimizer.relax_shear`), or nil.
  public let cellRelaxation: CellRelaxation?
  /// Directory the system file is in: relative paths inside it are resolved from here.
  public let baseDirectory: URL?

  /// 2 or 3.
  public var dimension: Int { model.dimension }
  public var periodic: Bool { model.periodic }
  /// Box edge lengths (length units), one per axis. In free space: the region random starts fill.
  public var boxEdges: [Double] { model.boxEdges }
  public var potential: PotentialChoice { model.potential }
  /// Species index of every particle.
  public var speciesOfParticle: [Int] {
    guard case .species(let species, _) = model.diameters else { preconditionFailure("a system file's model is by species") }
    return species
  }
  /// σ between species a and b; its diagonal is the species' diameters.
  public var pairDiameters: [[Double]] {
    guard case .species(_, let table) = model.diameters else { preconditionFailure("a system file's model is by species") }
    return table
  }
  public var speciesDiameters: [Double] { pairDiameters.indices.map { pairDiameters[$0][$0] } }

  public var particleCount: Int { model.particleCount }

  /// The packing fraction Σ vᵢ / V of the box (the model's: the volume the box was sized from).
  public var packingFraction: Double { model.packingFraction }

  /// The species `--param diameter` differentiates when none is named: the one marked
  /// `"variable": true`, else the first.
  public var variableSpecies: Int {
    description.species.firstIndex { $0.variable == true } ?? 0
  }

  /// Checks every field and resolves defaults; throws ``SystemError`` naming the offending field.
  public init(_ description: SystemDescription, baseDirectory: URL? = nil) throws {
    self.description = description
    self.baseDirectory = baseDirectory
    guard description.dimension == 2 || description.dimension == 3 else {
      throw SystemError("dimension must be 2 or 3, got \(description.dimension)")
    }
    let dimension = description.dimension
    let periodic: Bool
    switch description.boundary ?? "periodic" {
    case "periodic": periodic = true
    case "free", "none": periodic = false
    case let other: throw SystemError("boundary '\(other)' is unknown; use periodic or free")
    }
    guard !description.species.isEmpty else { throw SystemError("species: at least one species is needed") }
    // The σ table grows with the square of the number of species.
    guard description.species.count <= Self.maximumSpeciesCount else {
      throw SystemError("species: \(description.species.count) species are more than the \(Self.maximumSpeciesCount) supported")
    }
    var seen = Set<String>()
    for (index, species) in description.species.enumerated() {
      guard !species.name.isEmpty, seen.insert(species.name).inserted else {
        throw SystemError("species[\(index)].name must be non-empty and unique, got '\(species.name)'")
      }
      guard species.count >= 0 else { throw SystemError("species[\(index)].count must not be negative") }
      try Self.checkLength(species.diameter, field: "species[\(index)].diameter")
    }
    let variable = description.species.indices.filter { description.species[$0].variable == true }
    guard variable.count <= 1 else {
      throw SystemError("\"variable\": true is set on species \(variable.map { "'\(description.species[$0].name)'" }.joined(separator: " and ")); mark at most one")
    }
    speciesNames = description.species.map(\.name)
    let speciesDiameters = description.species.map(\.diameter)
    let counts = description.species.map(\.count)
    let total = try Self.particleCount(counts)
    guard total > 0 else { throw SystemError("species: the system has no particles (N = 0)") }
    try Self.checkMemory(particleCount: total, dimension: dimension)
    let speciesOfParticle = counts.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) }
    let pairDiameters: [[Double]]
    if let table = description.pairDiameters {
      let n = speciesDiameters.count
      guard table.count == n, table.allSatisfy({ $0.count == n }) else {
        throw SystemError("pair_diameters must be a \(n)×\(n) table (one row and column per species)")
      }
      for a in 0..<n {
        for b in 0..<n {
          try Self.checkLength(table[a][b], field: "pair_diameters[\(a)][\(b)]")
          guard table[a][b] == table[b][a] else { throw SystemError("pair_diameters must be symmetric") }
        }
        // A species' diameter sets its volume (the box a packing fraction gives, and dL/dθ with φ
        // held) and σₐₐ its contacts: one number, given twice, must agree.
        guard table[a][a] == speciesDiameters[a] else {
          throw SystemError("pair_diameters[\(a)][\(a)] = \(table[a][a]) differs from species[\(a)].diameter = \(speciesDiameters[a]); a species' own pair diameter is its diameter")
        }
      }
      pairDiameters = table
    } else {
      let diameters = description.species.map(\.diameter)
      pairDiameters = diameters.map { a in diameters.map { b in (a + b) / 2 } }
    }
    let potential = try PotentialChoice(description.potential)
    let deformation = try Self.checkDeformation(description.deformation, dimension: dimension, periodic: periodic)
    let boxEdges: [Double]

    switch (description.box, description.packingFraction) {
    case (let box?, nil):
      guard box.count == 1 || box.count == dimension else {
        throw SystemError("box must be one side length or \(dimension) edge lengths, got \(box.count) numbers")
      }
      for (axis, edge) in box.enumerated() { try Self.checkLength(edge, field: box.count == 1 ? "box" : "box[\(axis)]") }
      boxEdges = box.count == 1 ? Array(repeating: box[0], count: dimension) : box
    case (nil, let fraction?):
      guard fraction.isFinite, fraction > 0, fraction < 1 else {
        throw SystemError("packing_fraction must lie strictly between 0 and 1, got \(fraction)")
      }
      // The deformed cell holds the packing fraction: its volume is det(F) times the reference cell's.
      let volume = ParticleModel.particleVolume(
        of: .species(species: speciesOfParticle, table: pairDiameters), dimension: dimension) / fraction
        / (deformation.map(ParticleModel.determinant) ?? 1)
      let side = Foundation.pow(volume, 1 / Double(dimension))
      try Self.checkLength(side, field: "the box side that packing_fraction \(fraction) gives")
      boxEdges = Array(repeating: side, count: dimension)
    case (nil, nil):
      throw SystemError("the system needs either box or packing_fraction")
    case (_?, _?):
      throw SystemError("give either box or packing_fraction, not both")
    }
    model = ParticleModel(dimension: dimension, periodic: periodic, boxEdges: boxEdges, potential: potential,
                          diameters: .species(species: speciesOfParticle, table: pairDiameters),
                          deformation: deformation)
    if periodic {
      let reach = potential.cutoffRatio * model.largestDiameter
      guard reach < model.narrowestWidth / 2 else {
        throw SystemError(
          "box edges \(boxEdges)\(deformation == nil ? "" : " (deformed)") are shorter than twice the interaction range \(reach) across the cell's narrowest width \(model.narrowestWidth): the minimum image is ambiguous")
      }
    }
    minimizer = try MinimizerChoice(description.minimizer, largestDiameter: model.largestDiameter, potential: potential)
    cellRelaxation = try Self.cellRelaxation(description.minimizer, model: model)
    if let seed = description.initial?.seed, description.initial?.positions != nil {
      throw SystemError("initial: give either seed (\(seed)) or positions, not both")
    }
  }

  /// `minimizer.pressure` and `minimizer.relax_shear`, checked against the model.
  static func cellRelaxation(_ settings: SystemDescription.MinimizerSettings?, model: ParticleModel) throws
    -> CellRelaxation? {
    guard let pressure = settings?.pressure else {
      if settings?.relaxShear != nil { throw SystemError("minimizer.relax_shear needs minimizer.pressure (the target pressure)") }
      return nil
    }
    let relaxation = CellRelaxation(pressure: pressure, freedom: settings?.relaxShear == true ? .full : .isotropic)
    do { try relaxation.check(for: model) } catch { throw SystemError("minimizer.pressure: \(error.message)") }
    return relaxation
  }

  /// A deformation F of the cell, checked: d×d, finite, det F > 0, and only for a periodic cell.
  static func checkDeformation(_ matrix: [[Double]]?, dimension: Int, periodic: Bool) throws -> [[Double]]? {
    guard let matrix else { return nil }
    guard periodic else { throw SystemError("deformation needs a periodic boundary") }
    guard matrix.count == dimension, matrix.allSatisfy({ $0.count == dimension }) else {
      throw SystemError("deformation must be a \(dimension)×\(dimension) matrix (one row per axis)")
    }
    guard matrix.joined().allSatisfy({ $0.isFinite && abs($0) <= 1e3 }) else {
      throw SystemError("deformation entries must be finite numbers of magnitude at most 1000")
    }
    let determinant = ParticleModel.determinant(matrix)
    guard determinant > 1e-6 else {
      throw SystemError("deformation must keep the cell right-handed and of non-zero volume (det F = \(determinant))")
    }
    return matrix
  }

  /// Reads and checks a system file.
  public static func load(path: String) throws -> ParticleSystem {
    let url = URL(fileURLWithPath: path)
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw SystemError("cannot read system file \(path): \(error.localizedDescription)")
    }
    return try parse(data: data, origin: "system file \(path)", baseDirectory: url.deletingLastPathComponent())
  }

  /// Checks a system given as JSON text; `origin` names it in error messages.
  public static func parse(json: String, origin: String, baseDirectory: URL? = nil) throws -> ParticleSystem {
    try parse(data: Data(json.utf8), origin: origin, baseDirectory: baseDirectory)
  }

  static func parse(data: Data, origin: String, baseDirectory: URL?) throws -> ParticleSystem {
    let description: SystemDescription
    do {
      description = try SystemDescription(json: JSONValue.parse([UInt8](data)))
    } catch let error as JSONSyntaxError {
      throw SystemError("\(origin) is not valid JSON: \(error)")
    } catch let error as SystemError {
      throw SystemError("\(origin): \(error.message)")
    }
    do {
      return try ParticleSystem(description, baseDirectory: baseDirectory)
    } catch let error as SystemError {
      throw SystemError("\(origin): \(error.message)")
    }
  }

  /// The same system in a box with other edge lengths (from a positions file's lattice), with the
  /// same checks; a packing fraction in the file is replaced by the explicit box.
  public func replacingBox(edges: [Double], deformation: [[Double]]? = nil) throws -> ParticleSystem {
    var changed = description
    changed.packingFraction = nil
    changed.box = edges
    changed.deformation = deformation
    return try ParticleSystem(changed, baseDirectory: baseDirectory)
  }

  /// The same system in the cell of `model` (its box edges and deformation; a relaxed cell).
  public func inCell(of model: ParticleModel) -> ParticleSystem {
    var copy = self
    copy.model.boxEdges = model.boxEdges
    copy.model.deformation = model.deformation
    return copy
  }

  /// The same system with particles assigned to species in another order (as a positions file
  /// lists them); the number of particles of every species must stay the same.
  public func reorderingSpecies(_ assignment: [Int]) throws -> ParticleSystem {
    guard assignment.count == particleCount else {
      throw SystemError("the positions file has \(assignment.count) particles, the system \(particleCount)")
    }
    for species in speciesNames.indices {
      let wanted = speciesOfParticle.filter { $0 == species }.count
      let found = assignment.filter { $0 == species }.count
      guard wanted == found else {
        throw SystemError(
          "the positions file has \(found) particles of species '\(speciesNames[species])', the system \(wanted)")
      }
    }
    var copy = self
    copy.model.diameters = .species(species: assignment, table: pairDiameters)
    return copy
  }

  /// The species index of a name, or a ``SystemError`` listing the known names.
  public func speciesIndex(named name: String) throws -> Int {
    guard let index = speciesNames.firstIndex(of: name) else {
      throw SystemError("unknown species '\(name)'; the system has \(speciesNames.joined(separator: ", "))")
    }
    return index
  }
}
