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

  static func load() throws -> LAMMPSTrace {
    let url = PaperReference.packageRoot.appendingPathComponent("Tests/Fixtures/lammps-fire2-trace.json")
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
}
