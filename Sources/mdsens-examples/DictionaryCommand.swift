import BilevelExamples
import Foundation

struct DictionaryOutput: Codable {
  var dataset: String
  var methods: [String]
  /// aucs[split][method].
  var aucs: [[Double]]
  var summary: [ConfidenceInterval]
}

/// §4.3 and Table 2: mean test AUC ± 95% CI over random splits.
func runDictionary(_ options: Options) throws {
  let datasets = options.list("datasets", ["breast-cancer", "synthetic"])
  let splits = try options.int("splits", 10)
  let steps = try options.int("steps", 50)
  let atoms = try options.int("atoms", 10)
  let coding = ElasticNetSparseCoding(
    l1Strength: try options.double("l1", 0.1), l2Strength: try options.double("l2", 0.1),
    iterations: 500, tolerance: 1e-9)
  var outputs = [DictionaryOutput]()
  print("Task-driven dictionary learning: test AUC, mean ± 95% CI over \(splits) random 80/20 splits")
  print("(\(atoms) atoms, elastic-net codes, \(steps) Adam steps; regularisation of the baselines by a held-out quarter)")
  print(pad("dataset", 16) + DictionaryBenchmark.methods.map { pad($0, 20) }.joined())
  for name in datasets {
    let features: Matrix, labels: [Int]
    switch name {
    case "breast-cancer":
      let data = try LabelledDataset.fixture("breast_cancer")
      features = data.features
      labels = data.targets.map { Int($0) }
    case "synthetic":
      let data = ClassificationData(samples: 500, features: 1_000, informative: 5, classes: 2, seed: 7)
      features = data.features
      labels = data.labels
    default: throw ExampleError.invalidOption("unknown dataset \(name)")
    }
    let benchmark = DictionaryBenchmark(
      dataset: name, features: features, labels: labels, atoms: atoms, coding: coding, outerSteps: steps,
      learningRate: try options.double("learning-rate", 0.01))
    var aucs = [[Double]]()
    for split in 0..<splits { aucs.append(try benchmark.evaluate(split: UInt64(split + 1))) }
    let summary = DictionaryBenchmark.methods.indices.map { m in ConfidenceInterval(aucs.map { $0[m] }) }
    print(pad(name, 16) + summary.map { pad($0.description, 20) }.joined())
    outputs.append(DictionaryOutput(dataset: name, methods: DictionaryBenchmark.methods, aucs: aucs, summary: summary))
    try OutputFiles.writeJSON(outputs, to: options.output + "/dictionary.json")
  }
}
