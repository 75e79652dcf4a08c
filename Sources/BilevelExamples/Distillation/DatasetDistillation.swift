import DualNumbers
import Foundation
import ImplicitDifferentiation
import LinearAlgebra

/// Dataset distillation (§4.2 of Blondel et al.; Wang et al. 2018): learn one prototype per class
/// such that logistic regression trained on the k prototypes alone does well on the training set,
///
///     min_θ L(W*(θ)),   W*(θ) = argmin_W f(W, θ)   (``PrototypeLogisticObjective``),
///
/// with L the training cross-entropy (``CrossEntropyLoss``). The hypergradient is the implicit
/// VJP of the stationarity condition ∇_W f = 0: one solve Aᵀw = ∇L(W*) (CG, A = −∇²f symmetric),
/// then wᵀB = wᵀ∂θ∇_W f, one reverse-over-forward pass whatever the number of pixels.
public struct DatasetDistillation: Sendable {
  public let inner: PrototypeLogisticObjective
  public let outer: CrossEntropyLoss
  public var innerSolver: LimitedMemoryBFGS
  public var linearSolver: ConjugateGradient

  public init(outer: CrossEntropyLoss, ridge: Double = 1e-3, innerTolerance: Double = 1e-9) {
    self.outer = outer
    inner = PrototypeLogisticObjective(
      featureCount: outer.features.columnCount, classCount: outer.classCount, ridge: ridge)
    innerSolver = LimitedMemoryBFGS(tolerance: innerTolerance)
    linearSolver = ConjugateGradient(tolerance: 1e-10, maximumIterations: 20_000)
  }

  /// W*(θ) by L-BFGS from `start`, gradients by the engine's reverse mode.
  public func trainModel(_ θ: [Double], from start: [Double]? = nil) -> [Double] {
    let objective = inner
    let x0 = start ?? [Double](repeating: 0, count: inner.featureCount * inner.classCount)
    return innerSolver.minimize(from: x0) { objective.valueAndGradient($0, θ) }.solution
  }

  /// Newton steps W ← W − (∇²f)⁻¹∇f with the Hessian assembled from the engine's exact
  /// Hessian-vector products and LU: machine-precision inner solutions for finite-difference
  /// references (small problems only: d products and an O(d³) factorisation).
  public func refineByNewton(_ θ: [Double], _ w: [Double], steps: Int = 3) -> [Double] {
    var w = w
    for _ in 0..<steps {
      let gradient = inner.gradient(w, θ)
      let linearization = StationaryPoint(inner).linearization(at: w, θ)
      // A = −∇²f, so the Newton step Δ = −(∇²f)⁻¹∇f solves AΔ = ∇f.
      let step = DenseLinearSolver().solve(linearization.operatorA(), gradient).solution
      for j in w.indices { w[j] += step[j] }
    }
    return w
  }

  /// The implicit hypergradient dL/dθ at the inner solution W (one adjoint solve).
  public func implicitHypergradient(_ θ: [Double], at w: [Double]) throws -> [Double] {
    let linearization = StationaryPoint(inner).linearization(at: w, θ)
    let cotangent = outer.valueAndGradient(w).gradient
    return try rootVectorJacobianProduct(linearization, cotangent: cotangent, linearSolver: linearSolver).value
  }

  /// `steps` of gradient descent W ← W − η∇_W f(W, θ) from `start` (a constant), η = 1/L.
  public func gradientDescent(_ θ: [Double], from start: [Double], steps: Int) -> [Double] {
    let η = inner.stepSize(θ)
    var w = start
    for _ in 0..<steps {
      let gradient = inner.closedFormGradient(w, θ)
      for j in w.indices { w[j] -= η * gradient[j] }
    }
    return w
  }

  /// Unrolled reverse mode: the `steps` gradient-descent iterations recorded on one tape with θ as
  /// its input, then swept once from ∇L(W_T). Returns W_T and dL(W_T)/dθ (the step size η(θ)
  /// is held constant, as it is in the implicit mode's solver).
  public func unrolledHypergradient(_ θ: [Double], from start: [Double], steps: Int)
    -> (solution: [Double], gradient: [Double])
  {
    let η = inner.stepSize(θ)
    let tape = Tape<Double>()
    let parameters = tape.variables(θ)
    var w = start.map { TapeScalar<Double>(constant: $0) }
    for _ in 0..<steps {
      let gradient = inner.closedFormGradient(w, parameters)
      for j in w.indices { w[j] = w[j] - TapeScalar.scaled(gradient[j], by: η) }
    }
    let solution = w.map(\.value)
    let cotangent = outer.valueAndGradient(solution).gradient
    let adjoint = tape.adjoints(seeding: w, with: cotangent)
    return (solution, parameters.map { adjoint[$0.index] })
  }

  /// One record of the outer loop.
  public struct Record: Codable, Sendable {
    public var step: Int
    public var trainingLoss: Double
    public var seconds: Double
  }

  /// `steps` Adam steps on θ from θ₀ with the implicit hypergradient (L-BFGS inner solves,
  /// warm-started). Returns the prototypes and the history.
  public func distill(from θ0: [Double], steps: Int, learningRate: Double) throws
    -> (prototypes: [Double], records: [Record])
  {
    var θ = θ0
    var w: [Double]? = nil
    var optimizer = AdamOptimizer(learningRate: learningRate)
    var records = [Record]()
    for step in 0..<steps {
      let ((loss, gradient), seconds) = try measureSeconds { () throws -> (Double, [Double]) in
        let solution = trainModel(θ, from: w)
        w = solution
        return (outer.valueAndGradient(solution).value, try implicitHypergradient(θ, at: solution))
      }
      records.append(Record(step: step, trainingLoss: loss, seconds: seconds))
      optimizer.step(&θ, gradient: gradient)
    }
    return (θ, records)
  }
}

extension DatasetDistillation {
  /// The timing comparison of §4.2: `steps` outer Adam steps where the inner problem is `innerSteps`
  /// of gradient descent (warm-started) in both modes, differentiated either implicitly (one CG
  /// adjoint solve at the last iterate) or by unrolling the iterations in reverse mode.
  public func outerLoopWithGradientDescent(
    from θ0: [Double], steps: Int, innerSteps: Int, learningRate: Double, mode: HypergradientMode
  ) throws -> (prototypes: [Double], seconds: Double, finalLoss: Double) {
    var θ = θ0
    var w = [Double](repeating: 0, count: inner.featureCount * inner.classCount)
    var optimizer = AdamOptimizer(learningRate: learningRate)
    let (_, seconds) = try measureSeconds {
      for _ in 0..<steps {
        let gradient: [Double]
        switch mode {
        case .implicit:
          w = gradientDescent(θ, from: w, steps: innerSteps)
          // The iterate is not an exact root: Theorem 1 bounds the error of this hypergradient.
          gradient = try implicitHypergradient(θ, at: w)
        case .unrolled:
          (w, gradient) = unrolledHypergradient(θ, from: w, steps: innerSteps)
        }
        optimizer.step(&θ, gradient: gradient)
      }
    }
    return (θ, seconds, outer.valueAndGradient(trainModel(θ)).value)
  }
}
