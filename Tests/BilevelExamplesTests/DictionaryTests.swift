import BilevelExamples
import ImplicitDifferentiation
import Testing

@Suite struct DictionaryTests {
  static let coding = ElasticNetSparseCoding(l1Strength: 0.2, l2Strength: 0.1, iterations: 100_000, tolerance: 1e-15)

  static func problem() -> (TaskDrivenDictionaryLearning.Model, Matrix, [Int]) {
    var random = SeededRandom(seed: 4)
    let p = 6, c = 3, n = 14
    var samples = Matrix(rowCount: p, columnCount: n)
    for index in samples.elements.indices { samples.elements[index] = random.gaussian() }
    var dictionary = Matrix(rowCount: p, columnCount: c)
    for index in dictionary.elements.indices { dictionary.elements[index] = random.gaussian() }
    normalizeAtoms(&dictionary)
    let labels = (0..<n).map { samples[0, $0] + 0.3 * random.gaussian() > 0 ? 1 : 0 }
    return (TaskDrivenDictionaryLearning.Model(dictionary: dictionary, weights: [0.7, -1.1, 0.4], bias: 0.1),
            samples, labels)
  }

  @Test func dictionaryHypergradientMatchesFiniteDifferences() throws {
    let (model, samples, labels) = Self.problem()
    let learning = TaskDrivenDictionaryLearning(coding: Self.coding, classifierRidge: 0.01)
    let codes = Self.coding.codes(dictionary: model.dictionary, samples: samples)
    #expect(codes.elements.contains(0) && codes.elements.contains { $0 != 0 })  // a sparse regime
    let gradient = try learning.lossAndGradient(model, samples: samples, labels: labels, codes: codes)
    func loss(_ dictionary: Matrix) throws -> Double {
      var perturbed = model
      perturbed.dictionary = dictionary
      let codes = Self.coding.codes(dictionary: dictionary, samples: samples, start: codes)
      return try learning.lossAndGradient(perturbed, samples: samples, labels: labels, codes: codes).loss
    }
    let h = 1e-6
    var difference = [Double]()
    for j in model.dictionary.elements.indices {
      var plus = model.dictionary, minus = model.dictionary
      plus.elements[j] += h
      minus.elements[j] -= h
      difference.append((try loss(plus) - loss(minus)) / (2 * h))
    }
    let error = zip(gradient.dictionary, difference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let scale = difference.reduce(0) { $0 + $1 * $1 }.squareRoot()
    #expect(error <= 1e-5 * scale, "implicit \(gradient.dictionary) vs FD \(difference)")
  }

  @Test func areaUnderROCAndConfidenceInterval() {
    #expect(areaUnderROC([0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1]) == 0.75)
    #expect(areaUnderROC([1, 1, 1, 1], labels: [0, 1, 0, 1]) == 0.5)
    let interval = ConfidenceInterval([1, 2, 3])
    #expect(abs(interval.mean - 2) < 1e-15 && abs(interval.halfWidth - 4.303 / 3.0.squareRoot()) < 1e-12)
  }

  @Test func breastCancerFixture() throws {
    let data = try LabelledDataset.fixture("breast_cancer")
    #expect(data.sampleCount == 569 && data.featureCount == 30)
  }
}
