import Foundation
import Models

/// A particle system as a user writes it in a JSON file under `Systems/`.
///
/// ```json
/// { "name": "paper-2d-128", "dimension": 2, "boundary": "periodic",
///   "species": [ {"name": "small", "count": 64, "diameter": 0.6, "variable": true},
///                {"name": "large", "count": 64, "diameter": 1.0} ],
///   "potential": {"kind": "soft-sphere", "epsilon": 1, "alpha": 2},
///   "packing_fraction": 0.98,
///   "initial": {"seed": 0},
///   "minimizer": {"kind": "fire", "force_tolerance": 1e-12, "max_steps": 100000} }
/// ```
///
/// Particles are numbered species by species in the order listed. The box is either `box` (one
/// side length, or one per axis) or `packing_fraction` φ, the fraction of the box covered by the
/// particles' discs (π d²/4) or spheres (π d³/6); a cubic or square box of side (Σ vᵢ / φ)^{1/d}
/// follows. σᵢⱼ is the additive mix (dᵢ + dⱼ)/2 of species diameters unless `pair_diameters` gives
/// the species-pair table.
public struct SystemDescription: Sendable, Equatable {
  public struct Species: Sendable, Equatable {
    public var name: String
    public var count: Int
    /// Diameter (length units).
    public var diameter: Double
    /// The species whose diameter `mdsens sensitivity --param diameter` differentiates by default.
    public var variable: Bool?

    public init(name: String, count: Int, diameter: Double, variable: Bool? = nil) {
      self.name = name
      self.count = count
      self.diameter = diameter
      self.variable = variable
    }
  }

  public struct Potential: Sendable, Equatable {
    /// "soft-sphere", "lennard-jones" or "morse".
    public var kind: String
    public var epsilon: Double?
    /// Soft sphere: the exponent α (2 harmonic, 2.5 Hertzian). Morse: the stiffness α.
    public var alpha: Double?
    /// r_c / σᵢⱼ for Lennard-Jones and Morse.
    public var cutoff: Double?

    public init(kind: String, epsilon: Double? = nil, alpha: Double? = nil, cutoff: Double? = nil) {
      self.kind = kind
      self.epsilon = epsilon
      self.alpha = alpha
      self.cutoff = cutoff
    }
  }

  public struct Initial: Sendable, Equatable {
    /// Seed of the uniform random start (``RandomConfiguration``).
    public var seed: UInt64?
    /// An XYZ or H5MD file with starting positions (relative to the system file).
    public var positions: String?
  }

  public struct MinimizerSettings: Sendable, Equatable {
    /// "fire", "fire2", "gradient-descent" or "lbfgs".
    public var kind: String?
    public var forceTolerance: Double?
    public var maxSteps: Int?
    /// Neighbour-list skin (length units).
    public var neighbourSkin: Double?
    /// Gradient descent's step size; L-BFGS's initial inverse curvature γ₀.
    public var stepSize: Double?
    /// L-BFGS's memory m (1 … 1000 step pairs).
    public var memory: Int?
    /// The precision L-BFGS keeps its step pairs in: "narrow" (single, the default) or "full".
    public var pairPrecision: String?
    /// L-BFGS's preconditioner: "automatic" (the default: long-wavelength in a 2D periodic cell,
    /// none otherwise), "long-wavelength" or "none".
    public var preconditioner: String?
    /// The long-wavelength preconditioner’s crossover k₀·a (dimensionless, default 2).
    public var crossover: Double?
    /// FIRE's initial time step dt_start (default 0.1 for soft spheres, 0.005 otherwise).
    public var timeStep: Double?
    /// FIRE's dt_max (default 0.4 for soft spheres, 0.02 otherwise: a dense LJ glass is unstable at 0.05).
    public var maximumTimeStep: Double?
    /// FIRE's largest move of a coordinate per step (default: none for soft spheres, 0.1 σ otherwise).
    public var maximumDisplacement: Double?
    /// FIRE 2.0's parameters by LAMMPS's `min_modify` names (the `fire2` object), `etol` included.
    public var fire2: [FIRE2Keyword: FIRE2Keyword.Value]?
    /// A target pressure P: relax the cell with the particles to the minimum of E + P·V.
    public var pressure: Double?
    /// With `pressure`: relax every component of the cell (zero shear stress), not only its size.
    public var relaxShear: Bool?

    public init(kind: String? = "fire", forceTolerance: Double? = nil, maxSteps: Int? = nil,
                neighbourSkin: Double? = nil, stepSize: Double? = nil, timeStep: Double? = nil,
                maximumTimeStep: Double? = nil, maximumDisplacement: Double? = nil,
                fire2: [FIRE2Keyword: FIRE2Keyword.Value]? = nil, pressure: Double? = nil, relaxShear: Bool? = nil,
                memory: Int? = nil, pairPrecision: String? = nil, preconditioner: String? = nil,
                crossover: Double? = nil) {
      self.kind = kind
      self.forceTolerance = forceTolerance
      self.maxSteps = maxSteps
      self.neighbourSkin = neighbourSkin
      self.stepSize = stepSize
      self.timeStep = timeStep
      self.maximumTimeStep = maximumTimeStep
      self.maximumDisplacement = maximumDisplacement
      self.fire2 = fire2
      self.pressure = pressure
      self.relaxShear = relaxShear
      self.memory = memory
      self.pairPrecision = pairPrecision
      self.preconditioner = preconditioner
      self.crossover = crossover
    }
  }

  public var name: String?
  public var description: String?
  public var dimension: Int
  /// "periodic" (default) or "free".
  public var boundary: String?
  public var species: [Species]
  public var potential: Potential
  /// Explicit σ table between species, overriding additive mixing.
  public var pairDiameters: [[Double]]?
  /// Box side lengths: one number (square/cubic) or one per axis.
  public var box: [Double]?
  public var packingFraction: Double?
  /// The homogeneous deformation F (d×d) of the periodic cell: the box (from `box` or
  /// `packing_fraction`) is the reference cell, its edge vectors F·Lₖeₖ (a sheared cell); nil: F = I.
  public var deformation: [[Double]]?
  public var initial: Initial?
  public var minimizer: MinimizerSettings?

  public init(
    name: String? = nil, dimension: Int, boundary: String? = "periodic", species: [Species],
    potential: Potential, pairDiameters: [[Double]]? = nil, box: [Double]? = nil,
    packingFraction: Double? = nil, initial: Initial? = nil, minimizer: MinimizerSettings? = nil
  ) {
    self.name = name
    self.dimension = dimension
    self.boundary = boundary
    self.species = species
    self.potential = potential
    self.pairDiameters = pairDiameters
    self.box = box
    self.packingFraction = packingFraction
    self.initial = initial
    self.minimizer = minimizer
  }
}

