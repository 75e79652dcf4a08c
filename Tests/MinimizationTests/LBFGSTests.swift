import DualNumbers
import Foundation
import LinearAlgebra
import Minimization
import Models
import Particles
import RandomNumbers
import Simulation
import Testing

/// E = ½ xᵀA x − bᵀx with A symmetric positive definite: F = b − A x, minimum at A x = b.
private struct QuadraticLandscape: EnergyLandscape {
  let matrix: [[Double]]
  let vector: [Double]

  mutating func forces(at positions: [Double], into forces: inout [Double]) -> Double {
    var energy = 0.0
    for i in positions.indices {
      var row = 0.0
      for j in positions.indices { row += matrix[i][j] * positions[j] }
      forces[i] = vector[i] - row
      energy += 0.5 * positions[i] * row - vector[i] * positions[i]
    }
    return energy
  }
}

/// A random symmetric positive definite n×n matrix, eigenvalues spread over [0.5, 50].
private func randomPositiveDefinite(_ n: Int, seed: UInt64) -> [[Double]] {
  var generator = SplitMix64(seed: seed)
  let entries = (0..<(n * n)).map { _ in Double.random(in: -1...1, using: &generator) }
  var matrix = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
  for i in 0..<n {
    for j in 0..<n {
      for k in 0..<n { matrix[i][j] += entries[i * n + k] * entries[j * n + k] }
    }
    matrix[i][i] += 0.5 + 5 * Double(i) / Double(n)
  }
  return matrix
}

private func multiply(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
  matrix.map { row in zip(row, vector).reduce(0) { $0 + $1.0 * $1.1 } }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

/// The BFGS inverse update written densely, H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, from H₀ = γ I:
/// what the two-loop recursion must reproduce on the pairs it keeps.
private func denseInverseBFGS(pairs: [(step: [Double], change: [Double])], initialScale γ: Double,
                              preconditionerDiagonal: [Double]? = nil) -> [[Double]] {
  let n = pairs[0].step.count
  let diagonal = preconditionerDiagonal ?? [Double](repeating: 1, count: n)
  var h = (0..<n).map { i in (0..<n).map { j in i == j ? γ * diagonal[i] : 0 } }
  for (s, y) in pairs {
    let ρ = 1 / dot(s, y)
    var left = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n { for j in 0..<n { left[i][j] = (i == j ? 1 : 0) - ρ * s[i] * y[j] } }
    var product = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      for j in 0..<n {
        var sum = 0.0
        for k in 0..<n { for l in 0..<n { sum += left[i][k] * h[k][l] * left[j][l] } }
        product[i][j] = sum + ρ * s[i] * s[j]
      }
    }
    h = product
  }
  return h
}

/// M⁻¹ = diag(d) with every dᵢ > 0: a symmetric positive definite preconditioner written out.
private struct DiagonalPreconditioner: LandscapePreconditioner {
  let diagonal: [Double]

  mutating func apply(to vector: inout [Double], at positions: [Double]) {
    for i in vector.indices { vector[i] *= diagonal[i] }
  }
}

/// Five secant pairs (s, A s) of a random positive definite A (n = 7), and the generator after them.
private func secantPairs() -> (pairs: [(step: [Double], change: [Double])], generator: SplitMix64) {
  let n = 7
  let matrix = randomPositiveDefinite(n, seed: 11)
  var generator = SplitMix64(seed: 5)
  let pairs = (0..<5).map { _ -> (step: [Double], change: [Double]) in
    let step = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
    return (step, multiply(matrix, step))
  }
  return (pairs, generator)
}

/// H v from the two-loop recursion against the dense matrix on three random vectors, to 10⁻¹² of
/// the largest component, and vᵀ H v > 0.
private func expectApplies<Storage: PairStorage>(_ inverseHessian: inout InverseHessianMemory<Storage>,
                                                 like dense: [[Double]], generator: inout SplitMix64)
where Storage.Scalar == Double {
  for trial in 0..<3 {
    let vector = (0..<dense.count).map { _ in Double.random(in: -1...1, using: &generator) }
    var applied = vector
    inverseHessian.apply(to: &applied)
    let expected = multiply(dense, vector)
    let scale = expected.map(abs).max()!
    for i in vector.indices { #expect(abs(applied[i] - expected[i]) <= 1e-12 * scale, "trial \(trial), component \(i)") }
    #expect(dot(vector, applied) > 0, "H is positive definite")
  }
}

@Suite("L-BFGS")
struct LBFGSTests {
  @Test("the two-loop recursion equals the dense BFGS inverse update on the pairs it keeps (m = 3 of 5 and m = 8)",
        arguments: [3, 8])
  func twoLoopAgainstDenseUpdate(memory: Int) {
    var (pairs, generator) = secantPairs()
    let n = pairs[0].step.count
    var inverseHessian = InverseHessianMemory<FullPrecisionPairs<Double>>(capacity: memory, length: n, initialScale: 0.3)
    for pair in pairs {
      let stored = inverseHessian.remember(step: pair.step, change: pair.change)
      #expect(stored)
    }
    #expect(inverseHessian.count == min(memory, 5))
    let kept = Array(pairs.suffix(memory))
    let newest = pairs[4]
    let γ = dot(newest.step, newest.change) / dot(newest.change, newest.change)
    #expect(abs(inverseHessian.initialScale - γ) <= 1e-15 * γ)
    expectApplies(&inverseHessian, like: denseInverseBFGS(pairs: kept, initialScale: γ), generator: &generator)
    // The secant condition of the newest pair: H y = s.
    var secant = newest.change
    inverseHessian.apply(to: &secant)
    for i in 0..<n { #expect(abs(secant[i] - newest.step[i]) <= 1e-12) }
  }

  @Test("narrow pairs: the two-loop recursion is the dense BFGS update of the pairs as stored in Float, positive definite")
  func narrowPairsAgainstDenseUpdate() {
    var (pairs, generator) = secantPairs()
    let n = pairs[0].step.count
    var inverseHessian = InverseHessianMemory<NarrowPairs<Double>>(capacity: 5, length: n, initialScale: 0.3)
    for pair in pairs {
      let kept = inverseHessian.remember(step: pair.step, change: pair.change)
      #expect(kept)
    }
    // What the memory holds: each component rounded to the nearest Float.
    func rounded(_ vector: [Double]) -> [Double] { vector.map { Double(Float($0)) } }
    let stored = pairs.map { (step: rounded($0.step), change: rounded($0.change)) }
    #expect(stored[4].step != pairs[4].step, "the test pairs are not representable in Float")
    let newest = stored[4]
    let γ = dot(newest.step, newest.change) / dot(newest.change, newest.change)
    #expect(abs(inverseHessian.initialScale - γ) <= 1e-15 * γ, "γ from the vectors as stored")
    expectApplies(&inverseHessian, like: denseInverseBFGS(pairs: stored, initialScale: γ), generator: &generator)
    // The secant condition holds exactly for the stored pair and to Float rounding for the given one.
    var secant = newest.change
    inverseHessian.apply(to: &secant)
    for i in 0..<n { #expect(abs(secant[i] - newest.step[i]) <= 1e-12) }
    var given = pairs[4].change
    inverseHessian.apply(to: &given)
    for i in 0..<n { #expect(abs(given[i] - pairs[4].step[i]) <= 1e-5) }
  }

  @Test("split over two threads, the passes give H v to rounding and keep the secant condition")
  func threadedPasses() {
    // 20,000 coordinates: two chunks of 10,000 (the passes split from 4,096 per thread on).
    let n = 20_000
    var generator = SplitMix64(seed: 9)
    let curvatures = (0..<n).map { _ in Double.random(in: 0.5...4, using: &generator) }
    var serial = InverseHessianMemory<FullPrecisionPairs<Double>>(capacity: 5, length: n, initialScale: 0.3)
    var threaded = InverseHessianMemory<FullPrecisionPairs<Double>>(capacity: 5, length: n, initialScale: 0.3, threads: 2)
    var newest: (step: [Double], change: [Double]) = ([], [])
    for _ in 0..<7 {
      let step = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
      newest = (step, zip(curvatures, step).map { $0 * $1 })
      let stored = (serial.remember(step: newest.step, change: newest.change),
                    threaded.remember(step: newest.step, change: newest.change))
      #expect(stored.0 && stored.1)
    }
    #expect(abs(threaded.initialScale - serial.initialScale) <= 1e-14 * serial.initialScale)
    let vector = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
    var one = vector
    var two = vector
    serial.apply(to: &one)
    threaded.apply(to: &two)
    let scale = one.map(abs).max()!
    #expect(one != two, "the threaded sums are added in another order")
    #expect(zip(one, two).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
    var secant = newest.change
    threaded.apply(to: &secant)
    #expect(zip(secant, newest.step).allSatisfy { abs($0 - $1) <= 1e-10 })
  }

  @Test("apply(_:into:) writes H v and measures it in the same pass: d·v, max |dᵢ|, finiteness; v is untouched",
        arguments: [1, 2])
  func measuredProduct(threads: Int) {
    // Not a multiple of four: the passes take four coordinates at a time and the last three alone.
    let n = 20_003
    var generator = SplitMix64(seed: 21)
    var inverseHessian = InverseHessianMemory<NarrowPairs<Double>>(capacity: 4, length: n, initialScale: 0.3,
                                                                  threads: threads)
    let vector = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
    var direction = [Double]()
    // No pairs: d = γ v.
    var measured = inverseHessian.apply(vector, into: &direction)
    #expect(direction == vector.map { 0.3 * $0 })
    #expect(abs(measured.slope - dot(direction, vector)) <= 1e-12 * abs(measured.slope))
    #expect(measured.longest == direction.map(abs).max()! && measured.finite)
    for _ in 0..<6 {
      let step = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
      inverseHessian.remember(step: step, change: step.map { $0 * Double.random(in: 0.5...4, using: &generator) })
    }
    let given = vector
    measured = inverseHessian.apply(vector, into: &direction)
    #expect(vector == given)
    var inPlace = vector
    inverseHessian.apply(to: &inPlace)
    #expect(inPlace == direction, "the in-place product is the same computation")
    #expect(abs(measured.slope - dot(direction, vector)) <= 1e-12 * abs(measured.slope))
    #expect(measured.slope > 0, "H is positive definite")
    #expect(measured.longest == direction.map(abs).max()! && measured.finite)
    // One non-finite coordinate anywhere (each of the four lanes, the remainder) makes d non-finite.
    for (index, value) in [(0, Double.nan), (1, .infinity), (n / 2 + 2, -.infinity), (7, .nan), (n - 1, .nan)] {
      var poisoned = vector
      poisoned[index] = value
      #expect(!inverseHessian.apply(poisoned, into: &direction).finite, "\(value) at \(index)")
    }
  }

  /// L-BFGS's next direction is H b for the b its newest pair was stored with; the product of that
  /// step with b comes from the storing pass.
  @Test("H b for the newest pair's b takes sₙ·b from the pass that stored the pair, to the same bits, plain and preconditioned",
        arguments: [1, 2])
  func productWithLatestB(threads: Int) {
    let n = 20_003
    var generator = SplitMix64(seed: 33)
    func random() -> [Double] { (0..<n).map { _ in Double.random(in: -1...1, using: &generator) } }
    var inverseHessian = InverseHessianMemory<NarrowPairs<Double>>(capacity: 3, length: n, initialScale: 0.7,
                                                                  threads: threads)
    let halve: (inout [Double]) -> Void = { vector in for k in vector.indices { vector[k] *= 0.5 } }
    func expectSameAsGeneral(_ b: [Double], _ comment: Comment) {
      var (general, latest) = ([Double](), [Double]())
      let expected = inverseHessian.apply(b, into: &general)
      let measured = inverseHessian.apply(toLatestB: b, into: &latest)
      #expect(latest == general && measured == expected, comment)
      let expectedPreconditioned = inverseHessian.apply(b, into: &general, preconditioner: halve)
      let measuredPreconditioned = inverseHessian.apply(toLatestB: b, into: &latest, preconditioner: halve)
      #expect(latest == general && measuredPreconditioned == expectedPreconditioned, comment)
    }
    var before = random()
    expectSameAsGeneral(before, "no pair stored yet")
    for round in 0..<5 {
      let step = random()
      let after = zip(before, step).map { $0 - Double.random(in: 0.5...2, using: &generator) * $1 }
      #expect(inverseHessian.remember(step: step, scaledBy: 0.25, change: before, minus: after).stored)
      expectSameAsGeneral(after, "after pair \(round)")
      before = after
    }
    // A refused pair (s·y < 0) leaves an older newest pair, whose b was another vector.
    let step = random()
    let after = zip(before, step).map { $0 + $1 }
    #expect(!inverseHessian.remember(step: step, scaledBy: 1, change: before, minus: after).stored)
    expectSameAsGeneral(after, "after a refused pair")
    inverseHessian.forget()
    expectSameAsGeneral(after, "forgotten")
  }

  /// L-BFGS takes its convergence test (max |F| after the step) from the pass that stores the pair.
  @Test("storing a pair measures max |bₖ| and b's finiteness, stored or refused, on one and two threads",
        arguments: [1, 2])
  func rememberMeasuresTheNewForces(threads: Int) {
    let n = 20_003
    var generator = SeededGenerator(seed: 5)
    let before = (0..<n).map { _ in 2 * generator.nextUnit() - 1 }
    var after = before.map { 0.5 * $0 }
    after[n - 3] = -0.75
    let step = before.map { 0.1 * $0 }
    var inverseHessian = InverseHessianMemory<NarrowPairs<Double>>(capacity: 3, length: n, initialScale: 1,
                                                                  threads: threads)
    let stored = inverseHessian.remember(step: step, scaledBy: 1, change: before, minus: after)
    #expect(stored.stored && stored.bIsFinite)
    #expect(stored.maximumOfB == after.map(abs).max()!)
    let refused = inverseHessian.remember(step: step, scaledBy: -1, change: before, minus: after)
    #expect(!refused.stored && refused.maximumOfB == 0.75 && refused.bIsFinite)
    after[17] = .infinity
    #expect(!inverseHessian.remember(step: step, scaledBy: 1, change: before, minus: after).bIsFinite)
    after[17] = 0.5
    after[n - 1] = -.infinity
    #expect(!inverseHessian.remember(step: step, scaledBy: 1, change: before, minus: after).bIsFinite,
            "in the remainder after the last four")
    after[n - 1] = 0.25
    // The largest entry in the first chunk and a NaN in the last: both chunks' measures count.
    after[17] = 0.875
    after[n - 2] = .nan
    let mixed = inverseHessian.remember(step: step, scaledBy: 1, change: before, minus: after)
    #expect(mixed.maximumOfB == 0.875 && !mixed.bIsFinite)
  }

  @Test("a pair with s·y ≤ 0 (negative curvature along the step) is not stored; forget() leaves γ I")
  func curvatureCondition() {
    var inverseHessian = InverseHessianMemory<FullPrecisionPairs<Double>>(capacity: 4, length: 2, initialScale: 0.25)
    let negative = inverseHessian.remember(step: [1, 0], change: [-1, 0])
    let orthogonal = inverseHessian.remember(step: [1, 0], change: [0, 1])
    #expect(!negative && !orthogonal)
    #expect(inverseHessian.count == 0)
    let positive = inverseHessian.remember(step: [1, 0], change: [2, 0])
    #expect(positive)
    inverseHessian.forget()
    var vector = [1.0, -3.0]
    inverseHessian.apply(to: &vector)
    #expect(vector == [0.5, -1.5], "after forget(), H = γ I with γ = s·y / y·y = 1/2 of the last stored pair")
  }

  @Test("on a quadratic it reaches A x = b to the force tolerance, never raising the energy, with either pair precision, plain and Jacobi-preconditioned",
        arguments: PairPrecision.allCases, [false, true])
  func quadraticMinimum(precision: PairPrecision, jacobi: Bool) {
    let n = 30
    let matrix = randomPositiveDefinite(n, seed: 3)
    var generator = SplitMix64(seed: 9)
    let vector = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
    var landscape = QuadraticLandscape(matrix: matrix, vector: vector)
    var energies = [Double]()
    var lbfgs = LBFGS(forceTolerance: 1e-12, maximumSteps: 1000)
    lbfgs.pairPrecision = precision
    // Jacobi, normalised as γ = s·y / y·y asks (M⁻¹ of order 1): M⁻¹ = mean(diag A) · diag(A)⁻¹.
    let meanDiagonal = (0..<n).reduce(0.0) { $0 + matrix[$1][$1] } / Double(n)
    let preconditioner = jacobi ? DiagonalPreconditioner(diagonal: (0..<n).map { meanDiagonal / matrix[$0][$0] }) : nil
    // The max |F| each step reports is that of the forces at its positions (recomputed here).
    var reference = landscape
    var reportedForceErrors = [Double]()
    let result = lbfgs.minimize(&landscape, from: [Double](repeating: 0, count: n), every: 1,
                                observer: { _, positions, energy, maximumForce in
                                  energies.append(energy)
                                  var forces = [Double](repeating: 0, count: n)
                                  _ = reference.forces(at: positions, into: &forces)
                                  reportedForceErrors.append(abs(maximumForce - forces.map(abs).max()!))
                                }, preconditioner: preconditioner)
    #expect(reportedForceErrors.max()! == 0, "reported max |F| differs from the forces at the step's positions")
    #expect(result.maximumForce == result.forces.map(abs).max()!)
    #expect(result.converged, "\(result.stopReason.rawValue) after \(result.steps) steps")
    #expect(result.steps < 200, "L-BFGS on a 30-dimensional quadratic: \(result.steps) steps")
    let residual = zip(multiply(matrix, result.positions), vector).map { abs($0 - $1) }.max()!
    #expect(residual <= 1e-12)
    for (previous, next) in zip(energies, energies.dropFirst()) { #expect(next <= previous + 1e-12 * abs(previous)) }
  }

  @Test("with a preconditioner M the recursion is the dense BFGS update from H₀ = γ M⁻¹, and keeps H y = s",
        arguments: [3, 8])
  func preconditionedTwoLoopAgainstDenseUpdate(memory: Int) {
    var (pairs, generator) = secantPairs()
    let n = pairs[0].step.count
    let diagonal = (0..<n).map { 0.5 + Double($0) }
    var inverseHessian = InverseHessianMemory<FullPrecisionPairs<Double>>(capacity: memory, length: n, initialScale: 0.3)
    for pair in pairs { inverseHessian.remember(step: pair.step, change: pair.change) }
    let newest = pairs[4]
    let γ = dot(newest.step, newest.change) / dot(newest.change, newest.change)
    let dense = denseInverseBFGS(pairs: Array(pairs.suffix(memory)), initialScale: γ, preconditionerDiagonal: diagonal)
    for trial in 0..<3 {
      let vector = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
      var applied = [Double]()
      let (slope, longest, finite) = inverseHessian.apply(vector, into: &applied) { r in
        for i in r.indices { r[i] *= diagonal[i] }
      }
      let expected = multiply(dense, vector)
      let scale = expected.map(abs).max()!
      for i in 0..<n { #expect(abs(applied[i] - expected[i]) <= 1e-12 * scale, "trial \(trial), component \(i)") }
      #expect(abs(slope - dot(applied, vector)) <= 1e-12 * scale && longest == applied.map(abs).max()! && finite)
    }
    var secant = [Double]()
    inverseHessian.apply(newest.change, into: &secant) { r in for i in r.indices { r[i] *= diagonal[i] } }
    for i in 0..<n { #expect(abs(secant[i] - newest.step[i]) <= 1e-12) }
  }

  @Test("forces that point uphill: every move is halved, undone, and the second failure stops it where it began")
  func noDescent() {
    // The energy of the quadratic with the forces' sign flipped: d = γF then always climbs.
    struct Uphill: EnergyLandscape {
      var quadratic: QuadraticLandscape
      mutating func forces(at positions: [Double], into forces: inout [Double]) -> Double {
        let energy = quadratic.forces(at: positions, into: &forces)
        for index in forces.indices { forces[index] = -forces[index] }
        return energy
      }
    }
    var landscape = Uphill(quadratic: QuadraticLandscape(matrix: randomPositiveDefinite(6, seed: 2),
                                                          vector: [1, -1, 0.5, 0, 2, -0.3]))
    let start = [0.1, 0.2, -0.3, 0.4, 0.0, 0.05]
    let result = LBFGS(forceTolerance: 1e-12, maximumSteps: 1000).minimize(&landscape, from: start)
    #expect(result.stopReason == .noDescent)
    #expect(result.steps == 2)
    for (end, begin) in zip(result.positions, start) { #expect(abs(end - begin) <= 1e-15) }
  }

  @Test("the paper's discs converge to 1e-12 from several seeds, every accepted step downhill within δ|E|, with and without the long-wavelength preconditioner",
        arguments: [0, 1, 2] as [UInt64], [PreconditionerChoice.none, .longWavelength(crossover: 1.5)])
  func paperSystem(seed: UInt64, preconditioner: PreconditionerChoice) throws {
    let system = try BuiltInSystems.paper()
    let start = RandomConfiguration.uniform(count: system.model.particleCount, edges: system.model.boxEdges, seed: seed)
    var choice = system.minimizer
    choice.kind = .lbfgs
    choice.preconditioner = preconditioner
    choice.forceTolerance = 1e-12
    let outcome = try system.model.minimize(from: start, using: choice, recordEvery: 1)
    let energies = outcome.frames.map(\.energy)
    #expect(outcome.converged, "seed \(seed): \(outcome.stopReason.rawValue) after \(outcome.steps) steps")
    #expect(outcome.maximumForce <= 1e-12)
    #expect(outcome.energy > 0, "at φ = 0.98 the packing is jammed")
    for (previous, next) in zip(energies, energies.dropFirst()) { #expect(next <= previous + 1e-12 * abs(previous)) }
    // A minimum, not a saddle: no negative eigenvalue of the Hessian (dense LAPACK; the zeros are
    // the translations and the rattlers).
    let hessian = system.model.kernels().hessian(outcome.positions, system.model.neighbourList(at: outcome.positions))
    let n = outcome.positions.count
    var elements = [Double](repeating: 0, count: n * n)
    var column = [Double](repeating: 0, count: n)
    for j in 0..<n {
      var unit = [Double](repeating: 0, count: n)
      unit[j] = 1
      hessian(unit, into: &column)
      elements.replaceSubrange((j * n)..<((j + 1) * n), with: column)
    }
    let spectrum = try SymmetricEigendecomposition(DenseMatrix(rowCount: n, columnCount: n, columnMajorElements: elements))
    #expect(spectrum.eigenvalues[0] > -1e-9, "lowest eigenvalue \(spectrum.eigenvalues[0])")
    #expect(spectrum.eigenvalues[n - 1] > 0)
  }
}
