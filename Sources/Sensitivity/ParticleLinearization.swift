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
  let parameters: ParameterDerivative

  var stateDimension: Int { space.count }
  var parameterDimension: Int { parameters.count }
  var structure: LinearMapStructure { .symmetricPositiveDefinite }

  func applyA(_ v: [Double]) -> [Double] {
    var full = [Double]()
    hessianProduct(space.expand(v), &full)
    return space.restrict(full)
  }

  func applyATranspose(_ w: [Double]) -> [Double] { applyA(w) }

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
  static func single(_ b: [Double]) -> ParameterDerivative {
    ParameterDerivative(count: 1, apply: { u in b.map { $0 * u[0] } },
                        applyTranspose: { w in [VectorOperations.dot(w, b)] })
  }
}
