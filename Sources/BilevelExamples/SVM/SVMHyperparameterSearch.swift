import Foundation
import ImplicitDifferentiation
import LinearAlgebra

/// How the hypergradient dL/dθ is obtained.
public enum HypergradientMode: String, CaseIterable, Sendable, Codable {
  /// One solve of the engine's VJP at the solver's β* (the fixed point's linear maps).
  case implicit
  /// Forward mode through the inner solver's iterations.
  case unrolled
}

/// One outer iteration of the hyperparameter search.
public struct SVMOuterRecord: Codable, Sendable {
  public var iteration: Int
  public var logRegularization: Double
  public var validationLoss: Double
  public var hypergradient: Double
  public var seconds: Double
}

/// Multiclass SVM hyperparameter optimisation (§4.1 of Blondel et al.): gradient descent on
/// θ = log λ of the validation loss L(W(β*(θ), θ)), with
///
///     dL/dθ = ⟨∇_β L, ∂β*/∂θ⟩ + ∂θL,   ∇_β L = −e^{−θ} X ∇_W L,   ∂θL = −⟨∇_W L, W⟩,
///
/// (W = e^{−θ}Xᵀ(Y − β)), ∂β*/∂θ by implicit differentiation of a fixed point or by unrolling.
public struct SVMHyperparameterSearch: Sendable {
  public var problem: MulticlassSVMDual
  public var validation: SVMValidationLoss
  public var solver: SVMInnerSolver
  public var condition: SVMOptimalityCondition
  /// Inner iterations (epochs for block coordinate descent) per outer iteration.
  public var innerIterations: Int
  /// Early stop of the inner solver (0: always run `innerIterations`).
  public var innerTolerance: Double
  public var linearSolver: any LinearSolver

  public init(
    problem: MulticlassSVMDual, validation: SVMValidationLoss, solver: SVMInnerSolver,
    condition: SVMOptimalityCondition, innerIterations: Int, innerTolerance: Double = 0,
    linearSolver: any LinearSolver = GMRES(tolerance: 1e-10, maximumIterations: 5_000, restartLength: 100)
  ) {
    self.problem = problem
    self.validation = validation
    self.solver = solver
    self.condition = condition
    self.innerIterations = innerIterations
    self.innerTolerance = innerTolerance
    self.linearSolver = linearSolver
  }

  /// L(θ) at a given inner solution.
  public func validationLoss(_ β: Matrix, _ θ: Double) -> Double {
    validation.value(problem.primalWeights(β, θ))
  }

  /// (∇_β L, ∂θL) at (β, θ).
  func outerPartials(_ β: Matrix, _ θ: Double) -> (state: Matrix, parameter: Double) {
    let weights = problem.primalWeights(β, θ)
    let weightGradient = validation.gradient(weights)
    let state = Matrix.product(problem.features, weightGradient, scale: -Foundation.exp(-θ))
    return (state, -dotProduct(weightGradient.elements, weights.elements))
  }

  /// Solves the inner problem from `start` and returns β*, L and dL/dθ.
  public func hypergradient(_ θ: Double, from start: Matrix, mode: HypergradientMode) throws
    -> (solution: Matrix, loss: Double, gradient: Double)
  {
    switch mode {
    case .implicit:
      let β = solver.solve(problem, θ, from: start, iterations: innerIterations,
                           tolerance: innerTolerance).solution
      let (state, parameter) = outerPartials(β, θ)
      let linearization = svmFixedPointLinearization(problem, condition: condition, at: β, θ)
      let product = try rootVectorJacobianProduct(
        linearization, cotangent: state.elements, linearSolver: linearSolver)
      return (β, validationLoss(β, θ), product.value[0] + parameter)
    case .unrolled:
      let run = solver.solve(problem, θ, from: start, iterations: innerIterations,
                             tolerance: 0, withTangent: true)
      let (state, parameter) = outerPartials(run.solution, θ)
      return (run.solution, validationLoss(run.solution, θ),
              dotProduct(state.elements, run.tangent!.elements) + parameter)
    }
  }

  /// `iterations` steps of gradient descent θ ← θ − s·dL/dθ from θ₀, warm-starting the inner
  /// solver from the previous β. The step s = stepSize/|dL/dθ at θ₀| makes the first move
  /// `stepSize` whatever the scale of L (the same s in both modes, so the paths are comparable).
  public func optimize(from θ0: Double, iterations: Int, stepSize: Double, mode: HypergradientMode)
    throws -> [SVMOuterRecord]
  {
    var θ = θ0
    var β = problem.uniformStart
    var scale: Double?
    var records = [SVMOuterRecord]()
    for iteration in 0..<iterations {
      let (outcome, seconds) = try measureSeconds { try hypergradient(θ, from: β, mode: mode) }
      records.append(SVMOuterRecord(iteration: iteration, logRegularization: θ,
                                    validationLoss: outcome.loss, hypergradient: outcome.gradient,
                                    seconds: seconds))
      // Mirror descent needs an interior start: keep warm starts strictly positive.
      β = outcome.solution
      if solver == .mirrorDescent {
        for index in β.elements.indices { β.elements[index] = max(β.elements[index], 1e-12) }
      }
      if scale == nil { scale = stepSize / max(abs(outcome.gradient), 1e-300) }
      θ -= scale! * outcome.gradient
    }
    return records
  }
}
