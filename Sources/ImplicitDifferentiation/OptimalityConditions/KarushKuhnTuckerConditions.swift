import DualNumbers

/// The KKT conditions of min_z f(z, θ) subject to H(z, θ) = 0 and G(z, θ) ≤ 0 (Table 1 of
/// Blondel et al.), as a root mapping of the stacked unknown x = (z, ν, λ):
///
///     F(x, θ) = ( ∇_z L(z, ν, λ, θ),  H(z, θ),  λ ∘ G(z, θ) ),
///     L = f(z, θ) + νᵀH(z, θ) + λᵀG(z, θ).
///
/// Stationarity of the Lagrangian, primal feasibility of the equalities and complementary slackness
/// (λᵢ Gᵢ(z) = 0). Strict complementarity (λᵢ > 0 on active constraints) makes ∂₁F invertible.
/// ∇_z L and the constraint values come from one reverse-mode recording of L.
public struct KarushKuhnTuckerConditions<
  Function: Objective, Equalities: ConstraintMapping, Inequalities: ConstraintMapping
>: RootMapping {
  public var objective: Function
  /// H, the equality constraints H(z, θ) = 0.
  public var equalities: Equalities
  /// G, the inequality constraints G(z, θ) ≤ 0.
  public var inequalities: Inequalities
  /// The number of primal variables z.
  public var primalDimension: Int

  public init(
    objective: Function, equalities: Equalities, inequalities: Inequalities, primalDimension: Int
  ) {
    self.objective = objective
    self.equalities = equalities
    self.inequalities = inequalities
    self.primalDimension = primalDimension
  }

  /// d = dim z + number of equalities + number of inequalities.
  public var stateDimension: Int {
    primalDimension + equalities.constraintCount + inequalities.constraintCount
  }

  /// Splits x = (z, ν, λ).
  public func split<S>(_ x: [S]) -> (primal: [S], equalityDuals: [S], inequalityDuals: [S]) {
    precondition(x.count == stateDimension,
                 "KKT state of \(x.count) components, expected \(stateDimension)")
    let equalityEnd = primalDimension + equalities.constraintCount
    return (Array(x[0..<primalDimension]), Array(x[primalDimension..<equalityEnd]),
            Array(x[equalityEnd...]))
  }

  /// Stacks (z, ν, λ) into x.
  public func stack(primal: [Double], equalityDuals: [Double], inequalityDuals: [Double]) -> [Double] {
    primal + equalityDuals + inequalityDuals
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    let (z, ν, λ) = split(x)
    let tape = Tape<S>()
    let primal = tape.variables(z)
    let parameters = θ.map { TapeScalar<S>(constant: $0) }
    let equalityValues = equalities(primal, parameters)
    let inequalityValues = inequalities(primal, parameters)
    precondition(equalityValues.count == ν.count && inequalityValues.count == λ.count,
                 "constraint functions returned a different number of values than declared")
    var lagrangian = objective(primal, parameters)
    for index in ν.indices { lagrangian += TapeScalar(constant: ν[index]) * equalityValues[index] }
    for index in λ.indices { lagrangian += TapeScalar(constant: λ[index]) * inequalityValues[index] }
    var residual = tape.pullback(of: [lagrangian], cotangent: [S(1)], withRespectTo: primal)
    residual.reserveCapacity(x.count)
    for value in equalityValues { residual.append(value.value) }
    for index in λ.indices { residual.append(λ[index] * inequalityValues[index].value) }
    return residual
  }
}
