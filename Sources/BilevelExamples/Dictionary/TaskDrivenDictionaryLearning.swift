import Foundation
import ImplicitDifferentiation
import LinearAlgebra

/// Task-driven dictionary learning (§4.3 of Blondel et al.; Mairal et al. 2012): learn the
/// dictionary D together with a logistic classifier (w, b) on the sparse codes,
///
///     min_{D, w, b} (1/n) Σᵢ log(1 + exp(−ỹᵢ(wᵀα*ᵢ(D) + b))) + (ρ/2)‖w‖²,
///
/// with α*(D) the elastic-net codes (``ElasticNetSparseCoding``). The gradient in D is the implicit
/// VJP of the proximal-gradient fixed point (one GMRES solve with Aᵀ); those in (w, b) are direct.
/// Atoms are kept in the unit ball (projected after each Adam step), which removes the scale
/// ambiguity between D and α.
public struct TaskDrivenDictionaryLearning: Sendable {
  public var coding: ElasticNetSparseCoding
  /// ρ.
  public var classifierRidge: Double
  public var linearSolver: GMRES

  public init(coding: ElasticNetSparseCoding, classifierRidge: Double) {
    self.coding = coding
    self.classifierRidge = classifierRidge
    linearSolver = GMRES(tolerance: 1e-10, maximumIterations: 5_000)
  }

  /// The model: dictionary, classifier weights and bias.
  public struct Model: Sendable {
    public var dictionary: Matrix
    public var weights: [Double]
    public var bias: Double

    public init(dictionary: Matrix, weights: [Double], bias: Double) {
      self.dictionary = dictionary
      self.weights = weights
      self.bias = bias
    }

    /// Decision values for samples stored as columns (p × n).
    public func scores(_ samples: Matrix, coding: ElasticNetSparseCoding) -> [Double] {
      let codes = coding.codes(dictionary: dictionary, samples: samples)
      return LogisticRegression.scores(codes.transposed, weights: weights, bias: bias)
    }
  }

  /// The outer loss and its gradient in (D, w, b), with `codes` the inner solution at D.
  public func lossAndGradient(_ model: Model, samples: Matrix, labels: [Int], codes: Matrix) throws
    -> (loss: Double, dictionary: [Double], weights: [Double], bias: Double)
  {
    let c = model.weights.count, n = samples.columnCount
    let scores = LogisticRegression.scores(codes.transposed, weights: model.weights, bias: model.bias)
    let (loss, derivatives) = LogisticRegression.lossDerivatives(scores, labels: labels)
    // ∂/∂α = w ∂ℓ/∂s (one column per sample); ∂/∂w = α ∂ℓ/∂s + ρw; ∂/∂b = Σ ∂ℓ/∂s.
    var codeCotangent = Matrix(rowCount: c, columnCount: n)
    var weightGradient = model.weights.map { classifierRidge * $0 }
    for i in 0..<n {
      for a in 0..<c {
        codeCotangent[a, i] = model.weights[a] * derivatives[i]
        weightGradient[a] += codes[a, i] * derivatives[i]
      }
    }
    let linearization = coding.sparseCodingLinearization(
      dictionary: model.dictionary, samples: samples, codes: codes)
    let dictionaryGradient = try rootVectorJacobianProduct(
      linearization, cotangent: codeCotangent.elements, linearSolver: linearSolver).value
    let ridge = 0.5 * classifierRidge * dotProduct(model.weights, model.weights)
    return (loss + ridge, dictionaryGradient, weightGradient, derivatives.reduce(0, +))
  }

  /// `steps` Adam steps on (D, w, b) from `model`, warm-starting the codes.
  public func train(_ model: Model, samples: Matrix, labels: [Int], steps: Int, learningRate: Double)
    throws -> Model
  {
    var model = model
    let p = model.dictionary.rowCount, c = model.dictionary.columnCount
    var flat = model.dictionary.elements + model.weights + [model.bias]
    var optimizer = AdamOptimizer(learningRate: learningRate)
    var codes: Matrix? = nil
    for _ in 0..<steps {
      let current = coding.codes(dictionary: model.dictionary, samples: samples, start: codes)
      codes = current
      let gradient = try lossAndGradient(model, samples: samples, labels: labels, codes: current)
      optimizer.step(&flat, gradient: gradient.dictionary + gradient.weights + [gradient.bias])
      var dictionary = Matrix(rowCount: p, columnCount: c, elements: Array(flat[0..<(p * c)]))
      normalizeAtoms(&dictionary, onlyShrink: true)
      flat.replaceSubrange(0..<(p * c), with: dictionary.elements)
      model = Model(dictionary: dictionary, weights: Array(flat[(p * c)..<(p * c + c)]), bias: flat[p * c + c])
    }
    return model
  }
}

/// Scales every column of D to unit norm (`onlyShrink`: only those outside the unit ball, the
/// Euclidean projection onto the product of unit balls).
public func normalizeAtoms(_ dictionary: inout Matrix, onlyShrink: Bool = false) {
  for j in 0..<dictionary.columnCount {
    var norm = 0.0
    for i in 0..<dictionary.rowCount { norm += dictionary[i, j] * dictionary[i, j] }
    norm = norm.squareRoot()
    guard norm > 0, !(onlyShrink && norm <= 1) else { continue }
    for i in 0..<dictionary.rowCount { dictionary[i, j] /= norm }
  }
}

/// Unsupervised dictionary learning by alternating minimisation (the "unsupervised dictionary +
/// logistic" baseline, and the initial D of the task-driven model): codes for fixed D, then the
/// least-squares dictionary D = Xαᵀ(ααᵀ + δI)⁻¹ with unit-norm atoms, from atoms drawn among the
/// samples.
public func unsupervisedDictionary(
  samples: Matrix, atoms c: Int, coding: ElasticNetSparseCoding, rounds: Int, seed: UInt64
) throws -> Matrix {
  var random = SeededRandom(seed: seed)
  let p = samples.rowCount, n = samples.columnCount
  let chosen = Array(random.permutation(n).prefix(c))
  var dictionary = Matrix(rowCount: p, columnCount: c)
  for (j, sample) in chosen.enumerated() {
    for i in 0..<p { dictionary[i, j] = samples[i, sample] + 0.01 * random.gaussian() }
  }
  normalizeAtoms(&dictionary)
  var codes: Matrix? = nil
  for _ in 0..<rounds {
    let current = coding.codes(dictionary: dictionary, samples: samples, start: codes)
    codes = current
    let gram = Matrix.product(current, transposing: false, current, transposing: true)
    var regularized = DenseMatrix(rowCount: c, columnCount: c, columnMajorElements: gram.elements)
    for j in 0..<c { regularized[j, j] += 1e-6 * Double(n) }
    let cross = Matrix.product(samples, transposing: false, current, transposing: true)  // p × c
    // D = cross · G⁻¹, i.e. Dᵀ = G⁻¹ crossᵀ (G symmetric).
    let solved = try CholeskyFactorization(regularized).solve(
      DenseMatrix(rowCount: c, columnCount: p, columnMajorElements: cross.transposed.elements))
    dictionary = Matrix(rowCount: c, columnCount: p, elements: solved.elements).transposed
    for j in 0..<c {
      let norm = (0..<p).reduce(0) { $0 + dictionary[$1, j] * dictionary[$1, j] }
      if norm == 0 {  // An unused atom: restart it at a random sample.
        let sample = Int(random.next() % UInt64(n))
        for i in 0..<p { dictionary[i, j] = samples[i, sample] }
      }
    }
    normalizeAtoms(&dictionary)
  }
  return dictionary
}
