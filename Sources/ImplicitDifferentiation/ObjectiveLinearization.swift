import DualNumbers

/// The linear maps of F = c·∇₁f(x, θ) for an objective f and a constant c, by reverse over forward.
///
///     A = −c·∇²₁₁f(x, θ)   (symmetric),    B = c·∂₂∇₁f(x, θ).
///
/// Every product is one evaluation of f on `Dual<TapeScalar<Double>>` and one reverse sweep:
/// seeding the forward tangent with v along x makes the tangent of f equal to ∇₁f·v, and sweeping it
/// gives ∇₁(∇₁f·v) = ∇²₁₁f·v together with ∇₂(∇₁f·v) = (∂₂∇₁f)ᵀ·v. So A·v and Bᵀ·w come from the
/// same kind of pass, and B·u from seeding the tangent along θ instead:
/// ∇₁(∇₂f·u) = ∂₂∇₁f·u. The cost of each product is a small multiple of one evaluation of f,
/// independent of d and of n.
///
/// c = 1 is the stationary-point condition; c = −η the gradient-descent fixed point (F = T − x with
/// T = x − η∇₁f).
public struct ObjectiveLinearization<Function: Objective>: OptimalityLinearization {
  public let objective: Function
  public let state: [Double]
  public let parameters: [Double]
  /// The constant c in F = c·∇₁f.
  public let gradientScale: Double
  public let structure: LinearMapStructure
  @usableFromInline let cache = LinearizationCache<Never>()

  /// - Parameters:
  ///   - objective: f.
  ///   - state: the point x (normally the solution x*).
  ///   - parameters: θ.
  ///   - gradientScale: c in F = c·∇₁f.
  ///   - structure: defaults to what a strict local minimum gives: −c·∇²f is negative definite for
  ///     c > 0 and positive definite for c < 0. Pass `.symmetric` at saddle points.
  public init(
    objective: Function, state: [Double], parameters: [Double], gradientScale: Double = 1,
    structure: LinearMapStructure? = nil
  ) {
    self.objective = objective
    self.state = state
    self.parameters = parameters
    self.gradientScale = gradientScale
    self.structure = structure
      ?? (gradientScale > 0 ? .symmetricNegativeDefinite : .symmetricPositiveDefinite)
  }

  public var stateDimension: Int { state.count }
  public var parameterDimension: Int { parameters.count }
  public var counts: EvaluationCounts { cache.counts }

  /// (∇₁(∇f·t), ∇₂(∇f·t)) for the tangent t = (v, u) of (x, θ): exact second-order products in one
  /// reverse-over-forward pass.
  @inlinable
  public func secondOrderProducts(stateTangent v: [Double]?, parameterTangent u: [Double]?)
    -> (state: [Double], parameters: [Double])
  {
    cache.counts.tapeRecordings += 1
    cache.counts.reverseSweeps += 1
    let tape = Tape<Double>()
    var x = [Dual<TapeScalar<Double>>]()
    x.reserveCapacity(state.count)
    for index in state.indices {
      x.append(Dual(tape.variable(state[index]), tangent: TapeScalar(constant: v?[index] ?? 0)))
    }
    var θ = [Dual<TapeScalar<Double>>]()
    θ.reserveCapacity(parameters.count)
    for index in parameters.indices {
      θ.append(Dual(tape.variable(parameters[index]), tangent: TapeScalar(constant: u?[index] ?? 0)))
    }
    let directional = objective(x, θ).tangent
    let adjoint = tape.adjoints(seeding: [directional], with: [1])
    return (x.map { adjoint[$0.value.index] }, θ.map { adjoint[$0.value.index] })
  }

  public func applyA(_ v: [Double]) -> [Double] {
    precondition(v.count == state.count, "vector of \(v.count) for a state of \(state.count)")
    return secondOrderProducts(stateTangent: v, parameterTangent: nil).state.map { -gradientScale * $0 }
  }

  public func applyATranspose(_ w: [Double]) -> [Double] { applyA(w) }

  public func applyB(_ u: [Double]) -> [Double] {
    precondition(u.count == parameters.count, "vector of \(u.count) for \(parameters.count) parameters")
    return secondOrderProducts(stateTangent: nil, parameterTangent: u).state.map { gradientScale * $0 }
  }

  public func applyBTranspose(_ w: [Double]) -> [Double] {
    precondition(w.count == state.count, "vector of \(w.count) for a state of \(state.count)")
    return secondOrderProducts(stateTangent: w, parameterTangent: nil).parameters.map {
      gradientScale * $0
    }
  }
}
