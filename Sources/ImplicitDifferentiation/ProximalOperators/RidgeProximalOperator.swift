import DualNumbers

/// The proximal operator of the ridge penalty g(x) = (λ/2)‖x‖²
/// (jaxopt's `prox_ridge(x, l2reg=λ, scaling=η)`).
///
///     prox_{ηg}(y) = argmin_x ½‖x − y‖² + (ηλ/2)‖x‖² = y / (1 + ηλ).
///
/// θ = [λ], or [] for the stored strength. ∂/∂y = I/(1 + ηλ), ∂/∂λ = −η y/(1 + ηλ)².
public struct RidgeProximalOperator: ProximalOperator {
  /// λ used when θ is empty; `nil` requires θ.
  public let strength: Double?

  @inlinable
  public init(strength: Double? = nil) {
    precondition(strength.map { $0 >= 0 } ?? true, "the ridge strength must be non-negative")
    self.strength = strength
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S], scaling η: S) -> [S] {
    let λ: S = ProjectionKernels.scalarParameter(parameters, stored: strength, name: "λ")
    let factor = 1 / (1 + η * λ)
    precondition(factor.primalValue > 0 && factor.primalValue <= 1, "η·λ must be non-negative")
    return y.map { $0 * factor }
  }
}
