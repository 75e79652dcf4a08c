import Foundation
import ImplicitDifferentiation
import Models
import Particles
import Sensitivity
import Simulation

let help = """
  mdsens-elasticity-benchmark: the whole stiffness tensor of a jammed packing, in units of the
  minimisation of the same packing (one process, same build, same machine).

  Harmonic discs (2D, φ = 0.90) or spheres (3D, φ = 0.70), diameters 1.0/1.4, random start; FIRE to
  max |F| ≤ --force-tolerance; then ElasticResponse (one block solve over the d(d+1)/2 strains, CG
  to 1e-10, the Lanczos validation off unless --validate). Prints a markdown table.

  Options: --sizes LIST (default 1000,10000), --dimensions LIST (default 2,3),
           --force-tolerance X (default 1e-10), --seed S (default 1), --validate,
           --preconditioner LIST of none, jacobi, block-jacobi, ssor, ssor:ω (default ssor, the library's;
           each timed on the same minimum, one row each), --help
  """

var sizes = [1000, 10_000]
var dimensions = [2, 3]
var forceTolerance = 1e-10
var seed: UInt64 = 1
var validate = false
var preconditioners: [(name: String, preconditioner: HessianPreconditioner)] = [("ssor", .symmetricSOR(relaxation: 1))]
var arguments = Array(CommandLine.arguments.dropFirst())
func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("mdsens-elasticity-benchmark: \(message)\n".utf8))
  exit(2)
}
while !arguments.isEmpty {
  let name = arguments.removeFirst()
  if name == "--help" || name == "-h" { print(help); exit(0) }
  if name == "--validate" { validate = true; continue }
  guard !arguments.isEmpty else { fail("\(name) needs a value (see --help)") }
  let value = arguments.removeFirst()
  switch name {
  case "--sizes": sizes = value.split(separator: ",").compactMap { Int($0) }
  case "--dimensions": dimensions = value.split(separator: ",").compactMap { Int($0) }
  case "--force-tolerance":
    guard let number = Double(value) else { fail("bad --force-tolerance \(value)") }
    forceTolerance = number
  case "--preconditioner":
    preconditioners = value.split(separator: ",").map { name -> (String, HessianPreconditioner) in
      switch name {
      case "none": return ("none", .none)
      case "jacobi": return ("jacobi", .jacobi)
      case "block-jacobi": return ("block-jacobi", .blockJacobi)
      case "ssor": return ("ssor", .symmetricSOR(relaxation: 1))
      default:
        guard name.hasPrefix("ssor:"), let ω = Double(name.dropFirst(5)), ω > 0, ω < 2 else {
          fail("bad --preconditioner \(name) (none, jacobi, block-jacobi, ssor or ssor:ω with 0 < ω < 2)")
        }
        return (String(name), .symmetricSOR(relaxation: ω))
      }
    }
  case "--seed":
    guard let number = UInt64(value) else { fail("bad --seed \(value)") }
    seed = number
  default: fail("unknown option \(name) (see --help)")
  }
}
guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 4 && $0 % 2 == 0 }), dimensions.allSatisfy({ $0 == 2 || $0 == 3 })
else { fail("sizes must be even numbers ≥ 4, dimensions 2 or 3") }

func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

print("| d | N | FIRE steps | minimisation s | preconditioner | tensor s | ratio | CG iterations (max) | G | B | p | Z − Z_iso |")
print("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for dimension in dimensions {
  for n in sizes {
    let description = SystemDescription(
      name: "bench-\(dimension)d-\(n)", dimension: dimension, species: [
        .init(name: "small", count: n / 2, diameter: 1.0, variable: nil),
        .init(name: "large", count: n / 2, diameter: 1.4, variable: nil),
      ], potential: .init(kind: "soft-sphere", epsilon: 1, alpha: 2, cutoff: nil),
      packingFraction: dimension == 2 ? 0.90 : 0.70,
      minimizer: .init(forceTolerance: forceTolerance, maxSteps: 1_000_000, neighbourSkin: 0.3))
    let system: ParticleSystem
    do { system = try ParticleSystem(description) } catch { fail("\(error)") }
    let start = RandomConfiguration.uniform(count: n, edges: system.boxEdges, seed: seed)
    let clock = ContinuousClock()
    var began = clock.now
    let minimum: MinimizationOutcome
    do { minimum = try system.minimize(from: start) } catch { fail("\(error)") }
    let minimisation = seconds(clock.now - began)
    guard minimum.converged else {
      print("| \(dimension) | \(n) | \(minimum.steps) | \(String(format: "%.2f", minimisation)) | | FIRE did not converge | | | | | | |")
      continue
    }
    FileHandle.standardError.write(Data("d = \(dimension), N = \(n): minimised in \(String(format: "%.3f", minimisation)) s\n".utf8))
    for (name, preconditioner) in preconditioners {
      let options = ImplicitOptions(validate: validate, preconditioner: preconditioner)
      began = clock.now
      let row = "| \(dimension) | \(n) | \(minimum.steps) | \(String(format: "%.3f", minimisation)) | \(name) |"
      do {
        let response = try ElasticResponse.compute(model: system.model, positions: minimum.positions, options: options)
        let tensor = seconds(clock.now - began)
        let iterations = response.nonAffineFields.compactMap { $0.validity?.root.solverIterations }.max() ?? 0
        print("\(row) \(String(format: "%.3f", tensor)) | \(String(format: "%.3f", tensor / minimisation)) | \(iterations) | \(String(format: "%.5g", response.constants.shearModulus)) | \(String(format: "%.5g", response.constants.bulkModulus)) | \(String(format: "%.5g", response.pressure)) | \(String(format: "%.4f", response.contacts.excessContactNumber)) |")
      } catch {
        print("\(row) failed: \(error) | | | | | | |")
      }
    }
  }
}
