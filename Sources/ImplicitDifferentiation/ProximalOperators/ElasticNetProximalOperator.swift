import DualNumbers

/// The proximal operator of the elastic-net penalty g(x) = λ‖x‖₁ + (γ/2)‖x‖².
///
///     prox_{ηg}(y)ᵢ = argmin_x ½‖x − y‖² + η(λ‖x‖₁ + (γ/2)‖x‖²)
///                   = sign(yᵢ) max(|yᵢ| − ηλ, 0) / (1 + ηγ):
///
/// soft thresholding followed by the ridge shrinkage. θ = [λ, γ], or [] for the stored pair.
///
/// Convention: λ and γ weight the two terms independently (the usual statistics form).
/// jaxopt's `prox_elastic_net(x, (λ', γ'), η)` uses g = λ'(‖x‖₁ + (γ'/2)‖x‖²) instead, i.e. our
/// (λ, γ) = (λ', λ'γ').
public struct ElasticNetProximalOperator: ProximalOperator {
  /// λ used when θ is empty; `nil` requires θ.
  public let l1Strength: Double?
  /// γ used when θ is empty.
  public let l2Strength: Double?

  /// Strengths given in θ = [λ, γ] at each call.
  @inlinable
  public init() {
    l1Strength = nil
    l2Strength = nil
  }

  /// Stored strengths, used when θ is empty.
  @inlinable
  public init(l1Strength: Double, l2Strength: Double) {
    precondition(l1Strength >= 0 && l2Strength >= 0, "elastic-net strengths must be non-negative")
    self.l1Strength = l1Strength
    self.l2Strength = l2Strength
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S], scaling η: S) -> [S] {
    let λ: S
    let γ: S
    if parameters.isEmpty {
      guard let l1Strength, let l2Strength else {
        preconditionFailure("ElasticNetProximalOperator() needs θ = [λ, γ]")
      }
      λ = S(l1Strength)
      γ = S(l2Strength)
    } else {
      precondition(parameters.count == 2, "θ must be [λ, γ], got \(parameters.count) values")
      λ = parameters[0]
      γ = parameters[1]
    }
    let threshold = η * λ
    let shrinkage = 1 + η * γ
    precondition(threshold.primalValue >= 0 && shrinkage.primalValue >= 1,
                 "η, λ and γ must be non-negative")
    return y.map { ProximalKernels.softThreshold($0, threshold) / shrinkage }
  }
}
