import Analysis
import Foundation
import LinearAlgebra
import Minimization
import Models
import Particles
import Sensitivity
import Simulation

// mdsens-analysis-benchmark: the cost of the analyses of a minimum against the cost of the
// minimisation that produced it (D(ω), lowest modes), S(k) by FFTW at a million particles, and the
// dense diagonalisation these methods replace.

let help = """
  USAGE: swift run -c release mdsens-analysis-benchmark [--sizes 100000] [--dimensions 2,3]
         [--modes 10] [--structure-sizes 1000000] [--dense-sizes 500,1000,2000] [--repeats 3]
         [--structure-reach 2] [--positions-out DIR] [--preconditioner jacobi|block-jacobi|ssor]

  For each dimension and N: a bidisperse harmonic packing (diameters 1.0 and 1.4, φ = 0.9 in 2D,
  0.7 in 3D) minimised by FIRE to max |F| ≤ 1e-10 from a seeded start in cell order, timed; then
  D(ω) (256 moments, 16 vectors) and the lowest K modes, timed, with the ratio to the minimisation
  (the inner CG solves preconditioned by --preconditioner, default jacobi; ssor: block SSOR, ω = 1).
  S(k) of N uniformly random points at unit density (2D and 3D, one thread, |k| up to
  structure-reach·2π, accuracy 1e-6),
  median of the repeats, with its direct-sum cost extrapolated from 100 modes. Dense: dsyevd of
  the assembled backbone Hessian against D(ω) + 10 modes on the same packing.
  """

var sizes = [100_000]
var dimensions = [2, 3]
var modeCount = 10
var structureSizes = [1_000_000]
var denseSizes = [500, 1000, 2000]
var repeats = 3
var structureReach = 2.0
var positionsDirectory: String?
var preconditioner = HessianPreconditioner.jacobi
var arguments = Array(CommandLine.arguments.dropFirst())
func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("mdsens-analysis-benchmark: \(message)\n".utf8))
  exit(2)
}
func integers(_ text: String) -> [Int] { text.split(separator: ",").compactMap { Int($0) } }
while !arguments.isEmpty {
  let name = arguments.removeFirst()
  if name == "--help" || name == "-h" { print(help); exit(0) }
  guard !arguments.isEmpty else { fail("\(name) needs a value (see --help)") }
  let value = arguments.removeFirst()
  switch name {
  case "--sizes": sizes = integers(value)
  case "--dimensions": dimensions = integers(value).filter { $0 == 2 || $0 == 3 }
  case "--modes": modeCount = Int(value) ?? 0
  case "--structure-sizes": structureSizes = integers(value)
  case "--dense-sizes": denseSizes = integers(value)
  case "--repeats": repeats = max(1, Int(value) ?? 1)
  case "--structure-reach": structureReach = Double(value) ?? 2
  case "--positions-out": positionsDirectory = value
  case "--preconditioner":
    switch value {
    case "jacobi": preconditioner = .jacobi
    case "block-jacobi": preconditioner = .blockJacobi
    case "ssor": preconditioner = .symmetricSOR(relaxation: 1)
    default: fail("bad --preconditioner \(value) (jacobi, block-jacobi or ssor)")
    }
  default: fail("unknown option \(name) (see --help)")
  }
}

func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
let clock = ContinuousClock()
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
  let start = clock.now
  let result = try body()
  return (result, seconds(clock.now - start))
}
/// The processor time this process has used (s), all threads.
func processorSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func short(_ value: Double) -> String { String(format: "%.3g", value) }

/// A minimised bidisperse packing of n particles in d dimensions, in cell order, and its time.
func packing(count n: Int, dimension d: Int) -> (model: ParticleModel, positions: [Double], seconds: Double, steps: Int) {
  let diameters = (0..<n).map { $0 % 2 == 0 ? 1.0 : 1.4 }
  let volume = ParticleModel.particleVolume(of: .particles(diameters), dimension: d)
  let side = pow(volume / (d == 2 ? 0.9 : 0.7), 1 / Double(d))
  var model = ParticleModel(dimension: d, boxEdges: [Double](repeating: side, count: d),
                            potential: .softSphere(epsilon: 1, alpha: 2), diameters: .particles(diameters), threads: 1)
  var start = RandomConfiguration.uniform(count: n, edges: model.boxEdges, seed: 1)
  let order = SpatialOrder.cellOrder(positions: start, dimension: d, edges: model.boxEdges, cellSize: 1.6)
  start = SpatialOrder.permuted(start, by: order, width: d)
  model = model.permuted(by: order)
  let choice = MinimizerChoice(FIRE(forceTolerance: 1e-10, maximumSteps: 2_000_000), largestDiameter: 1.4)
  let (outcome, time) = timed { try! model.minimize(from: start, using: choice) }
  return (model, outcome.positions, time, outcome.steps)
}

print("## D(ω) and lowest modes against the minimisation (one thread)\n")
print("| d | N | FIRE steps | minimisation s | D(ω) s (256 moments × 16 vectors) | D(ω) / minimisation | \(modeCount) lowest modes s | Lanczos steps | CG iterations | modes / minimisation | rattlers | Z′ − Z_iso |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for d in dimensions {
  for n in sizes {
    let system = packing(count: n, dimension: d)
    let statistics = system.model.contactStatistics(at: system.positions)
    let hessian = BackboneHessian(model: system.model, positions: system.positions, rattlers: statistics.rattlers)
    let (_, dosTime) = timed { try! VibrationalDensityOfStates(hessian: hessian) }
    var modeText = "–", stepsText = "–", iterationText = "–", ratioText = "–"
    if modeCount > 0 {
      let (modes, modeTime) = timed { Result { try LowestModes(hessian: hessian, count: modeCount, preconditioner: preconditioner) } }
      switch modes {
      case .success(let modes):
        (modeText, stepsText, iterationText) = (short(modeTime), "\(modes.steps)", "\(modes.solverIterations)")
        ratioText = short(modeTime / system.seconds)
      case .failure(let error):
        modeText = "failed after \(short(modeTime)) s: \(error)"
      }
    }
    print("| \(d) | \(n) | \(system.steps) | \(short(system.seconds)) | \(short(dosTime)) | \(short(dosTime / system.seconds)) | \(modeText) | \(stepsText) | \(iterationText) | \(ratioText) | \(statistics.rattlers.count) | \(short(statistics.excessContactNumber)) |")
  }
}

print("\n## S(k) by a non-uniform FFT (exponential-of-semicircle window) + FFTW (one thread, accuracy 1e-6), uniform random points at unit density, |k| ≤ \(structureReach)·2π\n")
print("| d | N | modes per axis (2K+1) | grid points | S(k) s (median of \(repeats)) | S(k) CPU s | direct sum s (extrapolated) | direct / FFT |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for d in dimensions {
  for n in structureSizes {
    let side = pow(Double(n), 1 / Double(d))  // unit number density
    let edges = [Double](repeating: side, count: d)
    let positions = RandomConfiguration.uniform(count: n, edges: edges, seed: 5)
    if let directory = positionsDirectory {
      let text = stride(from: 0, to: positions.count, by: d).map { index in
        (0..<d).map { String(positions[index + $0]) }.joined(separator: " ")
      }.joined(separator: "\n")
      try? (text + "\n").write(toFile: "\(directory)/uniform-\(d)d-\(n).txt", atomically: true, encoding: .utf8)
    }
    let index = StructureFactor.maximumIndex(reaching: structureReach * 2 * Double.pi, edges: edges, dimension: d)
    var times = [Double](), processorTimes = [Double]()
    for _ in 0..<repeats {
      // The processor time too: on a shared machine the wall time also counts the waits for a core.
      let processorStart = processorSeconds()
      times.append(timed { try! StructureFactor(positions: positions, dimension: d, edges: edges, maximumIndex: index, accuracy: 1e-6) }.1)
      processorTimes.append(processorSeconds() - processorStart)
    }
    let side2 = 2 * index + 1
    let modes = (d == 2 ? side2 : side2 * side2) * (index + 1)
    // The direct sum's cost per mode, measured on 100 modes (K = 4 in 2D holds 81, 3D K = 2 holds 75).
    let probeIndex = d == 2 ? 4 : 2
    let probeModes = Double(d == 2 ? 9 * 5 : 25 * 3)
    let (_, probe) = timed { FourierDensity(directSumOf: positions, dimension: d, edges: edges, maximumIndex: probeIndex) }
    let direct = probe / probeModes * Double(modes)
    let grid = Int(pow(Double(4 * (index + 1)), Double(d)))
    print("| \(d) | \(n) | \(side2) | \(grid) | \(short(median(times))) | \(short(median(processorTimes))) | \(short(direct)) | \(short(direct / median(times))) |")
  }
}

print("\n## Dense dsyevd of the assembled Hessian against the matrix-free methods (2D)\n")
print("| N | d·N | assemble + dsyevd s | D(ω) + 10 modes s | dense / matrix-free | max |λ_k − λ_k(dense)| / λ_max (10 modes) |")
print("|---:|---:|---:|---:|---:|---:|")
for n in denseSizes {
  let system = packing(count: n, dimension: 2)
  let statistics = system.model.contactStatistics(at: system.positions)
  let hessian = BackboneHessian(model: system.model, positions: system.positions, rattlers: statistics.rattlers)
  let (dense, denseTime) = timed { try! SymmetricEigendecomposition(hessian.assembled(), symmetryTolerance: 1e-9) }
  let (modes, freeTime) = timed { () -> LowestModes in
    _ = try! VibrationalDensityOfStates(hessian: hessian)
    return try! LowestModes(hessian: hessian, count: 10, preconditioner: preconditioner)
  }
  let values = Array(dense.eigenvalues.dropFirst(hessian.rigidModeCount))
  let error = zip(modes.modes, values).map { abs($0.eigenvalue - $1) }.max()! / values.last!
  print("| \(n) | \(2 * n) | \(short(denseTime)) | \(short(freeTime)) | \(short(denseTime / freeTime)) | \(short(error)) |")
}
