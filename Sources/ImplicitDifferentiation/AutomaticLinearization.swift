import DualNumbers

/// The linear maps of a generic root mapping F at (x, θ), by automatic differentiation.
///
/// - A·v = −∂₁F·v and B·u = ∂₂F·u: one forward-mode evaluation of F on `Dual<Double>` each.
/// - Aᵀ·w = −∂₁Fᵀ·w and Bᵀ·w = ∂₂Fᵀ·w: F is recorded once on a ``Tape`` (x and θ both inputs) on
///   first use; every product is then one reverse sweep seeded with w, so a Krylov solve with Aᵀ
///   never evaluates F again, and wᵀB costs one sweep whatever dim θ is.
///
/// When F itself contains a gradient (``StationaryPoint`` inside a fixed-point map), these products
/// are forward over reverse and reverse over reverse, still exact.
public struct AutomaticLinearization<Mapping: RootMapping>: OptimalityLinearization {
  /// A recorded evaluation of F: the tape, its inputs and outputs.
  @usableFromInline
  struct Recording {
    @usableFromInline let tape: Tape<Double>
    @usableFromInline let stateInputs: [TapeScalar<Double>]
    @usableFromInline let parameterInputs: [TapeScalar<Double>]
    @usableFromInline let outputs: [TapeScalar<Double>]
  }

  public let mapping: Mapping
  /// The point x at which F is linearised (normally the root x*).
  public let state: [Double]
  /// The parameters θ.
  public let parameters: [Double]
  public let structure: LinearMapStructure
  @usableFromInline let cache = LinearizationCache<Recording>()

  /// Linearises F at (x, θ); `structure` may declare a known symmetry of A.
  public init(
    mapping: Mapping, state: [Double], parameters: [Double], structure: LinearMapStructure = .general
  ) {
    self.mapping = mapping
    self.state = state
    self.parameters = parameters
    self.structure = structure
  }

  public var stateDimension: Int { state.count }
  public var parameterDimension: Int { parameters.count }

  /// The evaluations of F spent so far by the products of this linearization (and its copies).
  public var counts: EvaluationCounts { cache.counts }

  /// The number of nodes of the recorded tape (0 before the first reverse product): the cost of
  /// one reverse sweep.
  public var tapeLength: Int { cache.recording?.tape.count ?? 0 }

  /// F's output tangent along (v, u): ∂₁F·v + ∂₂F·u.
  @inlinable
  func forwardProduct(stateTangent: [Double]?, parameterTangent: [Double]?) -> [Double] {
    cache.counts.forwardEvaluations += 1
    var x = state.map { Dual<Double>(constant: $0) }
    if let stateTangent {
      precondition(stateTangent.count == state.count, "tangent of \(stateTangent.count) for a state of \(state.count)")
      for index in x.indices { x[index].tangent = stateTangent[index] }
    }
    var θ = parameters.map { Dual<Double>(constant: $0) }
    if let parameterTangent {
      precondition(parameterTangent.count == parameters.count,
                   "tangent of \(parameterTangent.count) for \(parameters.count) parameters")
      for index in θ.indices { θ[index].tangent = parameterTangent[index] }
    }
    let output = mapping(x, θ)
    precondition(output.count == state.count,
                 "the optimality mapping returned \(output.count) components for a state of \(state.count)")
    return output.map(\.tangent)
  }

  @usableFromInline
  func recording() -> Recording {
    if let recording = cache.recording { return recording }
    cache.counts.tapeRecordings += 1
    let tape = Tape<Double>()
    let x = tape.variables(state)
    let θ = tape.variables(parameters)
    let output = mapping(x, θ)
    precondition(output.count == state.count,
                 "the optimality mapping returned \(output.count) components for a state of \(state.count)")
    let recording = Recording(tape: tape, stateInputs: x, parameterInputs: θ, outputs: output)
    cache.recording = recording
    return recording
  }

  /// (∂₁Fᵀ·w, ∂₂Fᵀ·w) in one reverse sweep.
  @inlinable
  public func pullback(_ w: [Double]) -> (state: [Double], parameters: [Double]) {
    precondition(w.count == state.count, "cotangent of \(w.count) for a state of \(state.count)")
    let recording = recording()
    cache.counts.reverseSweeps += 1
    let adjoint = recording.tape.adjoints(seeding: recording.outputs, with: w)
    func gather(_ inputs: [TapeScalar<Double>]) -> [Double] {
      inputs.map { adjoint[$0.index] }
    }
    return (gather(recording.stateInputs), gather(recording.parameterInputs))
  }

  public func applyA(_ v: [Double]) -> [Double] {
    forwardProduct(stateTangent: v, parameterTangent: nil).map { -$0 }
  }

  public func applyATranspose(_ w: [Double]) -> [Double] {
    if structure.isSymmetric { return applyA(w) }
    return pullback(w).state.map { -$0 }
  }

  public func applyB(_ u: [Double]) -> [Double] {
    forwardProduct(stateTangent: nil, parameterTangent: u)
  }

  public func applyBTranspose(_ w: [Double]) -> [Double] {
    pullback(w).parameters
  }
}
