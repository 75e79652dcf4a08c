import DualNumbers

/// The proximal operator of the lasso penalty g(x) = λ‖x‖₁: soft thresholding
/// (jaxopt's `prox_lasso(x, l1reg=λ, scaling=η)`).
///
///     prox_{ηg}(y)ᵢ = argmin_x ½‖x − y‖² + η λ‖x‖₁ = sign(yᵢ) max(|yᵢ| − ηλᵢ, 0).
///
/// θ = [λ] (one strength for every component), θ = [λ₁, …, λ_d] (per-component strengths), or
/// θ = [] to use the stored strength. ∂/∂yᵢ = 𝟙[|yᵢ| > ηλᵢ], ∂/∂λᵢ = −η sign(yᵢ) on that set.
public struct LassoProximalOperator: ProximalOperator {
  /// λ used when θ is empty; `nil` requires θ.
  public let strength: Double?

  @inlinable
  public init(strength: Double? = nil) {
    precondition(strength.map { $0 >= 0 } ?? true, "the lasso strength must be non-negative")
    self.strength = strength
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S], scaling η: S) -> [S] {
    let perComponent = parameters.count == y.count && parameters.count > 1
    let shared: S = perComponent
      ? S(0) : ProjectionKernels.scalarParameter(parameters, stored: strength, name: "λ")
    var result = y
    for index in y.indices {
      let threshold = η * (perComponent ? parameters[index] : shared)
      precondition(threshold.primalValue >= 0, "η·λ must be non-negative")
      result[index] = ProximalKernels.softThreshold(y[index], threshold)
    }
    return result
  }
}

/// Scalar kernels shared by the proximal operators.
@usableFromInline
internal enum ProximalKernels {
  /// sign(y) max(|y| − t, 0) for t ≥ 0; at |y| = t the zero branch is taken.
  @inlinable
  static func softThreshold<S: RealScalar>(_ y: S, _ threshold: S) -> S {
    if y > threshold { return y - threshold }
    if y < -threshold { return y + threshold }
    return S(0)
  }
}
