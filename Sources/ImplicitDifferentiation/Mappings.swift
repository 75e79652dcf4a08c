import DualNumbers

/// An optimality mapping F(x, θ) whose root x*(θ), F(x*(θ), θ) = 0, is the output of a solver.
///
/// F is written once, generically over ``RealScalar``: the engine evaluates it on `Double` for
/// values, on ``Dual`` for the products A·v and B·v (forward mode) and on ``TapeScalar`` for Aᵀ·w and
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

/// A fixed-point map T(x, θ): solvers iterate x ← T(x, θ); x* = T(x*, θ) is the root of
/// F(x, θ) = T(x, θ) − x (see ``FixedPointResidual``).
public protocol FixedPointMapping {
  /// T(x, θ), with as many components as x.
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S]

  /// The linear maps of F = T − x at (x, θ): A = I − ∂₁T, B = ∂₂T.
  ///
  /// The default differentiates T automatically (``AutomaticLinearization`` of
  /// ``FixedPointResidual``); maps with known structure override it (the gradient-descent map has a
  /// symmetric A, Newton's map has A = ηI at its fixed point).
  func residualLinearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization
}

extension FixedPointMapping {
  public func residualLinearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization {
    AutomaticLinearization(mapping: FixedPointResidual(self), state: x, parameters: θ)
  }
}

/// A scalar objective f(x, θ); its stationary points are the roots of F = ∇₁f (see ``StationaryPoint``).
public protocol Objective {
  /// f(x, θ).
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> S
}

/// A vector-valued constraint function of the primal variables and the parameters: the equality
/// constraints H(z, θ) = 0 or the inequality constraints G(z, θ) ≤ 0 of ``KarushKuhnTuckerConditions``.
public protocol ConstraintMapping {
  /// The number of constraints (the number of components returned).
  var constraintCount: Int { get }
  /// The constraint values at (z, θ).
  func callAsFunction<S: RealScalar>(_ z: [S], _ θ: [S]) -> [S]
}

/// No constraints: the placeholder for a problem without equality or without inequality constraints.
public struct NoConstraints: ConstraintMapping, Sendable {
  public init() {}
  public var constraintCount: Int { 0 }
  @inlinable
  public func callAsFunction<S: RealScalar>(_ z: [S], _ θ: [S]) -> [S] { [] }
}

/// The root mapping F(x, θ) = T(x, θ) − x of a fixed-point map T: custom_fixed_point of JAXopt.
///
/// A = −∂₁F = I − ∂₁T and B = ∂₂F = ∂₂T.
public struct FixedPointResidual<Map: FixedPointMapping>: RootMapping {
  /// The fixed-point map T.
  public var map: Map

  public init(_ map: Map) { self.map = map }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    var image = map(x, θ)
    precondition(image.count == x.count,
                 "the fixed-point map returned \(image.count) components for a state of \(x.count)")
    for index in image.indices { image[index] -= x[index] }
    return image
  }

  /// The fixed-point map's own linearization (see ``FixedPointMapping/residualLinearization(at:_:)``).
  public func linearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization {
    map.residualLinearization(at: x, θ)
  }
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
