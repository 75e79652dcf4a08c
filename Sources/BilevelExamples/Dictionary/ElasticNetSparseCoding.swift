import DualNumbers
import ImplicitDifferentiation
import LinearAlgebra

/// The inner problem of task-driven dictionary learning (§4.3 of Blondel et al.; Mairal et al.
/// 2012): elastic-net sparse codes α (c × n, one column per sample) of the samples X (p × n) in
/// a dictionary D (p × c),
///
///     min_α f(α, D) + g(α),   f = ½‖X − Dα‖²_F,   g = λ₁‖α‖₁ + (λ₂/2)‖α‖²,
///
/// solved by FISTA, and differentiated with respect to D through the proximal-gradient fixed point
/// T(α, D) = prox_{ηg}(α − η∇₁f(α, D)), ∇₁f = Dᵀ(Dα − X), η = 1/‖D‖₂²
/// (``sparseCodingLinearization(dictionary:samples:codes:)``).
public struct ElasticNetSparseCoding: Sendable {
  /// The engine's proximal operator of g (soft thresholding then shrinkage).
  public let proximalOperator: ElasticNetProximalOperator
  public var iterations: Int
  public var tolerance: Double

  public init(l1Strength: Double, l2Strength: Double, iterations: Int = 2_000, tolerance: Double = 1e-12) {
    proximalOperator = ElasticNetProximalOperator(l1Strength: l1Strength, l2Strength: l2Strength)
    self.iterations = iterations
    self.tolerance = tolerance
  }

  /// ∇₁f = Dᵀ(Dα − X) and the residual R = Dα − X.
  func smoothGradient(_ dictionary: Matrix, _ samples: Matrix, _ codes: Matrix) -> (gradient: Matrix, residual: Matrix) {
    var residual = samples
    Matrix.multiply(dictionary, codes, scale: 1, accumulate: -1, into: &residual)
    return (Matrix.product(dictionary, transposing: true, residual), residual)
  }

  /// The codes α*(D) by FISTA from `start` (zero by default).
  public func codes(dictionary: Matrix, samples: Matrix, start: Matrix? = nil) -> Matrix {
    let c = dictionary.columnCount, n = samples.columnCount
    let η = 1 / (dictionary.spectralNormSquared() * 1.01)
    var α = start ?? Matrix(rowCount: c, columnCount: n)
    var previous = α
    var t = 1.0
    // ∇₁f = DᵀDα − DᵀX: the c × c Gram matrix and DᵀX once, so that an iteration costs c²n, not pcn.
    let gram = Matrix.product(dictionary, transposing: true, dictionary)
    let correlation = Matrix.product(dictionary, transposing: true, samples)
    for _ in 0..<iterations {
      let next = (1 + (1 + 4 * t * t).squareRoot()) / 2
      var y = α
      for index in y.elements.indices {
        y.elements[index] += (t - 1) / next * (α.elements[index] - previous.elements[index])
      }
      t = next
      var z = y
      var gradient = correlation
      Matrix.multiply(gram, y, scale: 1, accumulate: -1, into: &gradient)
      for index in z.elements.indices { z.elements[index] -= η * gradient.elements[index] }
      previous = α
      α.elements = proximalOperator(z.elements, [], scaling: η)
      var change = 0.0
      for index in α.elements.indices { change = max(change, abs(α.elements[index] - previous.elements[index])) }
      if change < tolerance { break }
    }
    return α
  }

  /// The linear maps of F(α, D) = T(α, D) − α at the codes α, with parameters D (column-major):
  ///
  ///     A·V = V − d∘(V − ηDᵀDV),           Aᵀ·W = W − (d∘W − ηDᵀD(d∘W)),
  ///     B·Ḋ = −η d∘(ḊᵀR + DᵀḊα),          Bᵀ·W = −η (R W̃ᵀ + D W̃ αᵀ),  W̃ = d∘W,
  ///
  /// with R = Dα − X, z = α − η∇₁f and d = prox′(z), the diagonal Jacobian of the separable
  /// proximal operator, from one dual-number pass seeded with ones. η is held constant (the roots
  /// of F do not depend on it). The products of the smooth part are BLAS calls, which is what makes
  /// p = 1,000 affordable.
  public func sparseCodingLinearization(dictionary: Matrix, samples: Matrix, codes α: Matrix)
    -> SuppliedLinearization
  {
    let c = dictionary.columnCount, n = samples.columnCount, p = dictionary.rowCount
    let η = 1 / (dictionary.spectralNormSquared() * 1.01)
    let (gradient, residual) = smoothGradient(dictionary, samples, α)
    let seeded = α.elements.indices.map { Dual(α.elements[$0] - η * gradient.elements[$0], tangent: 1) }
    let slopes = proximalOperator(seeded, [], scaling: Dual(η)).map(\.tangent)
    let gram = Matrix.product(dictionary, transposing: true, dictionary)
    func codesMatrix(_ v: [Double]) -> Matrix { Matrix(rowCount: c, columnCount: n, elements: v) }
    return SuppliedLinearization(
      stateDimension: c * n, parameterDimension: p * c, structure: .general,
      productA: { v in
        let curvature = Matrix.product(gram, codesMatrix(v))
        return v.indices.map { v[$0] - slopes[$0] * (v[$0] - η * curvature.elements[$0]) }
      },
      transposeProductA: { w in
        let scaled = codesMatrix(w.indices.map { slopes[$0] * w[$0] })
        let curvature = Matrix.product(gram, scaled)
        return w.indices.map { w[$0] - scaled.elements[$0] + η * curvature.elements[$0] }
      },
      productB: { u in
        let tangent = Matrix(rowCount: p, columnCount: c, elements: u)
        var change = Matrix.product(tangent, transposing: true, residual)
        let mixed = Matrix.product(tangent, α)
        Matrix.multiply(dictionary, transposing: true, mixed, accumulate: 1, into: &change)
        return change.elements.indices.map { -η * slopes[$0] * change.elements[$0] }
      },
      transposeProductB: { w in
        let scaled = codesMatrix(w.indices.map { slopes[$0] * w[$0] })
        var result = Matrix.product(residual, transposing: false, scaled, transposing: true, scale: -η)
        let projected = Matrix.product(dictionary, scaled)
        Matrix.multiply(projected, transposing: false, α, transposing: true, scale: -η, accumulate: 1, into: &result)
        return result.elements
      })
  }
}
