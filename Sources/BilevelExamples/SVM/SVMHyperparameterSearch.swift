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

/// One hypergradient evaluation: the inner solve, L and dL/dθ.
public struct SVMHypergradient: Sendable {
  /// The inner solve (with its tangent when unrolled).
  public var inner: SVMInnerSolution
  /// L(W(β, θ)) at the inner solution.
  public var loss: Double
  /// dL/dθ.
  public var gradient: Double
  /// GMRES iterations of the implicit VJP (0 when unrolled).
  public var linearSolveIterations: Int
}

/// One outer iteration of the hyperparameter search.
public struct SVMOuterRecord: Codable, Sendable {
  public var iteration: Int
  public var logRegularization: Double
  public var validationLoss: Double
  public var hypergradient: Double
  public var seconds: Double
  /// Inner iterations (epochs for block coordinate descent) of this outer step.
  public var innerIterations: Int
  /// The relative projected-gradient residual of the inner solution.
  public var innerResidual: Double
  public var innerConverged: Bool
  /// GMRES iterations of the implicit VJP (0 when unrolled).
  public var linearSolveIterations: Int
}

/// A hypergradient that failed (a linear solve that did not converge) at one outer step.
public struct SVMOuterStepError: Error, CustomStringConvertible {
  public var iteration: Int
  public var logRegularization: Double
  public var underlying: any Error
  public var description: String {
    "outer step \(iteration) (θ = \(logRegularization)): \(underlying)"
  }
}

/// Multiclass SVM hyperparameter optimisation (§4.1 of Blondel et al.): gradient descent on
/// θ = log λ of the validation loss L(W(β*(θ), θ)), with
///
///     dL/dθ = ⟨∇_β L, ∂β*/∂θ⟩ + ∂θL,   ∇_β L = −e^{−θ} X ∇_W L,   ∂θL = −⟨∇_W L, W⟩,
///
/// (W = e^{−θ}Xᵀ(Y − β)), ∂β*/∂θ by implicit differentiation of a fixed point or by unrolling.
/// Both modes run the same inner solver with the same stopping rule from the same warm start, so
/// they differ only in how the derivative is obtained.
public struct SVMHyperparameterSearch: Sendable {
  public var problem: MulticlassSVMDual
  public var validation: SVMValidationLoss
  public var solver: SVMInnerSolver
  public var condition: SVMOptimalityCondition
  /// The cap on inner iterations (epochs for block coordinate descent) per outer iteration.
  public var maximumInnerIterations: Int
  /// The inner solver stops when r(β) = ‖β − P_Δ(β − η∇₁f)‖_F/‖β‖_F ≤ innerTolerance (0: always
  /// run `maximumInnerIterations`). The default 1e-12 is tight for a reason: near the outer
  /// minimum dL/dθ is a small difference of O(1) terms, and with r = 1e-9 the hypergradients
  /// through the mirror-descent fixed point and by unrolling were 10% off the projected-gradient
  /// one at θ ≈ 10 (p = 1,000): the former freezes whichever entries of β̂ are exactly zero, the
  /// latter's warm-started tangent converges only while the primal still moves. With 1e-12 the
  /// three outer paths agree to six digits.
  public var innerTolerance: Double
  /// The solver of Aᵀw = ∇_β L; its preconditioner, if any, is set at each β* by `preconditioning`.
  public var linearSolver: GMRES
  public var preconditioning: SVMPreconditioning

  public init(
    problem: MulticlassSVMDual, validation: SVMValidationLoss, solver: SVMInnerSolver,
    condition: SVMOptimalityCondition, maximumInnerIterations: Int, innerTolerance: Double = 1e-12,
    linearSolver: GMRES = GMRES(tolerance: 1e-10, maximumIterations: 5_000, restartLength: 100),
    preconditioning: SVMPreconditioning = .automatic
  ) {
    self.problem = problem
    self.validation = validation
    self.solver = solver
    self.condition = condition
    self.maximumInnerIterations = maximumInnerIterations
    self.innerTolerance = innerTolerance
    self.linearSolver = linearSolver
    self.preconditioning = preconditioning
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

  /// dL/dθ at an inner solution β by the implicit VJP through `condition`'s fixed point
  /// (whatever solver produced β), with the GMRES iterations it took.
  public func implicitHypergradient(at β: Matrix, _ θ: Double) throws -> (gradient: Double, iterations: Int) {
    let (state, parameter) = outerPartials(β, θ)
    let linearization = svmFixedPointLinearization(problem, condition: condition, at: β, θ)
    var gmres = linearSolver
    if preconditioning.usesJacobi(for: condition) {
      gmres.preconditioner = try svmFixedPointJacobiPreconditioner(problem, condition: condition, at: β, θ)
    }
    let product = try rootVectorJacobianProduct(linearization, cotangent: state.elements, linearSolver: gmres)
    return (product.value[0] + parameter, product.linearSolve.iterations)
  }

  /// Solves the inner problem from `start` and returns β*, L and dL/dθ.
  public func hypergradient(_ θ: Double, from start: Matrix, mode: HypergradientMode) throws -> SVMHypergradient {
    let inner = solver.solve(problem, θ, from: start, maximumIterations: maximumInnerIterations,
                             tolerance: innerTolerance, withTangent: mode == .unrolled)
    let loss = validationLoss(inner.solution, θ)
    switch mode {
    case .implicit:
      let (gradient, iterations) = try implicitHypergradient(at: inner.solution, θ)
      return SVMHypergradient(inner: inner, loss: loss, gradient: gradient, linearSolveIterations: iterations)
    case .unrolled:
      let (state, parameter) = outerPartials(inner.solution, θ)
      return SVMHypergradient(inner: inner, loss: loss,
                              gradient: dotProduct(state.elements, inner.tangent!.elements) + parameter,
                              linearSolveIterations: 0)
    }
  }

  /// `iterations` steps of gradient descent θ ← θ − clamp(s·dL/dθ, ±maximumMove) from θ₀,
  /// warm-starting each inner solve from the previous outer step's β (in unrolled mode the tangent
  /// still starts at zero: the warm start is a constant).
  ///
  /// The step s = stepSize/|dL/dθ at θ₀| makes the first move `stepSize` whatever the scale of L
  /// (the same s in both modes, so the paths are comparable). The clamp is a trust region: the
  /// validation loss is flat at small λ and some hundred times steeper near its minimum, where an
  /// unclamped step scaled at θ₀ jumps by ten units of θ and turns small differences between two
  /// hypergradients into different paths.
  public func optimize(
    from θ0: Double, iterations: Int, stepSize: Double, maximumMove: Double = 1, mode: HypergradientMode
  ) throws -> [SVMOuterRecord] {
    var θ = θ0
    var β = problem.uniformStart
    var scale: Double?
    var records = [SVMOuterRecord]()
    for iteration in 0..<iterations {
      let (outcome, seconds): (SVMHypergradient, Double)
      do {
        (outcome, seconds) = try measureSeconds { try hypergradient(θ, from: β, mode: mode) }
      } catch {
        throw SVMOuterStepError(iteration: iteration, logRegularization: θ, underlying: error)
      }
      records.append(SVMOuterRecord(
        iteration: iteration, logRegularization: θ, validationLoss: outcome.loss,
        hypergradient: outcome.gradient, seconds: seconds, innerIterations: outcome.inner.iterations,
        innerResidual: outcome.inner.residual, innerConverged: outcome.inner.converged,
        linearSolveIterations: outcome.linearSolveIterations))
      β = outcome.inner.solution
      if scale == nil { scale = stepSize / max(abs(outcome.gradient), 1e-300) }
      θ -= min(max(scale! * outcome.gradient, -maximumMove), maximumMove)
    }
    return records
  }
}
