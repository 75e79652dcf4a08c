import Minimization
import Models

extension MinimizerChoice {
  /// The minimiser a system file asks for: the model's defaults with the file's settings on top,
  /// each checked (the message names the field).
  init(_ settings: SystemDescription.MinimizerSettings?, largestDiameter: Double, potential: PotentialChoice) throws {
    let kindName = settings?.kind ?? Kind.fire.rawValue
    guard let kind = Kind(rawValue: kindName) else {
      throw SystemError("minimizer.kind '\(kindName)' is unknown; use \(MinimizerChoice.kindNames)")
    }
    self.init(kind, potential: potential, largestDiameter: largestDiameter)
    forceTolerance = settings?.forceTolerance ?? forceTolerance
    guard forceTolerance.isFinite, forceTolerance >= 0 else {
      throw SystemError("minimizer.force_tolerance must be finite and non-negative, got \(forceTolerance)")
    }
    maximumSteps = settings?.maxSteps ?? maximumSteps
    guard maximumSteps >= 0 else { throw SystemError("minimizer.max_steps must not be negative") }
    neighbourSkin = settings?.neighbourSkin ?? neighbourSkin
    guard neighbourSkin.isFinite, neighbourSkin >= 0 else {
      throw SystemError("minimizer.neighbour_skin must be finite and non-negative, got \(neighbourSkin)")
    }
    stepSize = settings?.stepSize ?? stepSize
    guard stepSize.isFinite, stepSize > 0 else { throw SystemError("minimizer.step_size must be positive") }
    memory = settings?.memory ?? memory
    if let name = settings?.pairPrecision {
      guard let precision = PairPrecision(rawValue: name) else {
        throw SystemError("minimizer.pair_precision '\(name)' is unknown; use full or narrow")
      }
      pairPrecision = precision
    }
    if let crossover = settings?.crossover, !(crossover.isFinite && crossover > 0) {
      throw SystemError("minimizer.crossover must be a finite positive number (k0 times the mean spacing), got \(crossover)")
    }
    if let name = settings?.preconditioner ?? (settings?.crossover != nil ? "long-wavelength" : nil) {
      guard let choice = PreconditionerChoice(name: name, crossover: settings?.crossover) else {
        throw SystemError("minimizer.preconditioner '\(name)' is unknown; use \(PreconditionerChoice.names)")
      }
      if case .longWavelength = choice {} else if settings?.crossover != nil {
        throw SystemError("minimizer.crossover belongs to the long-wavelength preconditioner, not to '\(name)'")
      }
      preconditioner = choice
    }
    timeStep = settings?.timeStep ?? timeStep
    maximumTimeStep = settings?.maximumTimeStep ?? maximumTimeStep
    maximumDisplacement = settings?.maximumDisplacement ?? maximumDisplacement
    guard timeStep.isFinite, timeStep > 0, maximumTimeStep.isFinite, maximumTimeStep >= timeStep else {
      throw SystemError("minimizer.time_step and max_time_step must be positive with time_step ≤ max_time_step")
    }
    if let limit = maximumDisplacement, !(limit.isFinite && limit > 0) {
      throw SystemError("minimizer.max_displacement must be a finite positive length, got \(limit)")
    }
    if let fire2 = settings?.fire2, !fire2.isEmpty {
      guard kind == .fire2 else {
        throw SystemError("minimizer.fire2 sets FIRE 2.0's parameters; it needs \"kind\": \"fire2\" (the kind is \(kind.rawValue))")
      }
      if fire2[.tmax] != nil, settings?.maximumTimeStep != nil {
        throw SystemError("give either minimizer.max_time_step or minimizer.fire2.tmax (= max_time_step / time_step), not both")
      }
      if fire2[.dmax] != nil, settings?.maximumDisplacement != nil {
        throw SystemError("give either minimizer.max_displacement or minimizer.fire2.dmax, not both")
      }
      // In the order of the keywords, so that tmax reads the time step already set.
      for keyword in FIRE2Keyword.allCases {
        guard let value = fire2[keyword] else { continue }
        do { try set(keyword, to: value) } catch { throw SystemError("minimizer.fire2.\(error.message)") }
      }
    }
  }
}
