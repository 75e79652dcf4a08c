import Foundation
import Minimization
import Models
import Simulation
import Testing

/// A small valid system with `minimizer` (JSON text) as its minimizer object.
private func system(minimizer: String, boundary: String = "periodic") throws -> ParticleSystem {
  let json = """
    {"dimension": 2, "boundary": "\(boundary)",
     "species": [{"name": "a", "count": 10, "diameter": 1.0}, {"name": "b", "count": 10, "diameter": 1.4}],
     "potential": {"kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0}, "packing_fraction": 0.8,
     "minimizer": \(minimizer)}
    """
  return try ParticleSystem.parse(json: json, origin: "test.json")
}

/// Whether reading `minimizer` fails with a message that contains `message`.
private func refuses(_ minimizer: String, boundary: String = "periodic", saying message: String) -> Bool {
  do {
    _ = try system(minimizer: minimizer, boundary: boundary)
    return false
  } catch {
    return "\(error)".contains(message)
  }
}

@Suite("Minimizer settings of a system file: FIRE 2.0's min_modify keywords and the target pressure")
struct MinimizerSettingsTests {
  @Test("every FIRE 2.0 keyword of the file reaches the minimiser, each away from LAMMPS's default")
  func everyKeyword() throws {
    let read = try system(minimizer: """
      {"kind": "fire2", "time_step": 0.05,
       "fire2": {"delaystep": 7, "dtgrow": 1.2, "dtshrink": 0.4, "alpha0": 0.3, "alphashrink": 0.95, "tmax": 6,
                 "tmin": 0.05, "dmax": 0.2, "vdfmax": 30, "halfstepback": false, "initialdelay": false,
                 "abcfire": true, "integrator": "verlet", "etol": 1e-7}}
      """).minimizer
    let defaults = FIRE2()
    let fire2 = read.fire2
    #expect(fire2.delaySteps == 7 && defaults.delaySteps == 20)
    #expect(fire2.timeStepIncrease == 1.2 && fire2.timeStepDecrease == 0.4)
    #expect(fire2.initialMixing == 0.3 && fire2.mixingDecrease == 0.95)
    #expect(abs(fire2.maximumTimeStepFactor - 6) < 1e-12 && abs(read.maximumTimeStep - 0.3) < 1e-12)
    #expect(fire2.minimumTimeStepFactor == 0.05 && fire2.maximumDisplacement == 0.2)
    #expect(fire2.maximumUphillSteps == 30)
    #expect(!fire2.halfStepBack && !fire2.initialDelay && fire2.biasCorrected)
    #expect(fire2.integrator == .velocityVerlet)
    #expect(fire2.energyTolerance == 1e-7 && defaults.energyTolerance == 0)
    #expect(FIRE2Keyword.allCases.count == 14)
  }

  @Test("a misspelt, mistyped, out-of-range or misplaced FIRE 2.0 keyword is refused with its name", arguments: [
    (#"{"kind": "fire2", "fire2": {"delaystp": 5}}"#, "did you mean 'delaystep'"),
    (#"{"kind": "fire2", "fire2": {"halfstepback": "yes"}}"#, "minimizer.fire2.halfstepback"),
    (#"{"kind": "fire2", "fire2": {"integrator": "rk4"}}"#, "integrator must be one of eulerimplicit"),
    (#"{"kind": "fire2", "fire2": {"dtshrink": 1.5}}"#, "minimizer.fire2.dtshrink must be a number in (0, 1]"),
    (#"{"kind": "fire2", "fire2": {"delaystep": 2.5}}"#, "minimizer.fire2.delaystep must be a whole number"),
    (#"{"kind": "fire2", "fire2": {"etol": -1}}"#, "minimizer.fire2.etol"),
    (#"{"kind": "fire", "fire2": {"delaystep": 5}}"#, #"it needs "kind": "fire2""#),
    (#"{"kind": "fire2", "max_time_step": 1, "fire2": {"tmax": 4}}"#, "not both"),
  ])
  func badFIRE2Settings(minimizer: String, message: String) {
    #expect(refuses(minimizer, saying: message))
  }

  @Test("L-BFGS's memory, step limit, initial inverse curvature and pair precision reach the minimiser")
  func limitedMemoryBFGS() throws {
    let read = try system(minimizer: #"{"kind": "lbfgs", "memory": 12, "max_displacement": 0.3, "step_size": 0.05}"#)
      .minimizer
    #expect(read.kind == .lbfgs)
    #expect(read.lbfgs.memory == 12 && LBFGS().memory == 5)
    #expect(read.lbfgs.maximumStep == 0.3 && read.lbfgs.initialInverseCurvature == 0.05)
    #expect(try system(minimizer: #"{"kind": "lbfgs"}"#).minimizer.lbfgs.maximumStep == LBFGS().maximumStep)
    #expect(read.lbfgs.pairPrecision == .narrow && LBFGS().pairPrecision == .narrow)
    #expect(try system(minimizer: #"{"kind": "lbfgs", "pair_precision": "full"}"#).minimizer.lbfgs.pairPrecision
            == .full)
  }

  @Test("L-BFGS's preconditioner: automatic by default (long-wavelength in 2D), its crossover from the file, or none")
  func preconditionerSettings() throws {
    #expect(try system(minimizer: #"{"kind": "lbfgs"}"#).minimizer.preconditioner == .automatic)
    #expect(PreconditionerChoice.automatic.preconditioner(geometry: .periodic(edges: [10, 10]), particleCount: 50,
                                                          threads: 1)?.crossover == PreconditionerChoice.defaultCrossover)
    #expect(PreconditionerChoice.automatic.preconditioner(geometry: .periodic(edges: [5, 5, 5]), particleCount: 50,
                                                          threads: 1) == nil)
    #expect(PreconditionerChoice.longWavelength(crossover: 2).preconditioner(
      geometry: .periodic(edges: [5, 5, 5]), particleCount: 50, threads: 1)?.crossover == 2)
    #expect(PreconditionerChoice.longWavelength(crossover: 2).preconditioner(geometry: .free, particleCount: 50,
                                                                            threads: 1) == nil)
    #expect(try system(minimizer: #"{"kind": "lbfgs", "preconditioner": "none"}"#).minimizer.preconditioner == .none)
    #expect(try system(minimizer: #"{"kind": "lbfgs", "crossover": 0.75}"#).minimizer.preconditioner
            == .longWavelength(crossover: 0.75))
    #expect(try system(minimizer: #"{"kind": "lbfgs", "preconditioner": "long-wavelength", "crossover": 2}"#)
      .minimizer.preconditioner == .longWavelength(crossover: 2))
  }

  @Test("what a preconditioner choice resolves to: automatic is long-wavelength only in a 2D periodic cell, free space gets none")
  func resolvedPreconditioner() {
    #expect(PreconditionerChoice.automatic.resolved(dimension: 2, periodic: true)
            == .longWavelength(crossover: PreconditionerChoice.defaultCrossover))
    #expect(PreconditionerChoice.automatic.resolved(dimension: 3, periodic: true) == PreconditionerChoice.none)
    #expect(PreconditionerChoice.automatic.resolved(dimension: 2, periodic: false) == PreconditionerChoice.none)
    #expect(PreconditionerChoice.longWavelength(crossover: 1.5).resolved(dimension: 3, periodic: true)
            == .longWavelength(crossover: 1.5))
    #expect(PreconditionerChoice.longWavelength(crossover: 1.5).resolved(dimension: 3, periodic: false)
            == PreconditionerChoice.none)
    #expect(PreconditionerChoice.none.resolved(dimension: 2, periodic: true) == PreconditionerChoice.none)
    #expect(PreconditionerChoice.longWavelength(crossover: 1.5).crossover == 1.5)
    #expect(PreconditionerChoice.automatic.crossover == nil)
  }

  @Test("an L-BFGS memory outside 1 … 1000, an unknown pair precision or an unknown kind is refused", arguments: [
    (#"{"kind": "lbfgs", "memory": 0}"#, "minimizer.memory"),
    (#"{"kind": "lbfgs", "memory": 2.5}"#, "minimizer.memory"),
    (#"{"kind": "bfgs"}"#, "use fire, fire2, gradient-descent or lbfgs"),
    (#"{"kind": "lbfgs", "pair_precision": "half"}"#, "minimizer.pair_precision 'half' is unknown; use full or narrow"),
    (#"{"kind": "lbfgs", "pair_precision": 32}"#, "minimizer.pair_precision"),
    (#"{"kind": "lbfgs", "preconditioner": "multigrid"}"#,
     "minimizer.preconditioner 'multigrid' is unknown; use automatic, none or long-wavelength"),
    (#"{"kind": "lbfgs", "crossover": 0}"#, "minimizer.crossover must be a finite positive number"),
    (#"{"kind": "lbfgs", "crossover": -1}"#, "minimizer.crossover must be a finite positive number"),
    (#"{"kind": "lbfgs", "preconditioner": "none", "crossover": 1}"#, "not to 'none'"),
  ])
  func badLimitedMemoryBFGSSettings(minimizer: String, message: String) {
    #expect(refuses(minimizer, saying: message))
  }

  @Test("a target pressure gives the cell relaxation; relax_shear relaxes every component")
  func targetPressure() throws {
    #expect(try system(minimizer: "{}").cellRelaxation == nil)
    #expect(try system(minimizer: #"{"pressure": 0.1}"#).cellRelaxation == CellRelaxation(pressure: 0.1))
    #expect(try system(minimizer: #"{"pressure": 0.1, "relax_shear": true}"#).cellRelaxation
            == CellRelaxation(pressure: 0.1, freedom: .full))
  }

  @Test("a target pressure the system cannot hold is refused", arguments: [
    (#"{"pressure": -0.1}"#, "periodic", "soft spheres only repel"),
    (#"{"relax_shear": true}"#, "periodic", "relax_shear needs minimizer.pressure"),
    (#"{"pressure": 0.1}"#, "free", "needs a periodic cell"),
    (#"{"pressure": "high"}"#, "periodic", "minimizer.pressure"),
  ])
  func impossiblePressure(minimizer: String, boundary: String, message: String) {
    #expect(refuses(minimizer, boundary: boundary, saying: message))
  }
}
