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
  /// The interleaved block and its product (and the full-length vector and product of a single
  /// product with rattlers), kept from one product to the next.
  let scratch = BlockScratch()

  final class BlockScratch {
    var interleaved: [Double] = []
    var product: [Double] = []
    var full: [Double] = []
    var fullProduct: [Double] = []
  }

  var stateDimension: Int { space.count }
  var parameterDimension: Int { parameters.count }
  var structure: LinearMapStructure { .symmetricPositiveDefinite }

  func applyA(_ v: [Double]) -> [Double] {
    var full = [Double]()
    hessianProduct(space.expand(v), &full)
    return space.restrict(full)
  }

  /// In place when no particle is a rattler (the reduced space is the full one): the stiffness
  /// product writes straight into the solver's vector; otherwise through full-length vectors kept
  /// from product to product.
  func applyA(_ v: [Double], into result: inout [Double]) {
    guard space.rattlers.isEmpty else {
      space.expand(v, into: &scratch.full)
      hessianProduct(scratch.full, &scratch.fullProduct)
      space.restrict(scratch.fullProduct, into: &result)
      return
    }
    hessianProduct(v, &result)
  }

  func applyATranspose(_ w: [Double]) -> [Double] { applyA(w) }

  /// A·V with one pass over the pairs for the whole block (a block solve calls it once per
  /// iteration for all its unconverged columns).
  func applyA(block vectors: [[Double]]) -> [[Double]] {
    var results = [[Double]]()
    applyA(block: vectors, into: &results)
    return results
  }

  /// results ← A·V, the k reduced vectors interleaved particle by particle (rattlers zero) into the
  /// stiffness product's layout and back, through storage kept from product to product: a block
  /// product at 10⁵ particles is a few milliseconds, which fresh d·N·k arrays (page faults, zeroing)
  /// would multiply.
  func applyA(block vectors: [[Double]], into results: inout [[Double]]) {
    guard let blockProduct, vectors.count > 1 else {
      if results.count != vectors.count { results = vectors.map { _ in [] } }
      for c in vectors.indices { applyA(vectors[c], into: &results[c]) }
      return
    }
    let k = vectors.count
    let d = space.dimension
    let length = space.count
    let size = space.particleCount * k * d
    // Only the active particles are ever written: the rattlers' entries stay the zeros they were
    // allocated with.
    if scratch.interleaved.count != size { scratch.interleaved = [Double](repeating: 0, count: size) }
    space.activeParticles.withUnsafeBufferPointer { particles in
      scratch.interleaved.withUnsafeMutableBufferPointer { interleaved in
        for c in 0..<k {
          precondition(vectors[c].count == length, "applyA(block:): column \(c) has \(vectors[c].count) components, not \(length)")
          vectors[c].withUnsafeBufferPointer { column in
            for slot in 0..<particles.count {
              let base = (particles[slot] &* k &+ c) &* d
              for a in 0..<d { interleaved[base &+ a] = column[slot &* d &+ a] }
            }
          }
        }
      }
    }
    blockProduct(scratch.interleaved, k, &scratch.product)
    if results.count != k { results = [[Double]](repeating: [], count: k) }
    space.activeParticles.withUnsafeBufferPointer { particles in
      scratch.product.withUnsafeBufferPointer { product in
        for c in 0..<k {
          if results[c].count != length { results[c] = [Double](repeating: 0, count: length) }
          results[c].withUnsafeMutableBufferPointer { column in
            for slot in 0..<particles.count {
              let base = (particles[slot] &* k &+ c) &* d
              for a in 0..<d { column[slot &* d &+ a] = product[base &+ a] }
            }
          }
        }
      }
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
