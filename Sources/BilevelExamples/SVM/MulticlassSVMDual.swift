import Foundation

/// The dual of the multiclass linear SVM with ℓ2 regularisation λ = e^θ (§4.1 of Blondel et al.;
/// jaxopt's `multiclass_linear_svm_dual`), over β in the product of m simplices (one per row):
///
///     f(β, θ) = (e^{−θ}/2) ‖Xᵀ(β − Y)‖²_F + ⟨β, Y⟩ + (μ/2)‖β‖²,
///     ∇₁f = e^{−θ} X Xᵀ(β − Y) + Y + μβ,   ∇²₁₁f·V = e^{−θ} X XᵀV + μV,
///     ∂θ∇₁f = −e^{−θ} X Xᵀ(β − Y),
///
/// The small dual ridge μ (the dual of a smoothed multiclass hinge loss) makes f strongly convex
/// when p < m, where XXᵀ is singular: without it β* is not unique and A = −∂₁F is singular
/// (the implicit function theorem does not apply and GMRES stalls).
///
/// with the primal weights W(β, θ) = e^{−θ} Xᵀ(Y − β). The products with X and Xᵀ are BLAS
/// calls on the m × p data: generic-scalar evaluation at p = 5,000 would be far too slow, so the
/// fixed points of this problem use caller-supplied products (`RowwiseFixedPointLinearization`).
public struct MulticlassSVMDual: Sendable {
  /// X, m × p.
  public let features: Matrix
  /// Xᵀ, p × m, so that a sample's features are contiguous for block coordinate descent.
  public let featuresTransposed: Matrix
  /// Y, m × k one-hot.
  public let labels: Matrix
  /// ‖X‖₂²: e^{−θ}‖X‖₂² is the Lipschitz constant of ∇₁f.
  public let spectralNormSquared: Double
  /// ‖Xᵢ‖² for each row, the Lipschitz constants of the row blocks (times e^{−θ}).
  public let rowNormsSquared: [Double]

  /// μ ≥ 0, the dual ridge.
  public let dualRidge: Double

  public init(features: Matrix, labels: Matrix, dualRidge: Double = 0.1) {
    self.dualRidge = dualRidge
    self.features = features
    featuresTransposed = features.transposed
    self.labels = labels
    spectralNormSquared = features.spectralNormSquared() * 1.01
    rowNormsSquared = (0..<features.rowCount).map { i in
      (0..<features.columnCount).reduce(0) { $0 + features[i, $1] * features[i, $1] }
    }
  }

  public var sampleCount: Int { labels.rowCount }
  public var classCount: Int { labels.columnCount }

  /// X Xᵀ V for an m × c matrix V (two gemm calls, never forming the m × m kernel).
  public func kernelProduct(_ v: Matrix) -> Matrix {
    let projected = Matrix.product(features, transposing: true, v)
    return Matrix.product(features, projected)
  }

  /// β − Y.
  func centred(_ β: Matrix) -> Matrix {
    var difference = β
    for index in difference.elements.indices { difference.elements[index] -= labels.elements[index] }
    return difference
  }

  /// f(β, θ).
  public func value(_ β: Matrix, _ θ: Double) -> Double {
    let projected = Matrix.product(features, transposing: true, centred(β))
    return 0.5 * Foundation.exp(-θ) * dotProduct(projected.elements, projected.elements)
      + dotProduct(β.elements, labels.elements) + 0.5 * dualRidge * dotProduct(β.elements, β.elements)
  }

  /// ∇₁f(β, θ).
  public func gradient(_ β: Matrix, _ θ: Double) -> Matrix {
    var result = kernelProduct(centred(β))
    let scale = Foundation.exp(-θ)
    for index in result.elements.indices {
      result.elements[index] = scale * result.elements[index] + labels.elements[index]
        + dualRidge * β.elements[index]
    }
    return result
  }

  /// ∇²₁₁f·V = e^{−θ} X XᵀV + μV.
  public func hessianProduct(_ v: Matrix, _ θ: Double) -> Matrix {
    var result = kernelProduct(v)
    let scale = Foundation.exp(-θ)
    for index in result.elements.indices {
      result.elements[index] = scale * result.elements[index] + dualRidge * v.elements[index]
    }
    return result
  }

  /// ∂θ∇₁f(β, θ) = −e^{−θ}XXᵀ(β − Y).
  public func mixedDerivative(_ β: Matrix, _ θ: Double) -> Matrix {
    var result = kernelProduct(centred(β))
    let scale = -Foundation.exp(-θ)
    for index in result.elements.indices { result.elements[index] *= scale }
    return result
  }

  /// W(β, θ) = e^{−θ}Xᵀ(Y − β), p × k.
  public func primalWeights(_ β: Matrix, _ θ: Double) -> Matrix {
    Matrix.product(features, transposing: true, centred(β), scale: -Foundation.exp(-θ))
  }

  /// The step size η = 1/L, L = e^{−θ}‖X‖₂² + μ = λ_max(∇²₁₁f) (with a 1% margin on the power
  /// iteration's ‖X‖₂²).
  ///
  /// It serves projected gradient (descent lemma in ℓ2) and entropic mirror descent alike: on
  /// each simplex KL(β′‖β) ≥ ½‖β′ − β‖₁² ≥ ½‖β′ − β‖₂² (Pinsker), so f is L-smooth relative to
  /// the summed entropy and the mirror step with η = 1/L decreases f monotonically (Bauschke,
  /// Bolte & Teboulle 2017; Lu, Freund & Nesterov 2018).
  public func stepSize(_ θ: Double) -> Double { 1 / (Foundation.exp(-θ) * spectralNormSquared + dualRidge) }

  /// dη/dθ = η² e^{−θ}‖X‖₂², for unrolled differentiation (the step size depends on θ).
  public func stepSizeDerivative(_ θ: Double) -> Double {
    let η = stepSize(θ)
    return η * η * Foundation.exp(-θ) * spectralNormSquared
  }

  /// The relative projected-gradient residual
  ///
  ///     r(β) = ‖β − P_Δ(β − η∇₁f(β, θ))‖_F / ‖β‖_F,   η = 1/L,
  ///
  /// given ∇₁f(β, θ). It vanishes exactly at the minimiser (for any η > 0, the fixed-point form of
  /// the KKT conditions) and bounds the distance to it: f is μ-strongly convex, so T is a
  /// (1 − μ/L)-contraction and ‖β − β*‖ ≤ (L/μ)‖β − T(β)‖. Every inner solver stops on this one measure, so their
  /// solutions are equally accurate whatever their own update (mirror descent's own fixed-point
  /// residual would stay small on the boundary at points that are not optimal).
  public func projectedGradientResidual(_ β: Matrix, gradient: Matrix, _ θ: Double) -> Double {
    let η = stepSize(θ)
    var scaledGradient = gradient
    for index in scaledGradient.elements.indices { scaledGradient.elements[index] *= η }
    let image = ProjectedGradientStep().apply(β, scaledGradient)
    var difference = 0.0
    for index in β.elements.indices {
      let change = β.elements[index] - image.elements[index]
      difference += change * change
    }
    return (difference / dotProduct(β.elements, β.elements)).squareRoot()
  }

  /// The feasible starting point: every row uniform on its simplex (interior, as mirror descent
  /// requires).
  public var uniformStart: Matrix {
    Matrix(rowCount: sampleCount, columnCount: classCount,
           elements: [Double](repeating: 1 / Double(classCount), count: sampleCount * classCount))
  }
}

/// The outer (validation) loss of the SVM hyperparameter search: the squared error of the
/// primal model's scores against one-hot labels,
///
///     L(W) = (1/2m_v) ‖X_v W − Y_v‖²_F,   ∇_W L = X_vᵀ(X_v W − Y_v)/m_v.
public struct SVMValidationLoss: Sendable {
  public let features: Matrix
  public let labels: Matrix

  /// μ ≥ 0, the dual ridge.
  public let dualRidge: Double

  public init(features: Matrix, labels: Matrix, dualRidge: Double = 0.1) {
    self.dualRidge = dualRidge
    self.features = features
    self.labels = labels
  }

  func residual(_ weights: Matrix) -> Matrix {
    var scores = Matrix.product(features, weights)
    for index in scores.elements.indices { scores.elements[index] -= labels.elements[index] }
    return scores
  }

  public func value(_ weights: Matrix) -> Double {
    let r = residual(weights)
    return 0.5 * dotProduct(r.elements, r.elements) / Double(labels.rowCount)
  }

  public func gradient(_ weights: Matrix) -> Matrix {
    Matrix.product(features, transposing: true, residual(weights), scale: 1 / Double(labels.rowCount))
  }
}
