import LinearAlgebra

/// What is known about A = −∂₁F(x*, θ); it decides which products are needed (Aᵀ = A for symmetric
/// A) and which Krylov method the default solver picks.
public enum LinearMapStructure: Sendable, Equatable, CustomStringConvertible {
  /// Nothing known: Aᵀ·w is computed separately (reverse mode); GMRES or BiCGSTAB.
  case general
  /// A = Aᵀ, possibly indefinite (a saddle point): Aᵀ·w = A·w; MINRES.
  case symmetric
  /// A = Aᵀ ≻ 0 (for instance the Hessian of the energy when F is the force −∇E): CG.
  case symmetricPositiveDefinite
  /// A = Aᵀ ≺ 0 (for instance −∇²f when F = ∇f at a strict minimum): CG on −A.
  case symmetricNegativeDefinite

  /// `true` when Aᵀ = A.
  public var isSymmetric: Bool { self != .general }

  public var description: String {
    switch self {
    case .general: return "general"
    case .symmetric: return "symmetric"
    case .symmetricPositiveDefinite: return "symmetric positive definite"
    case .symmetricNegativeDefinite: return "symmetric negative definite"
    }
  }
}

/// The linear maps of an optimality mapping F at a point (x, θ), never formed as matrices:
///
///     A = −∂₁F(x, θ)  (d × d),   B = ∂₂F(x, θ)  (d × n).
///
/// Implicit differentiation only ever needs the four products A·v, Aᵀ·w, B·u and Bᵀ·w (the row
/// vector wᵀB, returned as a column). ``AutomaticLinearization`` and ``ObjectiveLinearization``
/// derive them from F by automatic differentiation; ``SuppliedLinearization`` takes them from the
/// caller (a simulation code's own Hessian-vector product).
public protocol OptimalityLinearization {
  /// d, the number of components of x (and of F).
  var stateDimension: Int { get }
  /// n, the number of components of θ.
  var parameterDimension: Int { get }
  /// What is known about A; a symmetric structure makes ``applyATranspose(_:)`` reuse ``applyA(_:)``.
  var structure: LinearMapStructure { get }
  /// A·v = −∂₁F·v for v of length d.
  func applyA(_ v: [Double]) -> [Double]
  /// result ← A·v, reusing `result`'s storage when it has length d: the form the solvers call once
  /// per iteration. The default assigns ``applyA(_:)``; a conformer whose product can write in place
  /// (a particle code's Hessian) overrides it so that a solve allocates nothing per product.
  func applyA(_ v: [Double], into result: inout [Double])
  /// Aᵀ·w = −∂₁Fᵀ·w for w of length d.
  func applyATranspose(_ w: [Double]) -> [Double]
  /// B·u = ∂₂F·u for u of length n.
  func applyB(_ u: [Double]) -> [Double]
  /// Bᵀ·w = (wᵀ∂₂F)ᵀ for w of length d: one product whatever n is.
  func applyBTranspose(_ w: [Double]) -> [Double]
  /// A·V = [A·v₁ … A·v_k] for a block of k vectors of length d, in one call.
  ///
  /// The default applies ``applyA(_:)`` to each column. A conformer whose product is a pass over a
  /// large structure (a particle code's loop over its pairs) overrides it to make one pass for all k
  /// vectors: ``rootJacobianVectorProducts(_:parameterTangents:linearSolver:nullSpace:)`` calls it
  /// once per iteration of a block solver.
  func applyA(block vectors: [[Double]]) -> [[Double]]
  /// results ← A·V, reusing the storage of `results`' columns when they have length d: the form a
  /// block solver calls once per iteration. The default assigns ``applyA(block:)``; a conformer
  /// whose block product can write in place overrides it.
  func applyA(block vectors: [[Double]], into results: inout [[Double]])
  /// B·U = [B·u₁ … B·u_k] for a block of k vectors of length n, in one call; the default applies
  /// ``applyB(_:)`` to each column.
  func applyB(block vectors: [[Double]]) -> [[Double]]
}

extension OptimalityLinearization {
  /// result ← ``applyA(_:)``.
  public func applyA(_ v: [Double], into result: inout [Double]) { result = applyA(v) }

  /// A·V column by column.
  public func applyA(block vectors: [[Double]]) -> [[Double]] { vectors.map { applyA($0) } }
  /// results ← ``applyA(block:)``.
  public func applyA(block vectors: [[Double]], into results: inout [[Double]]) {
    results = applyA(block: vectors)
  }
  /// B·U column by column.
  public func applyB(block vectors: [[Double]]) -> [[Double]] { vectors.map { applyB($0) } }
}

extension OptimalityLinearization {
  /// A (or −A, with `negated`) as a matrix-free operator that also applies its transpose, so that
  /// every solver, CG on the normal equations included, can use it.
  public func operatorA(negated: Bool = false) -> MatrixFreeTransposableOperator {
    let sign = negated ? -1.0 : 1.0
    return MatrixFreeTransposableOperator(
      rowCount: stateDimension, columnCount: stateDimension,
      product: { v, result in
        result = self.applyA(v)
        if negated { for index in result.indices { result[index] *= sign } }
      },
      transposeProduct: { w, result in
        result = self.applyATranspose(w)
        if negated { for index in result.indices { result[index] *= sign } }
      })
  }

  /// Aᵀ (or −Aᵀ) as a matrix-free operator; its transpose is A.
  public func operatorATranspose(negated: Bool = false) -> MatrixFreeTransposableOperator {
    let sign = negated ? -1.0 : 1.0
    return MatrixFreeTransposableOperator(
      rowCount: stateDimension, columnCount: stateDimension,
      product: { w, result in
        result = self.applyATranspose(w)
        if negated { for index in result.indices { result[index] *= sign } }
      },
      transposeProduct: { v, result in
        result = self.applyA(v)
        if negated { for index in result.indices { result[index] *= sign } }
      })
  }
}
