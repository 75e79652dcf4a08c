import DualNumbers
import LinearAlgebra

/// The fixed point of Newton's method for min_x f(x, θ) (Table 1 of Blondel et al.):
///
///     T(x, θ) = x − η (∇²₁₁f)⁻¹ ∇₁f(x, θ),   F = T − x = −η (∇²₁₁f)⁻¹ ∇₁f.
///
/// Evaluating T generically assembles the Hessian (d forward-over-reverse passes) and solves with it
/// by Gaussian elimination on the scalar type itself, so T is exact on duals and tapes; this costs
/// O(d³) and is meant for small d.
///
/// The derivative does not differentiate through that solve. At a fixed point ∇₁f(x*, θ) = 0, so the
/// terms involving the derivative of (∇²f)⁻¹ are multiplied by zero and
///
///     A = −∂₁F = η (∇²f)⁻¹ ∇²f = η I,     B = ∂₂F = −η (∇²f)⁻¹ ∂₂∇₁f,
///
/// which ``residualLinearization(at:_:)`` returns (the Jacobian J = A⁻¹B = −(∇²f)⁻¹∂₂∇₁f is that of
/// the stationary point, as it must be). These maps are exact only at a fixed point; away from one
/// the neglected term is of the order of ‖∇₁f‖.
public struct NewtonFixedPoint<Function: Objective>: FixedPointMapping {
  public var objective: Function
  /// η > 0 (1 for the pure Newton step).
  public var stepSize: Double

  public init(_ objective: Function, stepSize: Double = 1) {
    self.objective = objective
    self.stepSize = stepSize
  }

  /// x − η (∇²₁₁f)⁻¹ ∇₁f(x, θ); NaNs when the Hessian is exactly singular.
  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    let dimension = x.count
    let gradient = objective.gradient(x, θ)
    // Column j of the Hessian is the tangent of ∇f along the unit vector eⱼ (forward over reverse).
    var hessian = [S](repeating: S(0), count: dimension * dimension)
    var seeded = x.map { Dual<S>(constant: $0) }
    let parameters = θ.map { Dual<S>(constant: $0) }
    for column in 0..<dimension {
      seeded[column].tangent = S(1)
      let directional = objective.gradient(seeded, parameters)
      seeded[column].tangent = S(0)
      for row in 0..<dimension { hessian[row * dimension + column] = directional[row].tangent }
    }
    guard let step = solveByElimination(hessian, gradient, dimension: dimension) else {
      return [S](repeating: S(.nan), count: dimension)
    }
    var image = x
    for index in image.indices { image[index] -= S.scaled(step[index], by: stepSize) }
    return image
  }

  public func residualLinearization(at x: [Double], _ θ: [Double]) -> any OptimalityLinearization {
    NewtonLinearization(objective: objective, state: x, parameters: θ, stepSize: stepSize)
  }
}

/// A = ηI and B = −η(∇²f)⁻¹∂₂∇₁f of ``NewtonFixedPoint`` at a fixed point. The Hessian is assembled
/// once (d Hessian-vector products) on first use and each B product solves with it densely.
public struct NewtonLinearization<Function: Objective>: OptimalityLinearization {
  public let stepSize: Double
  @usableFromInline let secondOrder: ObjectiveLinearization<Function>
  @usableFromInline let cache = LinearizationCache<[Double]>()

  public init(objective: Function, state: [Double], parameters: [Double], stepSize: Double) {
    self.stepSize = stepSize
    self.secondOrder = ObjectiveLinearization(
      objective: objective, state: state, parameters: parameters, gradientScale: 1,
      structure: .symmetric)
  }

  public var stateDimension: Int { secondOrder.stateDimension }
  public var parameterDimension: Int { secondOrder.parameterDimension }
  public var structure: LinearMapStructure { .symmetricPositiveDefinite }

  /// (∇²f)⁻¹·r, with the row-major Hessian assembled from d exact Hessian-vector products.
  func solveWithHessian(_ rhs: [Double]) -> [Double] {
    let dimension = stateDimension
    if cache.recording == nil {
      var hessian = [Double](repeating: 0, count: dimension * dimension)
      var unit = [Double](repeating: 0, count: dimension)
      for column in 0..<dimension {
        unit[column] = 1
        // ObjectiveLinearization with c = 1 has A = −∇²f.
        let product = secondOrder.applyA(unit)
        unit[column] = 0
        for row in 0..<dimension { hessian[row * dimension + column] = -product[row] }
      }
      cache.recording = hessian
    }
    return solveByElimination(cache.recording!, rhs, dimension: dimension)
      ?? [Double](repeating: .nan, count: dimension)
  }

  public func applyA(_ v: [Double]) -> [Double] { v.map { stepSize * $0 } }
  public func applyATranspose(_ w: [Double]) -> [Double] { applyA(w) }

  public func applyB(_ u: [Double]) -> [Double] {
    solveWithHessian(secondOrder.applyB(u)).map { -stepSize * $0 }
  }

  public func applyBTranspose(_ w: [Double]) -> [Double] {
    // Bᵀw = −η (∂₂∇₁f)ᵀ (∇²f)⁻¹ w, using the symmetry of the Hessian.
    secondOrder.applyBTranspose(solveWithHessian(w)).map { -stepSize * $0 }
  }
}
