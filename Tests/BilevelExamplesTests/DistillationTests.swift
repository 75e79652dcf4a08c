import BilevelExamples
import ImplicitDifferentiation
import Testing

@Suite struct DistillationTests {
  static let distillation: DatasetDistillation = {
    var random = SeededRandom(seed: 11)
    let n = 24, p = 5, k = 3
    var features = Matrix(rowCount: n, columnCount: p)
    let labels = (0..<n).map { $0 % k }
    for i in 0..<n { for f in 0..<p { features[i, f] = random.gaussian() + (f == labels[i] ? 1.5 : 0) } }
    // A larger ε than the experiment's 1e-3 keeps the small test well conditioned.
    var problem = DatasetDistillation(
      outer: CrossEntropyLoss(features: features, labels: labels, classCount: k), ridge: 0.05,
      innerTolerance: 1e-8)
    return problem
  }()

  static let prototypes: [Double] = {
    var random = SeededRandom(seed: 5)
    return (0..<15).map { _ in random.gaussian() }
  }()

  @Test func closedFormInnerGradientMatchesTheEngine() {
    let problem = Self.distillation
    var random = SeededRandom(seed: 2)
    let w = (0..<15).map { _ in random.gaussian() }
    let automatic = problem.inner.gradient(w, Self.prototypes)
    let closed = problem.inner.closedFormGradient(w, Self.prototypes)
    for (a, b) in zip(automatic, closed) { #expect(abs(a - b) <= 1e-12 * max(1, abs(a))) }
  }

  @Test func implicitHypergradientMatchesFiniteDifferences() throws {
    let problem = Self.distillation
    let θ = Self.prototypes
    let w = problem.refineByNewton(θ, problem.trainModel(θ))
    let implicit = try problem.implicitHypergradient(θ, at: w)
    let h = 1e-5
    var difference = [Double]()
    for j in θ.indices {
      var plus = θ, minus = θ
      plus[j] += h
      minus[j] -= h
      let lossPlus = problem.outer.valueAndGradient(problem.refineByNewton(plus, problem.trainModel(plus, from: w))).value
      let lossMinus = problem.outer.valueAndGradient(problem.refineByNewton(minus, problem.trainModel(minus, from: w))).value
      difference.append((lossPlus - lossMinus) / (2 * h))
    }
    let error = zip(implicit, difference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let scale = difference.reduce(0) { $0 + $1 * $1 }.squareRoot()
    #expect(error <= 1e-5 * scale, "implicit \(implicit) vs FD \(difference)")
  }

  @Test func unrolledHypergradientMatchesFiniteDifferencesOfTheUnrolledMap() {
    let problem = Self.distillation
    let θ = Self.prototypes
    let start = [Double](repeating: 0.1, count: 15)
    let unrolled = problem.unrolledHypergradient(θ, from: start, steps: 30).gradient
    let η = problem.inner.stepSize(θ)
    // The unrolled map with η frozen at its value at θ (as the unrolled mode holds it).
    func loss(_ parameters: [Double]) -> Double {
      var w = start
      for _ in 0..<30 {
        let gradient = problem.inner.closedFormGradient(w, parameters)
        for j in w.indices { w[j] -= η * gradient[j] }
      }
      return problem.outer.valueAndGradient(w).value
    }
    let h = 1e-5
    for j in θ.indices {
      var plus = θ, minus = θ
      plus[j] += h
      minus[j] -= h
      let difference = (loss(plus) - loss(minus)) / (2 * h)
      #expect(abs(unrolled[j] - difference) <= 1e-5 * max(abs(difference), 1e-3))
    }
  }
}
