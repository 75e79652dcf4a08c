import DualNumbers

/// A scalar objective f(x, θ); its stationary points are the roots of F = ∇₁f (see ``StationaryPoint``).
public protocol Objective {
  /// f(x, θ).
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> S
}

extension Objective {
  /// f(x, θ) and ∇₁f(x, θ), generically over the scalar type: one recording on a fresh ``Tape`` and
  /// one reverse sweep, whatever the dimension of x.
  ///
  /// Evaluated on `Dual<Double>` this is forward over reverse (a Hessian-vector product in the
  /// tangents); on ``TapeScalar`` it is reverse over reverse.
  @inlinable
  public func valueAndGradient<S: RealScalar>(_ x: [S], _ θ: [S]) -> (value: S, gradient: [S]) {
    let tape = Tape<S>()
    let variables = tape.variables(x)
    let constants = θ.map { TapeScalar<S>(constant: $0) }
    let value = self(variables, constants)
    return (value.value, tape.pullback(of: [value], cotangent: [S(1)], withRespectTo: variables))
  }

  /// ∇₁f(x, θ), generically over the scalar type (see ``valueAndGradient(_:_:)``).
  @inlinable
  public func gradient<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    valueAndGradient(x, θ).gradient
  }

  /// ∇₂f(x, θ), the gradient with respect to the parameters, in one reverse sweep.
  @inlinable
  public func parameterGradient<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    let tape = Tape<S>()
    let constants = x.map { TapeScalar<S>(constant: $0) }
    let variables = tape.variables(θ)
    let value = self(constants, variables)
    return tape.pullback(of: [value], cotangent: [S(1)], withRespectTo: variables)
  }
}
