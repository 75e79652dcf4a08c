import BilevelExamples
import Foundation

struct SVMRow: Codable {
  var features: Int
  var solver: String
  var condition: String
  var implicitSecondsPerIteration: Double
  var unrolledSecondsPerIteration: Double
  var implicitFinalValidationLoss: Double
  var unrolledFinalValidationLoss: Double
  var implicitHistory: [SVMOuterRecord]
  var unrolledHistory: [SVMOuterRecord]
}

/// Figures 3 and 14: time per outer iteration and final validation loss, implicit vs unrolled.
func runSVM(_ options: Options) throws {
  let featureCounts = options.list("features", ["100", "500", "1000", "2000", "5000"]).compactMap { Int($0) }
  let solvers = options.list("solvers", ["md", "pg", "bcd"]).compactMap { SVMInnerSolver(rawValue: $0) }
  let outer = try options.int("outer", 10)
  let inner = try options.int("inner", 100)
  let seed = UInt64(try options.int("seed", 0))
  let θ0 = try options.double("log-lambda", 3)
  let stepSize = try options.double("step", 0.5)
  print("Multiclass SVM hyperparameter optimisation: m = 700 train, 200 validation, k = 5,")
  print("10% informative features; \(outer) outer steps of gradient descent on θ = log λ from θ₀ = \(θ0),")
  print("\(inner) inner iterations (epochs for BCD) per outer step, warm-started.")
  print("    p  solver  fixed point          s/iter implicit  s/iter unrolled  ratio  val. loss implicit  val. loss unrolled")
  var rows = [SVMRow]()
  for p in featureCounts {
    let data = ClassificationData(samples: 900, features: p, informative: max(1, p / 10), classes: 5, seed: seed)
    let (train, validation) = data.split(at: 700)
    let problem = MulticlassSVMDual(features: train.features, labels: train.oneHotLabels)
    let loss = SVMValidationLoss(features: validation.features, labels: validation.oneHotLabels)
    for solver in solvers {
      // Default: the projected-gradient fixed point for every solver (the mirror-descent one is
      // ill-conditioned at iterates whose vanishing entries decay slowly; see README).
      let condition: SVMOptimalityCondition = try options.values["condition"].map {
        guard let chosen = SVMOptimalityCondition(rawValue: $0) else {
          throw ExampleError.invalidOption("--condition projected-gradient|mirror-descent")
        }
        return chosen
      } ?? .projectedGradient
      let search = SVMHyperparameterSearch(
        problem: problem, validation: loss, solver: solver, condition: condition, innerIterations: inner)
      let implicit = try search.optimize(from: θ0, iterations: outer, stepSize: stepSize, mode: .implicit)
      let unrolled = try search.optimize(from: θ0, iterations: outer, stepSize: stepSize, mode: .unrolled)
      let implicitTime = implicit.map(\.seconds).reduce(0, +) / Double(outer)
      let unrolledTime = unrolled.map(\.seconds).reduce(0, +) / Double(outer)
      let row = SVMRow(
        features: p, solver: solver.rawValue, condition: condition.rawValue,
        implicitSecondsPerIteration: implicitTime, unrolledSecondsPerIteration: unrolledTime,
        implicitFinalValidationLoss: implicit.last!.validationLoss,
        unrolledFinalValidationLoss: unrolled.last!.validationLoss,
        implicitHistory: implicit, unrolledHistory: unrolled)
      rows.append(row)
      print(String(format: "%5d", p), pad(solver.rawValue, 7), pad(condition.rawValue, 18),
            format(implicitTime, 17), format(unrolledTime, 16), String(format: "%6.2f", unrolledTime / implicitTime),
            format(row.implicitFinalValidationLoss, 19), format(row.unrolledFinalValidationLoss, 19))
      try OutputFiles.writeJSON(rows, to: options.output + "/svm.json")
    }
  }
}
