import ImplicitDifferentiation
import LinearAlgebra
import Models

/// The force balance F(x, θ) = 0 of a minimum, linearised for the implicit-differentiation engine on
/// a ``ReducedSpace`` (rattlers removed):
///
///     A = −∂F/∂R = H   (the Hessian, energy / length²),   B = ∂F/∂θ   (energy / length per θ unit),
///
/// with H·v from the per-pair stiffness blocks and B from the dual-number force loop or a pass over
/// the pairs (``ParameterDerivative``). A is symmetric, positive definite on the complement of the
/// rigid-body modes that the engine's ``NullSpace`` removes (``ParticleMinimum/nullSpace``).
struct ParticleLinearization: OptimalityLinearization {
  let space: ReducedSpace
  /// H·v on the full d·N space.
  let hessianProduct: (_ v: [Double], _ result: inout [Double]) -> Void
  /// H·V for k interleaved vectors in one pass over the pairs (nil: column by column).
  var blockProduct: ((_ v: [Double], _ columns: Int, _ result: inout [Double]) -> Void)? = nil
  let parameters: ParameterDerivative

  var stateDimension: Int { space.count }
  var parameterDimension: Int { parameters.count }
  var structure: LinearMapStructure { .symmetricPositiveDefinite }

  func applyA(_ v: [Double]) -> [Double] {
    var full = [Double]()
    hessianProduct(space.expand(v), &full)
    return space.restrict(full)
  }

  /// In place when no particle is a rattler (the reduced space is the full one): the stiffness
  /// product writes straight into the solver's vector.
  func applyA(_ v: [Double], into result: inout [Double]) {
    guard space.rattlers.isEmpty else {
      result = applyA(v)
      return
    }
    hessianProduct(v, &result)
  }

  func applyATranspose(_ w: [Double]) -> [Double] { applyA(w) }

  /// A·V with one pass over the pairs for the whole block (a block solve calls it once per
  /// iteration for all its unconverged columns).
  func applyA(block vectors: [[Double]]) -> [[Double]] {
    guard let blockProduct, vectors.count > 1 else { return vectors.map(applyA) }
    let k = vectors.count
    let d = space.dimension
    let particles = space.particleCount
    let full = vectors.map { space.expand($0) }
    var interleaved = [Double](repeating: 0, count: particles * k * d)
    for c in 0..<k {
      for i in 0..<particles {
        for a in 0..<d { interleaved[(i * k + c) * d + a] = full[c][i * d + a] }
      }
    }
    var product = [Double]()
    blockProduct(interleaved, k, &product)
    return (0..<k).map { c in
      var column = [Double](repeating: 0, count: particles * d)
      for i in 0..<particles {
        for a in 0..<d { column[i * d + a] = product[(i * k + c) * d + a] }
      }
      return space.restrict(column)
    }
  }

  func applyB(_ u: [Double]) -> [Double] { space.restrict(parameters.apply(u)) }

  func applyBTranspose(_ w: [Double]) -> [Double] { parameters.applyTranspose(space.expand(w)) }
}

/// B = ∂F/∂θ as products: B·u (a full d·N force derivative) and Bᵀ·w (one number per parameter).
struct ParameterDerivative {
  /// n, the number of parameters.
  let count: Int
  let apply: (_ u: [Double]) -> [Double]
  let applyTranspose: (_ w: [Double]) -> [Double]

  /// One scalar θ: B·u = u·b and Bᵀ·w = [wᵀ b] for the force derivative b (full d·N).
  static func single(_ b: [Double]) -> ParameterDerivative { columns([b]) }

  /// Several parameters with force derivatives b₁ … b_n (full d·N each): B·u = Σ uₖ bₖ and
  /// Bᵀ·w = [wᵀ b₁ … wᵀ b_n].
  static func columns(_ b: [[Double]]) -> ParameterDerivative {
    ParameterDerivative(
      count: b.count,
      apply: { u in
        var result = b[0].map { $0 * u[0] }
        for k in 1..<max(1, b.count) { VectorOperations.axpy(u[k], b[k], &result) }
        return result
      },
      applyTranspose: { w in b.map { VectorOperations.dot(w, $0) } })
  }
}
