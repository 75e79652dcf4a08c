import BilevelExamples
import Foundation

/// One outer run: a solver, a feature count, a mode (and, implicit, a fixed point).
struct SVMRun: Codable {
  var features: Int
  var solver: String
  var mode: String
  /// The fixed point differentiated (nil for unrolled, which differentiates the iterations).
  var condition: String?
  var secondsPerIteration: Double
  var finalValidationLoss: Double
  var finalLogRegularization: Double
  var meanInnerIterations: Double
  /// Outer steps whose inner solve reached the tolerance.
  var convergedSteps: Int
  var largestInnerResidual: Double
  var meanLinearSolveIterations: Double
  var history: [SVMOuterRecord]

  init(features: Int, solver: SVMInnerSolver, mode: HypergradientMode, condition: SVMOptimalityCondition?,
       history: [SVMOuterRecord]) {
    let count = Double(history.count)
    self.features = features
    self.solver = solver.rawValue
    self.mode = mode.rawValue
    self.condition = condition?.rawValue
    secondsPerIteration = history.map(\.seconds).reduce(0, +) / count
    finalValidationLoss = history.last!.validationLoss
    finalLogRegularization = history.last!.logRegularization
    meanInnerIterations = Double(history.map(\.innerIterations).reduce(0, +)) / count
    convergedSteps = history.filter(\.innerConverged).count
    largestInnerResidual = history.map(\.innerResidual).max()!
    meanLinearSolveIterations = Double(history.map(\.linearSolveIterations).reduce(0, +)) / count
    self.history = history
  }
}

/// Figures 3 and 14: time per outer iteration and final validation loss, implicit (through each
/// fixed point) vs unrolled, per inner solver and feature count.
func runSVM(_ options: Options) throws {
  let featureCounts = options.list("features", ["100", "500", "1000", "2000", "5000"]).compactMap { Int($0) }
  let solvers = try options.list("solvers", ["md", "pg", "bcd"]).map { name in
    guard let solver = SVMInnerSolver(rawValue: name) else {
      throw ExampleError.invalidOption("--solvers md,md-plain,pg,bcd")
    }
    return solver
  }
  let conditions = try options.list("condition", ["projected-gradient", "mirror-descent"]).map { name in
    guard let condition = SVMOptimalityCondition(rawValue: name) else {
      throw ExampleError.invalidOption("--condition projected-gradient,mirror-descent")
    }
    return condition
  }
  let outer = try options.int("outer", 10)
  let maximumInner = try options.int("max-inner", 5_000)
  let tolerance = try options.double("tolerance", 1e-12)
  let seed = UInt64(try options.int("seed", 0))
  let θ0 = try options.double("log-lambda", 3)
  let stepSize = try options.double("step", 0.5)
  let maximumMove = try options.double("max-move", 1)
  guard let preconditioning = SVMPreconditioning(rawValue: options.values["preconditioner"] ?? "automatic") else {
    throw ExampleError.invalidOption("--preconditioner automatic|jacobi|none")
  }
  print("Multiclass SVM hyperparameter optimisation: m = 700 train, 200 validation, k = 5, 10% informative")
  print("features; \(outer) outer steps of gradient descent on θ = log λ from θ₀ = \(θ0) (first move \(stepSize),")
  print("every move clamped to ±\(maximumMove)).")
  print("Inner solves warm-started from the previous outer step (unrolled: tangent from zero), stopped at")
  print("‖β − P(β − ∇f(β)/L)‖/‖β‖ ≤ \(tolerance) or \(maximumInner) iterations (epochs for bcd);")
  print("implicit VJP by GMRES(100), tolerance 1e-10, preconditioner: \(preconditioning.rawValue) (automatic: Jacobi for")
  print("the mirror-descent fixed point only).")
  print("s/it: seconds per outer iteration; inner: mean inner iterations per outer step; conv: outer steps")
  print("whose inner solve converged; gmres: mean GMRES iterations; PG / MD: projected-gradient /")
  print("mirror-descent fixed point.")
  var header = "    p solver"
  for condition in conditions { header += "  s/it impl. \(label(condition))" }
  header += "  s/it unrolled   inner  conv"
  for condition in conditions { header += "  gmres \(label(condition))" }
  for condition in conditions { header += "   loss impl. \(label(condition))" }
  header += "   loss unrolled"
  print(header)
  var runs = [SVMRun]()
  for p in featureCounts {
    let data = ClassificationData(samples: 900, features: p, informative: max(1, p / 10), classes: 5, seed: seed)
    let (train, validation) = data.split(at: 700)
    let problem = MulticlassSVMDual(features: train.features, labels: train.oneHotLabels)
    let loss = SVMValidationLoss(features: validation.features, labels: validation.oneHotLabels)
    for solver in solvers {
      func search(_ condition: SVMOptimalityCondition) -> SVMHyperparameterSearch {
        SVMHyperparameterSearch(
          problem: problem, validation: loss, solver: solver, condition: condition,
          maximumInnerIterations: maximumInner, innerTolerance: tolerance,
          preconditioning: preconditioning)
      }
      // A run that fails (a GMRES solve that does not converge) is reported and the table goes on.
      var failures = [String]()
      func run(_ mode: HypergradientMode, _ condition: SVMOptimalityCondition?) -> SVMRun? {
        do {
          let history = try search(condition ?? .projectedGradient)
            .optimize(from: θ0, iterations: outer, stepSize: stepSize, maximumMove: maximumMove, mode: mode)
          // Every outer step on stderr: the inner iterations it took and whether they converged.
          for record in history {
            let text = String(
              format: "p=%d %@ %@%@ step %d: θ=%.6f L=%.6f dL/dθ=%.4e inner %d (%@, r=%.1e) gmres %d %.3f s\n",
              p, solver.rawValue, mode.rawValue, condition.map { " " + label($0) } ?? "", record.iteration,
              record.logRegularization, record.validationLoss, record.hypergradient, record.innerIterations,
              record.innerConverged ? "converged" : "not converged", record.innerResidual,
              record.linearSolveIterations, record.seconds)
            FileHandle.standardError.write(text.data(using: .utf8)!)
          }
          return SVMRun(features: p, solver: solver, mode: mode, condition: condition, history: history)
        } catch {
          failures.append("\(mode.rawValue) \(condition.map { label($0) } ?? ""): \(error)")
          return nil
        }
      }
      let implicitRuns = conditions.map { run(.implicit, $0) }
      // The unrolled derivative does not involve a fixed point: one run serves every column.
      let unrolled = run(.unrolled, nil)
      let completed = (implicitRuns + [unrolled]).compactMap { $0 }
      runs += completed
      func cell(_ run: SVMRun?, _ width: Int, _ format: String, _ value: (SVMRun) -> Double) -> String {
        "  " + (run.map { String(format: "%\(width)\(format)", value($0)) }
          ?? String(repeating: " ", count: width - 6) + "failed")
      }
      var line = String(format: "%5d", p) + " " + pad(solver.rawValue, 6)
      for run in implicitRuns { line += cell(run, 13, ".3f") { $0.secondsPerIteration } }
      line += cell(unrolled, 13, ".3f") { $0.secondsPerIteration }
      line += String(format: "  %6.0f", completed.map(\.meanInnerIterations).max() ?? 0)
      let convergedCounts = (implicitRuns + [unrolled]).map { $0.map { String($0.convergedSteps) } ?? "-" }
      line += "  " + pad(convergedCounts.joined(separator: "/"), 8)
      for run in implicitRuns { line += cell(run, 8, ".0f") { $0.meanLinearSolveIterations } }
      for run in implicitRuns { line += cell(run, 15, ".6f") { $0.finalValidationLoss } }
      line += cell(unrolled, 14, ".6f") { $0.finalValidationLoss }
      print(line)
      for failure in failures { print("      \(solver.rawValue) \(failure)") }
      try OutputFiles.writeJSON(runs, to: options.output + "/svm.json")
    }
  }
}

private func label(_ condition: SVMOptimalityCondition) -> String {
  condition == .projectedGradient ? "PG" : "MD"
}
