import Minimization

/// FIRE 2.0's settings by the names of LAMMPS's `min_modify` (and `minimize etol`), as a system
/// file's `minimizer.fire2` object and `mdsens minimize --min-modify` give them: one reading of
/// each keyword for both.
///
/// | keyword | meaning | LAMMPS default |
/// |---|---|---|
/// | `delaystep` | N_delay | 20 |
/// | `dtgrow`, `dtshrink` | f_inc, f_dec | 1.1, 0.5 |
/// | `alpha0`, `alphashrink` | α₀, f_α | 0.25, 0.99 |
/// | `tmax`, `tmin` | dt_max/dt₀, dt_min/dt₀ | 10, 0.02 |
/// | `dmax` | the largest move of a coordinate (length units) | 0.1 |
/// | `vdfmax` | consecutive uphill iterations before giving up | 2000 |
/// | `halfstepback`, `initialdelay`, `abcfire` | yes / no | yes, yes, no |
/// | `integrator` | eulerimplicit, verlet, leapfrog, eulerexplicit | eulerimplicit |
/// | `etol` | the energy tolerance (dimensionless, 0: off) | 0 |
///
/// `tmax` and `dmax` set the minimiser's `maximumTimeStep` (= tmax·dt₀) and `maximumDisplacement`.
public enum FIRE2Keyword: String, Sendable, CaseIterable {
  case delaystep, dtgrow, dtshrink, alpha0, alphashrink, tmax, tmin, dmax, vdfmax
  case halfstepback, initialdelay, abcfire, integrator, etol

  /// A keyword's value: a number, yes/no, or a name.
  public enum Value: Sendable, Equatable {
    case number(Double)
    case flag(Bool)
    case name(String)
  }

  /// Whether the value is yes/no, a name, or a number.
  public var isFlag: Bool { self == .halfstepback || self == .initialdelay || self == .abcfire }
  public var isName: Bool { self == .integrator }

  /// The value of text as this keyword reads it (`yes`/`no`, a name, a number), or nil.
  public func value(parsing text: String) -> Value? {
    if isFlag { return text == "yes" ? .flag(true) : text == "no" ? .flag(false) : nil }
    if isName { return .name(text) }
    return Double(text).map(Value.number)
  }
}

extension MinimizerChoice {
  /// Sets one FIRE 2.0 keyword, checked (the message says what the keyword accepts).
  public mutating func set(_ keyword: FIRE2Keyword, to value: FIRE2Keyword.Value) throws(ModelError) {
    func number(_ valid: (Double) -> Bool, _ requirement: String) throws(ModelError) -> Double {
      guard case .number(let x) = value, x.isFinite, valid(x) else {
        throw ModelError("\(keyword.rawValue) must be \(requirement), got \(value)")
      }
      return x
    }
    func flag() throws(ModelError) -> Bool {
      guard case .flag(let yes) = value else { throw ModelError("\(keyword.rawValue) must be yes or no (true or false), got \(value)") }
      return yes
    }
    switch keyword {
    case .delaystep:
      let steps = try number({ $0 >= 0 && $0 == $0.rounded() && $0 <= 1e9 }, "a whole number ≥ 0")
      fire2Parameters.delaySteps = Int(steps)
    case .dtgrow: fire2Parameters.timeStepIncrease = try number({ $0 >= 1 }, "a number ≥ 1")
    case .dtshrink: fire2Parameters.timeStepDecrease = try number({ $0 > 0 && $0 <= 1 }, "a number in (0, 1]")
    case .alpha0: fire2Parameters.initialMixing = try number({ $0 >= 0 && $0 <= 1 }, "a number in [0, 1]")
    case .alphashrink: fire2Parameters.mixingDecrease = try number({ $0 > 0 && $0 <= 1 }, "a number in (0, 1]")
    case .tmax: maximumTimeStep = try number({ $0 >= 1 }, "a number ≥ 1 (dt_max = tmax·dt₀)") * timeStep
    case .tmin: fire2Parameters.minimumTimeStepFactor = try number({ $0 > 0 && $0 <= 1 }, "a number in (0, 1]")
    case .dmax: maximumDisplacement = try number({ $0 > 0 }, "a positive length")
    case .vdfmax:
      let steps = try number({ $0 >= 0 && $0 == $0.rounded() && $0 <= 1e9 }, "a whole number ≥ 0")
      fire2Parameters.maximumUphillSteps = Int(steps)
    case .halfstepback: fire2Parameters.halfStepBack = try flag()
    case .initialdelay: fire2Parameters.initialDelay = try flag()
    case .abcfire: fire2Parameters.biasCorrected = try flag()
    case .integrator:
      guard case .name(let name) = value, let integrator = FIRE2.Integrator(rawValue: name) else {
        throw ModelError("integrator must be one of \(FIRE2.Integrator.allCases.map(\.rawValue).joined(separator: ", ")), got \(value)")
      }
      fire2Parameters.integrator = integrator
    case .etol: fire2Parameters.energyTolerance = try number({ $0 >= 0 && $0 < 1 }, "a number in [0, 1)")
    }
  }
}
