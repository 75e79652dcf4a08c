import Foundation
import Minimization
import Particles
import Testing

/// LAMMPS's own FIRE 2.0 trace (tools/compare_lammps.py --trace): 64 bidisperse harmonic discs.
private struct LAMMPSTrace: Decodable {
  var box: Double
  var diameters: [Double]
  var species: [Int]
  var positions: [Double]
  var energy: [Double]
  var max_force: [Double]
  var iterations: Int?
  var etol: Double?
  var stop: String?

  static func load(_ name: String = "lammps-fire2-trace.json") throws -> LAMMPSTrace {
    let url = PaperReference.packageRoot.appendingPathComponent("Tests/Fixtures/\(name)")
    return try JSONDecoder().decode(LAMMPSTrace.self, from: Data(contentsOf: url))
  }

  /// U = ε/2 (1 − r/σᵢⱼ)², σᵢⱼ = (σᵢ + σⱼ)/2: what harmonic/cut with k = 1/(2σᵢⱼ²), r_c = σᵢⱼ is.
  var interaction: PairInteraction<PeriodicBox<TwoDimensions, Double>, SoftSphere<Double>, SpeciesPairDiameters<Double>> {
    let table = diameters.map { a in diameters.map { b in (a + b) / 2 } }
    return PairInteraction(boundary: PeriodicBox(side: box), potential: SoftSphere(epsilon: 1, alpha: 2),
                           diameters: SpeciesPairDiameters(species: species, table: table))
  }
}

/// Energies after each iteration of `fire2` from the trace's start.
private func energies(_ fire2: FIRE2, iterations: Int, trace: LAMMPSTrace) -> [Double] {
  var landscape = ParticleLandscape(trace.interaction, skin: 0.3)
  var state = fire2.start(&landscape, from: trace.positions)
  var energies = [state.energy]
  for _ in 0..<iterations {
    fire2.step(&state, on: &landscape)
    energies.append(state.energy)
  }
  return energies
}

@Suite("FIRE 2.0 (LAMMPS's min_style fire)")
struct FIRE2Tests {
  @Test("retraces LAMMPS's energies iteration by iteration from the same start")
  func matchesLAMMPSTrace() throws {
    let trace = try LAMMPSTrace.load()
    var fire2 = FIRE2(forceTolerance: 0, maximumSteps: 1_000_000)
    fire2.maximumTimeStepFactor = 4
    let iterations = trace.energy.count - 1
    let ours = energies(fire2, iterations: iterations, trace: trace)
    var largest = 0.0
    for k in 0...iterations {
      largest = max(largest, abs(ours[k] - trace.energy[k]) / trace.energy[k])
    }
    #expect(iterations >= 300)
    #expect(largest < 1e-11, "largest relative energy difference \(largest)")
  }

  @Test("a different parameter (N_delay 5) leaves LAMMPS's trace: the test can fail")
  func parametersMatter() throws {
    let trace = try LAMMPSTrace.load()
    var fire2 = FIRE2(forceTolerance: 0, maximumSteps: 1_000_000)
    fire2.maximumTimeStepFactor = 4
    fire2.delaySteps = 5
    let ours = energies(fire2, iterations: trace.energy.count - 1, trace: trace)
    let largest = zip(ours, trace.energy).map { abs($0 - $1) / $1 }.max()!
    #expect(largest > 1e-6)
  }

  @Test("with LAMMPS's energy tolerance etol it stops at the iteration LAMMPS stops at, with its energy")
  func energyToleranceMatchesLAMMPS() throws {
    let trace = try LAMMPSTrace.load("lammps-fire2-etol.json")
    #expect(trace.stop == "energy tolerance")
    var fire2 = FIRE2(forceTolerance: 0, maximumSteps: 1_000_000)
    fire2.maximumTimeStepFactor = 4
    fire2.energyTolerance = try #require(trace.etol)
    var landscape = ParticleLandscape(trace.interaction, skin: 0.3)
    let result = fire2.minimize(&landscape, from: trace.positions)
    #expect(result.stopReason == .energyTolerance)
    #expect(result.steps == trace.iterations)
    #expect(abs(result.energy - trace.energy.last!) <= 1e-11 * trace.energy.last!)
    // Without it the same run goes on: the tolerance, not the step budget, stopped it.
    fire2.energyTolerance = 0
    fire2.maximumSteps = result.steps + 50
    #expect(fire2.minimize(&landscape, from: trace.positions).steps == result.steps + 50)
  }
}
