import DualNumbers
import ImplicitDifferentiation
import LinearAlgebra

/// Ridge regression as a differentiable solver (Figure 1 of Blondel et al.): the closed-form
/// solver x*(θ) = (AᵀA + diag θ)⁻¹Aᵀb wrapped with its optimality condition ∇₁f(x, θ) = 0, so
/// that the Jacobian ∂x*/∂θ comes from the implicit function theorem and not from the solver.
public struct RidgeRegression: Sendable {
  public let objective: RidgeRegressionObjective

  public init(design: Matrix, targets: [Double]) {
    objective = RidgeRegressionObjective(design: design, targets: targets)
  }

  /// AᵀA + diag θ (θ broadcast when it has one component).
  public func regularizedGram(_ θ: [Double]) -> DenseMatrix {
    let a = objective.design
    let gram = Matrix.product(a, transposing: true, a)
    var matrix = DenseMatrix(rowCount: gram.rowCount, columnCount: gram.columnCount,
                             columnMajorElements: gram.elements)
    for j in 0..<gram.rowCount { matrix[j, j] += θ[θ.count == 1 ? 0 : j] }
    return matrix
  }

  /// x*(θ) by a Cholesky solve of the normal equations (AᵀA + diag θ)x = Aᵀb.
  public func solve(_ θ: [Double]) throws -> [Double] {
    let a = objective.design
    let rhs = Matrix.product(
      a, transposing: true, Matrix(rowCount: a.rowCount, columnCount: 1, elements: objective.targets))
    return try CholeskyFactorization(regularizedGram(θ)).solve(rhs.elements)
  }

  /// The solver paired with the stationarity condition F = ∇₁f (JAXopt's `@custom_root`).
  public var implicitFunction: ImplicitFunction<StationaryPoint<RidgeRegressionObjective>> {
    let copy = self
    return ImplicitFunction(root: StationaryPoint(objective), solver: { try copy.solve($0) })
  }

  /// The closed form ∂x*/∂θ = −(AᵀA + diag θ)⁻¹ diag(x*) (one column per θⱼ), or
  /// −(AᵀA + λI)⁻¹x* for a single weight; `result[i][j]` = ∂x*ᵢ/∂θⱼ.
  public func closedFormJacobian(_ θ: [Double]) throws -> [[Double]] {
    let solution = try solve(θ)
    let factor = try CholeskyFactorization(regularizedGram(θ))
    let p = solution.count
    var jacobian = [[Double]](repeating: [Double](repeating: 0, count: θ.count), count: p)
    for column in 0..<θ.count {
      var rhs = [Double](repeating: 0, count: p)
      if θ.count == 1 { rhs = solution.map { -$0 } } else { rhs[column] = -solution[column] }
      let solved = try factor.solve(rhs)
      for row in 0..<p { jacobian[row][column] = solved[row] }
    }
    return jacobian
  }
}
