import Models
import Sensitivity

/// What ``MinimumAnalysis`` computes beside the contacts and the pressure.
public struct AnalysisOptions: Sendable {
  /// D(ω) by the kernel polynomial method, with this many moments and random vectors.
  public var densityOfStates: Bool
  public var momentCount: Int
  public var randomVectors: Int
  /// The lowest modes by shift-invert Lanczos (0: none).
  public var modeCount: Int
  /// S(k) up to this wavenumber (1/length; nil: none).
  public var structureFactorReach: Double?
  /// g(r) up to this distance (length; nil: none).
  public var pairCorrelationReach: Double?
  /// The largest |force component| accepted for the spectrum (energy / length): H is the
  /// dynamical matrix only at a minimum.
  public var refusalForce: Double

  public init(densityOfStates: Bool = false, momentCount: Int = 256, randomVectors: Int = 16, modeCount: Int = 0,
              structureFactorReach: Double? = nil, pairCorrelationReach: Double? = nil, refusalForce: Double = 1e-6) {
    self.densityOfStates = densityOfStates
    self.momentCount = momentCount
    self.randomVectors = randomVectors
    self.modeCount = modeCount
    self.structureFactorReach = structureFactorReach
    self.pairCorrelationReach = pairCorrelationReach
    self.refusalForce = refusalForce
  }
}

/// The observables of one minimum that jamming papers report beside the moduli: contacts and
/// rattlers, pressure, and on request the vibrational density of states, the lowest modes, S(k)
/// and g(r). Each part is timed (seconds of wall clock, in `seconds` by name).
public struct MinimumAnalysis: Sendable {
  public let contacts: ContactStatistics
  /// E (energy units) and max |Fᵢₖ| (energy / length) at the positions.
  public let energy: Double
  public let maximumForce: Double
  /// The virial pressure (energy / length^d).
  public let pressure: Double
  public let densityOfStates: VibrationalDensityOfStates?
  public let lowestModes: LowestModes?
  public let structureFactor: StructureFactor?
  public let pairCorrelation: PairCorrelation?
  public let seconds: [String: Double]

  /// Analyses `model` at `positions`; `species` labels particles for S_ab(k) (nil: one species).
  public init(model: ParticleModel, positions: [Double], species: [Int]? = nil, options: AnalysisOptions) throws {
    guard positions.count == model.degreesOfFreedom, positions.allSatisfy(\.isFinite) else {
      throw AnalysisError("the positions must be \(model.degreesOfFreedom) finite numbers")
    }
    let clock = ContinuousClock()
    var seconds = [String: Double]()
    func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
      let start = clock.now
      let result = try body()
      let elapsed = clock.now - start
      seconds[name] = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
      return result
    }
    let (energy, forces) = model.forces(at: positions)
    let maximumForce = forces.reduce(0) { max($0, abs($1)) }
    self.energy = energy
    self.maximumForce = maximumForce
    let contacts = timed("contacts") { model.contactStatistics(at: positions) }
    let pressure = timed("pressure") { model.pressure(at: positions) }

    let spectrum = options.densityOfStates || options.modeCount > 0
    if spectrum {
      guard maximumForce <= options.refusalForce else {
        throw AnalysisError("not a minimum: max |F| = \(maximumForce) > \(options.refusalForce); the vibrational spectrum needs one")
      }
      guard contacts.backboneParticleCount > 0 else {
        throw AnalysisError("every particle is a rattler: there is no rigid backbone to vibrate")
      }
    }
    let hessian = spectrum
      ? timed("hessian") { BackboneHessian(model: model, positions: positions, rattlers: contacts.rattlers) } : nil
    let wantsDensity = options.densityOfStates
    let densityOfStates = try hessian.flatMap { hessian in
      try wantsDensity ? timed("density_of_states") {
        try VibrationalDensityOfStates(hessian: hessian, momentCount: options.momentCount,
                                       vectors: options.randomVectors)
      } : nil
    }
    let lowestModes = try hessian.flatMap { hessian in
      try options.modeCount > 0 ? timed("modes") { try LowestModes(hessian: hessian, count: options.modeCount) } : nil
    }
    let structureFactor = try options.structureFactorReach.map { reach in
      guard model.periodic else { throw AnalysisError("the structure factor needs a periodic box") }
      return try timed("structure_factor") {
        let index = StructureFactor.maximumIndex(reaching: reach, edges: model.boxEdges, dimension: model.dimension)
        return try StructureFactor(positions: positions, dimension: model.dimension, edges: model.boxEdges,
                                   species: species, maximumIndex: index, accuracy: 1e-8)
      }
    }
    let pairCorrelation = options.pairCorrelationReach.map { reach in
      timed("pair_correlation") { PairCorrelation(model: model, positions: positions, maximumDistance: reach) }
    }
    self.contacts = contacts
    self.pressure = pressure
    self.densityOfStates = densityOfStates
    self.lowestModes = lowestModes
    self.structureFactor = structureFactor
    self.pairCorrelation = pairCorrelation
    self.seconds = seconds
  }
}

extension MinimumAnalysis {
  /// The results as named arrays for `/observables` of an H5MD file: scalars as one-element arrays,
  /// curves as their samples (names in snake case, S_ab as structure_factor_<a>_<b> by species index).
  public var observables: [String: [Double]] {
    var observables: [String: [Double]] = [
      "pressure": [pressure],
      "contact_numbers": contacts.contactNumbers.map(Double.init),
      "mean_contact_number": [contacts.meanContactNumber],
      "backbone_mean_contact_number": [contacts.backboneMeanContactNumber],
      "excess_contact_number": [contacts.excessContactNumber],
    ]
    if let dos = densityOfStates {
      observables["dos_omega"] = dos.frequencies
      observables["dos_density"] = dos.density
      observables["dos_error"] = dos.standardError
    }
    if let lowest = lowestModes {
      observables["mode_eigenvalues"] = lowest.modes.map(\.eigenvalue)
      observables["mode_frequencies"] = lowest.modes.map(\.frequency)
      observables["mode_participation_ratios"] = lowest.modes.map { $0.participationRatio(dimension: contacts.dimension) }
    }
    if let factor = structureFactor, !factor.values.isEmpty {
      observables["structure_factor_k"] = factor.wavenumbers
      observables["structure_factor"] = factor.values
      for (key, values) in factor.partial {
        observables["structure_factor_" + key.replacingOccurrences(of: "-", with: "_")] = values
      }
    }
    if let g = pairCorrelation {
      observables["pair_correlation_r"] = g.distances
      observables["pair_correlation_g"] = g.values
    }
    return observables
  }
}
