import LinearAlgebra

/// Computes the ``ErrorEstimate`` of an implicit sensitivity (its documentation gives the formulas).
enum ErrorEstimation {
  static func estimate(_ minimum: PreparedMinimum, tangent: ModelTangent, solution: [Double],
                       smallestEigenvalue: Double) -> ErrorEstimate {
    let space = minimum.space
    let residual = minimum.reducedForces
    let residualNorm = VectorOperations.norm(residual)
    let solutionNorm = VectorOperations.norm(solution)
    let positionError = residualNorm / smallestEigenvalue
    // The direction x̂ is off in: along P F(x̂) (first order), else along J.
    var direction = residualNorm > 0 ? residual : solution
    let directionNorm = VectorOperations.norm(direction)
    guard directionNorm > 0, directionNorm.isFinite else {
      return ErrorEstimate(positionError: positionError, lipschitzConstant: 0, sensitivityError: 0,
                           relativeSensitivityError: 0)
    }
    VectorOperations.scale(1 / directionNorm, &direction)
    let step = 1e-6 * minimum.model.boxLength
    let fullDirection = space.expand(direction)
    let fullSolution = space.expand(solution)
    func shifted(_ sign: Double) -> [Double] {
      zip(minimum.positions, fullDirection).map { $0 + sign * step * $1 }
    }
    let plus = shifted(1)
    let minus = shifted(-1)
    // ∂ᵤB by central differences of B(x̂ ± εu).
    let bPlus = space.restrict(ImplicitSensitivity.parameterDerivative(minimum, tangent: tangent, at: plus))
    let bMinus = space.restrict(ImplicitSensitivity.parameterDerivative(minimum, tangent: tangent, at: minus))
    var bSlope = zip(bPlus, bMinus).map { ($0 - $1) / (2 * step) }
    space.projectTranslations(&bSlope)
    // (∂ᵤA) J by central differences of the Hessian product H(x̂ ± εu)·J.
    let hPlus = space.restrict(minimum.forceMap(plus, tangents: fullSolution).tangents)
    let hMinus = space.restrict(minimum.forceMap(minus, tangents: fullSolution).tangents)
    var hSlope = zip(hPlus, hMinus).map { -($0 - $1) / (2 * step) }
    space.projectTranslations(&hSlope)
    let constant = (VectorOperations.norm(bSlope) + VectorOperations.norm(hSlope)) / smallestEigenvalue
    let error = constant * positionError
    return ErrorEstimate(positionError: positionError, lipschitzConstant: constant, sensitivityError: error,
                         relativeSensitivityError: solutionNorm > 0 ? error / solutionNorm : 0)
  }
}
