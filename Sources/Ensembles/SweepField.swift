import Simulation

/// A field of the base system file that a sweep varies, by the name a sweep file gives it.
///
/// Names: `seed` (the random start, `initial.seed`), `packing_fraction` φ, `box` (one side length),
/// `epsilon` and `alpha` (the potential's ε and α), `diameter.NAME` and `count.NAME` (species NAME),
/// `force_tolerance` and `max_steps` (the minimiser's). The value replaces the field in the system
/// file's JSON, which the system-file reader then checks as for any file, so that a value it refuses
/// (a negative diameter, φ > 1 …) fails that member with the reader's message, not the sweep.
public enum SweepField: Equatable, Hashable, Sendable {
  case seed
  case packingFraction
  case box
  case epsilon
  case alpha
  case diameter(species: String)
  case count(species: String)
  case forceTolerance
  case maximumSteps

  /// The names a sweep file may use, for messages.
  public static let vocabulary =
    "seed, packing_fraction, box, epsilon, alpha, diameter.NAME, count.NAME, force_tolerance, max_steps"

  /// The field called `name` in a sweep file; species names are checked against `base`.
  public init(name: String, base: JSONValue) throws(SweepError) {
    switch name {
    case "seed": self = .seed
    case "packing_fraction": self = .packingFraction
    case "box": self = .box
    case "epsilon": self = .epsilon
    case "alpha": self = .alpha
    case "force_tolerance": self = .forceTolerance
    case "max_steps": self = .maximumSteps
    case let text where text.hasPrefix("diameter.") || text.hasPrefix("count."):
      let species = String(text.drop { $0 != "." }.dropFirst())
      let names = SweepField.speciesNames(of: base)
      guard names.contains(species) else {
        throw SweepError("'\(name)': the system has no species '\(species)' (it has \(names.joined(separator: ", ")))")
      }
      self = text.hasPrefix("diameter.") ? .diameter(species: species) : .count(species: species)
    default:
      throw SweepError("'\(name)' is not a field a sweep can vary; use \(SweepField.vocabulary)")
    }
  }

  /// The name in sweep files, records and summaries.
  public var name: String {
    switch self {
    case .seed: "seed"
    case .packingFraction: "packing_fraction"
    case .box: "box"
    case .epsilon: "epsilon"
    case .alpha: "alpha"
    case .diameter(let species): "diameter.\(species)"
    case .count(let species): "count.\(species)"
    case .forceTolerance: "force_tolerance"
    case .maximumSteps: "max_steps"
    }
  }

  /// Whether the field takes whole numbers only (a seed ≥ 0, a count ≥ 0, a step limit ≥ 0).
  public var isWhole: Bool {
    switch self {
    case .seed, .count, .maximumSteps: true
    default: false
    }
  }

  /// The system file `system` with this field set to `value`.
  ///
  /// A seed removes `initial.positions` (a positions file would win over it); φ removes `box` and
  /// `box` removes φ, because a system file gives one or the other.
  public func apply(_ value: JSONValue, to system: JSONValue) -> JSONValue {
    switch self {
    case .seed:
      let initial = (system["initial"] ?? JSONValue.emptyObject).removing("positions").setting("seed", to: value)
      return system.setting("initial", to: initial)
    case .packingFraction:
      return system.removing("box").setting("packing_fraction", to: value)
    case .box:
      return system.removing("packing_fraction").setting("box", to: value)
    case .epsilon, .alpha:
      return system.setting("potential", to: (system["potential"] ?? JSONValue.emptyObject).setting(name, to: value))
    case .forceTolerance, .maximumSteps:
      return system.setting("minimizer", to: (system["minimizer"] ?? JSONValue.emptyObject).setting(name, to: value))
    case .diameter(let species), .count(let species):
      guard case .array(let list)? = system["species"] else { return system }
      let key = if case .diameter = self { "diameter" } else { "count" }
      return system.setting("species", to: .array(list.map { entry in
        entry["name"]?.stringValue == species ? entry.setting(key, to: value) : entry
      }))
    }
  }

  static func speciesNames(of system: JSONValue) -> [String] {
    guard case .array(let list)? = system["species"] else { return [] }
    return list.compactMap { $0["name"]?.stringValue }
  }
}
