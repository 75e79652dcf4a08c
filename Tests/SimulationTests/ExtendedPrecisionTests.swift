import DualNumbers
import Minimization
import Models
import Simulation
import Testing

@Suite("Minimisation in double-double precision")
struct ExtendedPrecisionTests {
  @Test("FIRE 2.0 in double-double takes the paper's packing from 1e-12 to max |F| ≤ 1e-20, at the same minimum")
  func paperSystemToTightForces() throws {
    let system = try BuiltInSystems.paper()
    let (_, start) = try system.startingPositions(seed: 0)
    var choice = system.minimizer
    choice.kind = .fire2
    choice.forceTolerance = 1e-12
    let coarse = try system.model.minimize(from: start, using: choice)
    #expect(coarse.converged)
    choice.forceTolerance = 1e-20
    let fine = try system.model.minimizeInExtendedPrecision(from: coarse.positions.map { DoubleDouble($0) },
                                                             using: choice)
    #expect(fine.converged)
    #expect(fine.maximumForce <= 1e-20)
    // Below 1e-12 the energy changes by ~|F|²/k: the same minimum to double precision.
    #expect(abs(fine.energy.high - coarse.energy) <= 1e-14 * coarse.energy)
    // Rounded to doubles, the positions are at a double-precision minimum too (forces at rounding
    // level, evaluated by the ordinary double pair loop).
    let (_, forces) = system.model.forces(at: fine.positions.map(\.high))
    #expect(forces.map(abs).max()! < 1e-13)
    // Double precision alone cannot get there: its forces stall at the rounding of the positions.
    choice.maximumSteps = 1_000
    let stalled = try system.model.minimize(from: coarse.positions, using: choice)
    #expect(!stalled.converged)
    #expect(stalled.maximumForce > 1e-18)
  }
}
