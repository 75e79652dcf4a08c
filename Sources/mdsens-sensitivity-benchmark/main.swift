import Foundation
import ImplicitDifferentiation
import Models
import Particles
import Sensitivity
import Simulation

// mdsens-sensitivity-benchmark: the cost of one implicit sensitivity against the cost of the
// minimisation that produced x*, on the paper's system scaled up (2D, half the discs θ = 0.6, half
// 1.0, harmonic, φ = 0.98), for dx/dθ of the small species' diameter with φ held.

let help = """
  USAGE: swift run -c release mdsens-sensitivity-benchmark [--sizes 1000,8192,65536,100000]
         [--force-tolerance 1e-10] [--tolerances 1e-5,1e-10] [--solver bicgstab|cg|minres|gmres]
         [--seed S] [--markdown PATH]

  For each N: FIRE from a seeded random start (particles numbered cell by cell) to max |F| ≤ the
  force tolerance, timed; then the implicit sensitivity at each linear-solve tolerance, timed, with
  its iterations, relative residual, L1 norm and the time ratio sensitivity / minimisation.
  Reference (JAX-MD + JAXopt on CPU, this machine class, BiCGSTAB tol 1e-5): 1.3 s at N = 8,192;
  89 s and 2,609 iterations at N = 65,536.
  """

var sizes = [1000, 8192, 65536, 100_000]
var forceTolerance = 1e-10
var tolerances = [1e-5, 1e-10]
var solverMethod = SolverChoice.Method.bicgstab
var seed: UInt64 = 1
var markdownPath: String?
var arguments = Array(CommandLine.arguments.dropFirst())
func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("mdsens-sensitivity-benchmark: \(message)\n".utf8))
  exit(2)
}
while !arguments.isEmpty {
  let name = arguments.removeFirst()
  if name == "--help" || name == "-h" { print(help); exit(0) }
  guard !arguments.isEmpty else { fail("\(name) needs a value (see --help)") }
  let value = arguments.removeFirst()
  switch name {
  case "--sizes": sizes = value.split(separator: ",").compactMap { Int($0) }
  case "--force-tolerance":
    guard let number = Double(value) else { fail("bad --force-tolerance \(value)") }
    forceTolerance = number
  case "--tolerances": tolerances = value.split(separator: ",").compactMap { Double($0) }
  case "--solver":
    guard let method = SolverChoice.Method(rawValue: value) else { fail("unknown solver \(value)") }
    solverMethod = method
  case "--seed":
    guard let number = UInt64(value) else { fail("bad --seed \(value)") }
    seed = number
  case "--markdown": markdownPath = value
  default: fail("unknown option \(name) (see --help)")
  }
}
guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 2 && $0 % 2 == 0 }), !tolerances.isEmpty else {
  fail("sizes must be even numbers ≥ 2 and tolerances non-empty")
}

func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

var rows = ["| N | FIRE steps | minimisation s | solve tol | iterations | residual | sensitivity s | ratio | L1 (normalised) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
print(rows.joined(separator: "\n"))
for n in sizes {
  let description = SystemDescription(
    name: "paper-2d-\(n)", dimension: 2, species: [
      .init(name: "small", count: n / 2, diameter: 0.6, variable: true),
      .init(name: "large", count: n / 2, diameter: 1.0, variable: nil),
    ], potential: .init(kind: "soft-sphere", epsilon: 1, alpha: 2, cutoff: nil), packingFraction: 0.98,
    minimizer: .init(forceTolerance: forceTolerance, maxSteps: 1_000_000, neighbourSkin: 0.2))
  var system: ParticleSystem
  do { system = try ParticleSystem(description) } catch { fail("\(error)") }
  var start = RandomConfiguration.uniform(count: n, edges: system.boxEdges, seed: seed)
  let order = SpatialOrder.cellOrder(positions: start, dimension: 2, edges: system.boxEdges, cellSize: 1.2)
  start = SpatialOrder.permuted(start, by: order, width: 2)
  do { system = try system.reorderingSpecies(SpatialOrder.permuted(system.speciesOfParticle, by: order)) } catch { fail("\(error)") }
  let clock = ContinuousClock()
  var began = clock.now
  let minimum: MinimizationOutcome
  do { minimum = try system.minimize(from: start) } catch { fail("\(error)") }
  let minimisationSeconds = seconds(clock.now - began)
  guard minimum.converged else {
    print("| \(n) | \(minimum.steps) | \(String(format: "%.2f", minimisationSeconds)) | FIRE did not converge (max |F| \(minimum.maximumForce)) | | | | | |")
    continue
  }
  let model = system.model
  for tolerance in tolerances {
    var options = ImplicitOptions(solver: SolverChoice(solverMethod, tolerance: tolerance))
    options.validate = false
    began = clock.now
    do {
      let result = try ImplicitSensitivity.compute(model: model, positions: minimum.positions,
                                                   parameter: .speciesDiameter(0), holding: .packingFraction,
                                                   options: options)
      let sensitivitySeconds = seconds(clock.now - began)
      let report = result.validity
      let row = "| \(n) | \(minimum.steps) | \(String(format: "%.3f", minimisationSeconds)) | \(tolerance) | \(report?.root.solverIterations ?? -1) | \(String(format: "%.1e", report?.root.solverResidual ?? .nan)) | \(String(format: "%.3f", sensitivitySeconds)) | \(String(format: "%.3f", sensitivitySeconds / minimisationSeconds)) | \(String(format: "%.6f", result.normalisedL1Norm)) |"
      rows.append(row)
      print(row)
    } catch {
      print("| \(n) | \(minimum.steps) | \(String(format: "%.3f", minimisationSeconds)) | \(tolerance) | failed: \(error) | | | | |")
    }
  }
}
if let markdownPath {
  try? (rows.joined(separator: "\n") + "\n").write(toFile: markdownPath, atomically: true, encoding: .utf8)
}
