import Foundation
import ImplicitDifferentiation
import LinearAlgebra

/// Which fixed point of the SVM dual the implicit derivative differentiates; either one can be
/// paired with any inner solver (the derivative does not depend on how β* was found).
public enum SVMOptimalityCondition: String, CaseIterable, Sendable, Codable {
  /// T(β, θ) = P_Δ(β − η∇₁f(β, θ)) (Table 1 of Blondel et al., projected gradient).
  case projectedGradient = "projected-gradient"
  /// T(β, θ)ᵢ = βᵢ ∘ exp(−η∇ᵢf(β, θ)) / ⟨βᵢ, exp(−η∇ᵢf(β, θ))⟩ row by row (mirror descent, KL
  /// geometry), written with βᵢ as a factor rather than through log βᵢ so that it is defined, and
  /// differentiable, at the exact zeros of projected-gradient or coordinate-descent solutions.
  ///
  /// At a zero βᵢⱼ = 0 the row of A = I − ∂₁T reduces to its diagonal entry
  /// 1 − exp(−η(∇ᵢⱼf − νᵢ)) (νᵢ the row's multiplier, ∇ᵢⱼf − νᵢ ≥ 0 the KKT gap), which is of order
  /// η·gap ≪ 1: A is badly scaled there, and the Jacobi preconditioner
  /// (``svmFixedPointJacobiPreconditioner(_:condition:at:_:)``) removes exactly that.
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
/// Hessian products by BLAS (``MulticlassSVMDual``). Returned as a `SuppliedLinearization`
/// for the engine's `rootVectorJacobianProduct(_:cotangent:linearSolver:nullSpace:)`.
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

/// The Jacobi preconditioner M = diag(A) of A = I − ∂₁T for ``svmFixedPointLinearization(_:condition:at:_:)``:
///
///     Aᵢᵣ,ᵢᵣ = 1 − (J_β)ᵢ,ᵣᵣ − η (J_c)ᵢ,ᵣᵣ (e^{−θ}‖Xᵢ‖² + μ),
///
/// since the (i, r) diagonal entry of ∇²₁₁f = e^{−θ}XXᵀ ⊗ I_k + μI is e^{−θ}‖Xᵢ‖² + μ. Why: at
/// the mirror-descent fixed point the rows of A at vanishing entries are (nearly) multiples
/// 1 − exp(−η·gap) of unit rows, with gaps spread over decades, and GMRES needs many iterations (or
/// fails) to resolve those tiny eigenvalues; scaling by diag(A) maps them to 1. The same diagonal
/// serves Aᵀ (right preconditioning of the transposed solve). Throws when an entry is zero (a
/// degenerate zero with vanishing KKT gap, where β* is not differentiable).
public func svmFixedPointJacobiPreconditioner(
  _ problem: MulticlassSVMDual, condition: SVMOptimalityCondition, at β: Matrix, _ θ: Double
) throws -> JacobiPreconditioner {
  let η = problem.stepSize(θ), scale = Foundation.exp(-θ)
  let m = β.rowCount, k = β.columnCount
  var scaledGradient = problem.gradient(β, θ)
  for index in scaledGradient.elements.indices { scaledGradient.elements[index] *= η }
  let (stateBlocks, gradientBlocks) = condition.step.rowJacobians(β, scaledGradient)
  // Column-major m × k, as the vectors the solver sees.
  var diagonal = [Double](repeating: 0, count: m * k)
  for i in 0..<m {
    let curvature = scale * problem.rowNormsSquared[i] + problem.dualRidge
    for r in 0..<k {
      let block = (i * k + r) * k + r
      diagonal[i + r * m] = 1 - stateBlocks[block] - η * gradientBlocks[block] * curvature
    }
  }
  return try JacobiPreconditioner(diagonal: diagonal)
}
