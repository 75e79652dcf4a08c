import BilevelExamples
import Foundation
import ImplicitDifferentiation

struct RidgeOutput: Codable {
  var lambda: Double
  var solution: [Double]
  var implicitJacobian: [Double]
  var closedFormJacobian: [Double]
  var maximumDifference: Double
  /// The engine's validity report of ∂x*/∂λ at x* (and at x̂ = x* + perturbation when asked).
  var validity: RootValidityReport
  var perturbedValidity: RootValidityReport?
}

/// Figure 1: ridge regression on the diabetes data, ∂x*/∂λ by implicit differentiation.
func runRidge(_ options: Options) throws {
  let data = try LabelledDataset.fixture("diabetes")
  let ridge = RidgeRegression(design: data.features, targets: data.targets)
  let λ = try options.double("lambda", 1.0)
  let function = ridge.implicitFunction
  let solution = try function([λ])
  let implicit = try function.jacobian(at: [λ]).map { $0[0] }
  let closed = try ridge.closedFormJacobian([λ]).map { $0[0] }
  let difference = zip(implicit, closed).map { abs($0 - $1) }.max()!
  print("Ridge regression, diabetes (442 × 10), λ = \(λ)")
  print(" j          x*_j   ∂x*_j/∂λ implicit   closed form")
  for j in solution.indices {
    print(String(format: "%2d", j), format(solution[j], 13), format(implicit[j], 19), format(closed[j], 13))
  }
  print("max |implicit − closed form| = \(format(difference, 9))")
  let validity = try ridge.validatedDerivative([λ], along: [1]).validity
  printValidity(validity, title: "validity at x*")
  // x̂ = x* + p·(1, …, 1): the estimate should grow with p, the exact answer's error does.
  var perturbedValidity: RootValidityReport? = nil
  let perturbation = try options.double("perturbation", 0)
  if perturbation != 0 {
    let perturbed = solution.map { $0 + perturbation }
    perturbedValidity = try ridge.validatedDerivative([λ], along: [1], at: perturbed).validity
    printValidity(perturbedValidity!, title: "validity at x̂ = x* + \(perturbation)")
  }
  try OutputFiles.writeJSON(
    RidgeOutput(lambda: λ, solution: solution, implicitJacobian: implicit, closedFormJacobian: closed,
                maximumDifference: difference, validity: validity, perturbedValidity: perturbedValidity),
    to: options.output + "/ridge.json")
}

/// Figure 2: Jacobian precision against solution precision, implicit vs unrolled.
func runJacobianPrecision(_ options: Options) throws {
  let data = try LabelledDataset.fixture("diabetes")
  let ridge = RidgeRegression(design: data.features, targets: data.targets)
  let iterations = try options.int("iterations", 200)
  let weight = try options.double("weight", 0.1)
  let experiment = JacobianPrecisionExperiment(
    ridge: ridge, weights: [Double](repeating: weight, count: data.featureCount))
  let records = try experiment.run(maximumIterations: iterations)
  print("Jacobian precision, ridge with one weight per feature (θⱼ = \(weight)), gradient descent")
  print("    t   ‖x̂−x*‖  ‖J_impl−∂x*‖  ‖J_unroll−∂x*‖  bound ‖x̂−x*‖/α  implicit ≤ bound")
  let shown = Set([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, iterations])
  for record in records where shown.contains(record.iteration) {
    print(String(format: "%5d", record.iteration), format(record.solutionError, 10),
          format(record.implicitJacobianError, 13), format(record.unrolledJacobianError, 15),
          format(record.bound, 16), record.implicitJacobianError <= record.bound * (1 + 1e-9) ? "   yes" : "   NO")
  }
  let violations = records.filter { $0.implicitJacobianError > $0.bound * (1 + 1e-9) }.count
  print("implicit error above the bound at \(violations) of \(records.count) iterations")
  try OutputFiles.writeJSON(records, to: options.output + "/jacobian-precision.json")
}

/// The report of ``validateRoot`` in a few lines.
func printValidity(_ report: RootValidityReport, title: String) {
  print("\(title): ‖F(x̂)‖ = \(format(report.residualNorm, 9)), solver \(report.solver) "
        + "(\(report.solverIterations) it., residual \(format(report.solverResidual, 9)), \(report.solverStatus))")
  if let smallest = report.smallestEigenvalue, let largest = report.largestEigenvalue {
    print("  λ_min = \(format(smallest, 9)), λ_max = \(format(largest, 9)), singular: \(report.singular ?? false)")
  }
  if let estimate = report.errorEstimate {
    print("  Theorem 1: ‖x̂ − x*‖ ≲ \(format(estimate.positionError, 9)), "
          + "‖J(x̂) − J(x*)‖ ≲ \(format(estimate.sensitivityError, 9)) "
          + "(relative \(format(estimate.relativeSensitivityError, 9))), solve error \(format(estimate.solveError, 9))")
  }
  for warning in report.warnings { print("  warning: \(warning)") }
}
