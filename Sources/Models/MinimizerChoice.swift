import Minimization

/// Which minimiser descends a model's energy, with its settings: the one place their defaults are
/// defined (a system file overrides them field by field).
public struct MinimizerChoice: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    case fire
    /// FIRE 2.0 as LAMMPS's `min_style fire`.
    case fire2
    case gradientDescent = "gradient-descent"
    /// Limited-memory BFGS with a limited, energy-checked step (`LBFGS`).
    case lbfgs
  }

  /// The names of every kind, for messages: "fire, fire2, gradient-descent or lbfgs".
  public static var kindNames: String {
    let names = Kind.allCases.map(\.rawValue)
    return names.dropLast().joined(separator: ", ") + " or " + names.last!
  }

  public var kind: Kind
  /// Stop at max |Fᵢₖ| ≤ this (energy / length).
  public var forceTolerance: Double
  public var maximumSteps: Int
  /// Verlet skin (length units).
  public var neighbourSkin: Double
  /// Gradient descent's step size, and L-BFGS's γ₀ of H₀ = γ₀ I before its first step pair
  /// (length² / energy).
  public var stepSize: Double
  /// L-BFGS's memory m (step pairs kept).
  public var memory = LBFGS().memory
  /// The precision L-BFGS keeps its step pairs in.
  public var pairPrecision = LBFGS().pairPrecision
  /// L-BFGS's H₀: γ I or γ M⁻¹ with the long-wavelength preconditioner M (periodic cells, `Double`
  /// minimisation; double-double and dual-number runs start from γ I).
  public var preconditioner = PreconditionerChoice.automatic
  /// FIRE's initial and largest time step.
  public var timeStep: Double
  public var maximumTimeStep: Double
  /// FIRE's largest move of a coordinate in one step (length units; nil: no limit, FIRE 2.0's
  /// default dmax = 0.1 and L-BFGS's default Δmax = 0.2).
  public var maximumDisplacement: Double?
  /// FIRE 2.0's own parameters (N_delay, f_inc, f_dec, α₀, f_α, t_min, integrator, half step back,
  /// initial delay, vdfmax, ABC-FIRE); its dt₀, t_max = dt_max/dt₀, dmax, force tolerance and
  /// step limit are the fields above.
  public var fire2Parameters = FIRE2()

  /// The defaults for `potential` with diameters up to `largestDiameter`.
  ///
  /// JAX-MD's FIRE defaults (dt = 0.1, dt_max = 0.4) suit soft spheres; Lennard-Jones and Morse wells
  /// are stiffer (curvature ~57 ε/σ² and 2εα²/σ²), and FIRE's velocity Verlet is unstable at dt·ω > 2,
  /// so they get dt = 0.005, dt_max = 0.02 and a step limited to 0.1 σ.
  public init(_ kind: Kind = .fire, potential: PotentialChoice, largestDiameter: Double) {
    self.kind = kind
    forceTolerance = 1e-12
    maximumSteps = 100_000
    neighbourSkin = Self.defaultNeighbourSkin(largestDiameter: largestDiameter)
    stepSize = 0.1
    let soft: Bool
    if case .softSphere = potential { soft = true } else { soft = false }
    timeStep = soft ? 0.1 : 0.005
    maximumTimeStep = soft ? 0.4 : 0.02
    maximumDisplacement = soft ? nil : 0.1 * largestDiameter
  }

  /// This FIRE, with the default skin for diameters up to `largestDiameter`.
  public init(_ fire: FIRE, largestDiameter: Double) {
    kind = .fire
    forceTolerance = fire.forceTolerance
    maximumSteps = fire.maximumSteps
    neighbourSkin = Self.defaultNeighbourSkin(largestDiameter: largestDiameter)
    stepSize = 0.1
    timeStep = fire.initialTimeStep
    maximumTimeStep = fire.maximumTimeStep
    maximumDisplacement = fire.maximumDisplacement
  }

  /// The Verlet skin used unless one is given: a fifth of the largest diameter (length units).
  public static func defaultNeighbourSkin(largestDiameter: Double) -> Double { 0.2 * largestDiameter }

  /// The FIRE these settings describe (whatever ``kind`` is: unrolled differentiation runs FIRE).
  public var fire: FIRE {
    var fire = FIRE(forceTolerance: forceTolerance, maximumSteps: maximumSteps)
    fire.initialTimeStep = timeStep
    fire.maximumTimeStep = maximumTimeStep
    fire.maximumDisplacement = maximumDisplacement
    return fire
  }

  /// The FIRE 2.0 these settings describe.
  public var fire2: FIRE2 {
    var fire2 = fire2Parameters
    fire2.forceTolerance = forceTolerance
    fire2.maximumSteps = maximumSteps
    fire2.timeStep = timeStep
    fire2.maximumTimeStepFactor = maximumTimeStep / timeStep
    fire2.maximumDisplacement = maximumDisplacement ?? FIRE2().maximumDisplacement
    return fire2
  }

  /// The gradient descent these settings describe.
  public var gradientDescent: GradientDescent {
    GradientDescent(stepSize: stepSize, forceTolerance: forceTolerance, maximumSteps: maximumSteps)
  }

  /// The L-BFGS these settings describe.
  public var lbfgs: LBFGS {
    var lbfgs = LBFGS(forceTolerance: forceTolerance, maximumSteps: maximumSteps)
    lbfgs.memory = memory
    lbfgs.pairPrecision = pairPrecision
    lbfgs.initialInverseCurvature = stepSize
    lbfgs.maximumStep = maximumDisplacement ?? lbfgs.maximumStep
    return lbfgs
  }

  /// Runs the chosen minimiser on `landscape`: the one switch over the kinds. The concrete
  /// minimisers are called directly so that their generic loops specialise for the landscape
  /// (through the `Minimizer` existential they would run unspecialised).
  ///
  /// `preconditioner` is L-BFGS's M (H₀ = γ M⁻¹; nil: γ I); the other minimisers have no use for it.
  @inlinable
  public func minimize<Landscape: EnergyLandscape, Preconditioning: LandscapePreconditioner>(
    _ landscape: inout Landscape, from start: [Landscape.Scalar], every interval: Int,
    observer: MinimizationObserver<Landscape.Scalar>?, preconditioner: Preconditioning?
  ) -> MinimizationResult<Landscape.Scalar> where Preconditioning.Scalar == Landscape.Scalar {
    switch kind {
    case .fire: return fire.minimize(&landscape, from: start, every: interval, observer: observer)
    case .fire2: return fire2.minimize(&landscape, from: start, every: interval, observer: observer)
    case .gradientDescent: return gradientDescent.minimize(&landscape, from: start, every: interval, observer: observer)
    case .lbfgs:
      return lbfgs.minimize(&landscape, from: start, every: interval, observer: observer, preconditioner: preconditioner)
    }
  }

  /// ``minimize(_:from:every:observer:preconditioner:)`` without a preconditioner.
  @inlinable
  public func minimize<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from start: [Landscape.Scalar], every interval: Int,
    observer: MinimizationObserver<Landscape.Scalar>?
  ) -> MinimizationResult<Landscape.Scalar> {
    minimize(&landscape, from: start, every: interval, observer: observer,
             preconditioner: nil as IdentityPreconditioner<Landscape.Scalar>?)
  }
}
