import Foundation

/// Mean and 95% confidence half-width (Student t with n − 1 degrees of freedom) of a sample.
public struct ConfidenceInterval: Codable, Sendable, CustomStringConvertible {
  public var mean: Double
  public var halfWidth: Double

  public init(_ values: [Double]) {
    let n = Double(values.count)
    let average = values.reduce(0, +) / n
    mean = average
    let variance = values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / max(1, n - 1)
    // t_{0.975, ν} for ν = 1 … 10, then the normal value.
    let quantiles = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]
    let t = values.count >= 2 && values.count <= 11 ? quantiles[values.count - 2] : 1.96
    halfWidth = t * (variance / n).squareRoot()
  }

  public var description: String { String(format: "%.3f ± %.3f", mean, halfWidth) }
}

/// The comparison of Table 2 of Blondel et al.: test AUC over random train/test splits of
/// ℓ1- and ℓ2-regularised logistic regression on the features, logistic regression on codes of
/// an unsupervised dictionary, and task-driven dictionary learning.
public struct DictionaryBenchmark: Sendable {
  public var dataset: String
  public var features: Matrix
  public var labels: [Int]
  public var atoms: Int
  public var coding: ElasticNetSparseCoding
  public var outerSteps: Int
  public var learningRate: Double
  public var testFraction: Double = 0.2
  public var unsupervisedRounds: Int = 15

  public init(dataset: String, features: Matrix, labels: [Int], atoms: Int, coding: ElasticNetSparseCoding,
              outerSteps: Int, learningRate: Double) {
    self.dataset = dataset
    self.features = features
    self.labels = labels
    self.atoms = atoms
    self.coding = coding
    self.outerSteps = outerSteps
    self.learningRate = learningRate
  }

  public static let methods = ["L1 logreg", "L2 logreg", "DictL + L2 logreg", "Task-driven DictL"]

  /// Test AUC of every method on one split.
  public func evaluate(split seed: UInt64) throws -> [Double] {
    var random = SeededRandom(seed: seed)
    let order = random.permutation(labels.count)
    let testCount = Int(Double(labels.count) * testFraction)
    let testRows = Array(order[..<testCount]), trainRows = Array(order[testCount...])
    let scaler = Standardization(fitting: features.selectingRows(trainRows))
    let train = scaler.apply(features.selectingRows(trainRows))
    let test = scaler.apply(features.selectingRows(testRows))
    let trainLabels = trainRows.map { labels[$0] }, testLabels = testRows.map { labels[$0] }
    let grid = [1e-4, 1e-3, 1e-2, 1e-1]
    var aucs = [Double]()
    for penalty in [LogisticRegression.Penalty.l1, .l2] {
      let model = LogisticRegression.tuned(penalty, grid: grid, features: train, labels: trainLabels, seed: seed)
      let (w, b) = model.fit(train, labels: trainLabels)
      aucs.append(areaUnderROC(LogisticRegression.scores(test, weights: w, bias: b), labels: testLabels))
    }
    // Samples as columns for the sparse coding.
    let trainSamples = train.transposed, testSamples = test.transposed
    let dictionary = try unsupervisedDictionary(
      samples: trainSamples, atoms: atoms, coding: coding, rounds: unsupervisedRounds, seed: seed)
    let trainCodes = coding.codes(dictionary: dictionary, samples: trainSamples).transposed
    let codeModel = LogisticRegression.tuned(.l2, grid: grid, features: trainCodes, labels: trainLabels, seed: seed)
    let (w, b) = codeModel.fit(trainCodes, labels: trainLabels)
    let initial = TaskDrivenDictionaryLearning.Model(dictionary: dictionary, weights: w, bias: b)
    aucs.append(areaUnderROC(initial.scores(testSamples, coding: coding), labels: testLabels))
    let taskDriven = TaskDrivenDictionaryLearning(coding: coding, classifierRidge: codeModel.strength)
    let learned = try taskDriven.train(initial, samples: trainSamples, labels: trainLabels,
                                       steps: outerSteps, learningRate: learningRate)
    aucs.append(areaUnderROC(learned.scores(testSamples, coding: coding), labels: testLabels))
    return aucs
  }
}
