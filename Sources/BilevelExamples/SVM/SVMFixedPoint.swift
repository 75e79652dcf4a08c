import Foundation
import ImplicitDifferentiation
import LinearAlgebra

/// Which fixed point of the SVM dual the implicit derivative differentiates; either one can be
/// paired with any inner solver (the derivative does not depend on how β* was found).
public enum SVMOptimalityCondition: String, CaseIterable, Sendable, Codable {
  /// T(β, θ) = P_Δ(β − η∇₁f(β, θ)) (Table 1 of Blondel et al., projected gradient).
  case projectedGradient = "projected-gradient"
  /// T(β, θ) = softmax(log β − η∇₁f(β, θ)) row by row (mirror descent, KL geometry).
  case mirrorDescent = "mirror-descent"

  public var step: any RowwiseStep {
    switch self {
    case .projectedGradient: return ProjectedGradientStep()
    case .mirrorDescent: return EntropicMirrorStep()
    }
  }
}

/// The linear maps of F(β, θ) = T(β, θ) − β for T(β, θ)ᵢ = φ(βᵢ, η∇ᵢf(β, θ)) (a
/// ``RowwiseStep`` per row, η held constant: the roots of F do not depend on it):
///
///     ∂₁T·V = J_β V + η J_c (∇²₁₁f V),          ∂₂T·u = η J_c (∂θ∇₁f) u,
///     A = I − ∂₁T,   Aᵀw = w − J_βᵀw − η ∇²₁₁f (J_cᵀ w),   Bᵀw = η ⟨∂θ∇₁f, J_cᵀ w⟩,
///
/// with J_β, J_c the per-row k × k Jacobians of φ (dual numbers on the generic φ) and the
/// Hessian products by BLAS (``MulticlassSVMDual``). Returned as a ``SuppliedLinearization``
/// for the engine's ``rootVectorJacobianProduct(_:cotangent:linearSolver:)``.
public func svmFixedPointLinearization(
  _ problem: MulticlassSVMDual, condition: SVMOptimalityCondition, at β: Matrix, _ θ: Double
) -> SuppliedLinearization {
  let η = problem.stepSize(θ)
  let m = β.rowCount, k = β.columnCount
  var scaledGradient = problem.gradient(β, θ)
  for index in scaledGradient.elements.indices { scaledGradient.elements[index] *= η }
  let (stateBlocks, gradientBlocks) = condition.step.rowJacobians(β, scaledGradient)
  let mixed = problem.mixedDerivative(β, θ)
  func matrix(_ v: [Double]) -> Matrix { Matrix(rowCount: m, columnCount: k, elements: v) }
  return SuppliedLinearization(
    stateDimension: m * k, parameterDimension: 1, structure: .general,
    productA: { v in
      let input = matrix(v)
      let direct = applyRowBlocks(stateBlocks, input)
      let through = applyRowBlocks(gradientBlocks, problem.hessianProduct(input, θ))
      return v.indices.map { v[$0] - direct.elements[$0] - η * through.elements[$0] }
    },
    transposeProductA: { w in
      let input = matrix(w)
      let direct = applyRowBlocks(stateBlocks, input, transposed: true)
      let through = problem.hessianProduct(applyRowBlocks(gradientBlocks, input, transposed: true), θ)
      return w.indices.map { w[$0] - direct.elements[$0] - η * through.elements[$0] }
    },
    productB: { u in
      applyRowBlocks(gradientBlocks, mixed).elements.map { η * u[0] * $0 }
    },
    transposeProductB: { w in
      [η * dotProduct(mixed.elements, applyRowBlocks(gradientBlocks, matrix(w), transposed: true).elements)]
    })
}
