import DualNumbers

/// An optimality mapping F(x, θ) whose root x*(θ), F(x*(θ), θ) = 0, is the output of a solver.
///
/// F is written once, generically over `RealScalar`: the engine evaluates it on `Double` for
/// values, on `Dual` for the products A·v and B·v (forward mode) and on ``TapeScalar`` for Aᵀ·w and
/// wᵀB (reverse mode), where A = −∂₁F(x*, θ) and B = ∂₂F(x*, θ). F must return as many components as
/// x has (the implicit function theorem needs a square ∂₁F).
///
/// A mapping may override ``linearization(at:_:)`` to supply its linear maps some other way, for
/// instance from a hand-written Hessian-vector product or from structure (a symmetric A).
public protocol RootMapping {
  /// F(x, θ).
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S]

  /// The linear maps A = −∂₁F(x, θ) and B = ∂₂F(x, θ) at a point (normally the root x*).
  ///
  /// The default is ``AutomaticLinearization``: forward mode for A·v and B·v, one recorded tape and
  /// one reverse sweep per product for Aᵀ·w and wᵀB.
  func linearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization
}

extension RootMapping {
  public func linearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization {
    AutomaticLinearization(mapping: self, state: x, parameters: θ)
  }
}
