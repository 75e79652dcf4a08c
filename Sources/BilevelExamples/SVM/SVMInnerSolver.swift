import CBLAS
import Foundation

/// The inner solvers of §4.1 for min_{β ∈ Δᵐ} f(β, θ). Each can also carry a forward-mode tangent
/// β̇ = ∂β/∂θ through its iterations (unrolled differentiation; θ is a scalar, so one tangent is
/// the whole derivative). The step sizes depend on θ and their derivative is propagated too.
public enum SVMInnerSolver: String, CaseIterable, Sendable, Codable {
  /// Entropic mirror descent, β ← softmax(log β − η∇₁f) row by row, η = 1/L.
  case mirrorDescent = "md"
  /// FISTA (accelerated projected gradient), η = 1/L, Euclidean projection on each simplex.
  case acceleratedProjectedGradient = "pg"
  /// Cyclic block coordinate descent over the rows, each a projected gradient step with the
  /// row's own Lipschitz constant e^{−θ}‖Xᵢ‖².
  case blockCoordinateDescent = "bcd"

  /// The result of `iterations` steps from `start`, with dβ/dθ when `withTangent` (the start is
  /// treated as a constant). Stops early, before `iterations`, when an iteration changes β by
  /// less than `tolerance` in max norm (0: never).
  public func solve(
    _ problem: MulticlassSVMDual, _ θ: Double, from start: Matrix, iterations: Int,
    tolerance: Double = 0, withTangent: Bool = false
  ) -> (solution: Matrix, tangent: Matrix?, iterations: Int) {
    switch self {
    case .mirrorDescent, .acceleratedProjectedGradient:
      return fullGradientMethod(problem, θ, start, iterations, tolerance, withTangent)
    case .blockCoordinateDescent:
      return blockCoordinateDescent(problem, θ, start, iterations, tolerance, withTangent)
    }
  }

  /// c = η∇₁f(y) and its tangent ċ = η̇∇₁f + η(e^{−θ}XXᵀ(ẏ − (y − Y)) + μẏ), from one pair of
  /// gemm calls on [y − Y, ẏ].
  func scaledGradient(_ problem: MulticlassSVMDual, _ θ: Double, _ y: Matrix, _ yTangent: Matrix?)
    -> (Matrix, Matrix?)
  {
    let m = y.rowCount, k = y.columnCount, μ = problem.dualRidge
    let η = problem.stepSize(θ), ηDerivative = problem.stepSizeDerivative(θ), scale = Foundation.exp(-θ)
    var stacked = Matrix(rowCount: m, columnCount: yTangent == nil ? k : 2 * k)
    for index in 0..<(m * k) { stacked.elements[index] = y.elements[index] - problem.labels.elements[index] }
    if let yTangent { for index in 0..<(m * k) { stacked.elements[m * k + index] = yTangent.elements[index] } }
    let product = problem.kernelProduct(stacked)
    var gradient = Matrix(rowCount: m, columnCount: k)
    for index in 0..<(m * k) {
      gradient.elements[index] = scale * product.elements[index] + problem.labels.elements[index]
        + μ * y.elements[index]
    }
    var c = gradient
    for index in c.elements.indices { c.elements[index] *= η }
    guard let yTangent else { return (c, nil) }
    var cTangent = Matrix(rowCount: m, columnCount: k)
    for index in 0..<(m * k) {
      let gradientTangent = scale * (product.elements[m * k + index] - product.elements[index])
        + μ * yTangent.elements[index]
      cTangent.elements[index] = ηDerivative * gradient.elements[index] + η * gradientTangent
    }
    return (c, cTangent)
  }

  func fullGradientMethod(
    _ problem: MulticlassSVMDual, _ θ: Double, _ start: Matrix, _ iterations: Int,
    _ tolerance: Double, _ withTangent: Bool
  ) -> (solution: Matrix, tangent: Matrix?, iterations: Int) {
    let step: any RowwiseStep = self == .mirrorDescent ? EntropicMirrorStep() : ProjectedGradientStep()
    let accelerated = self == .acceleratedProjectedGradient
    var β = start, previous = start
    let zero = Matrix(rowCount: start.rowCount, columnCount: start.columnCount)
    var βTangent: Matrix? = withTangent ? zero : nil
    var previousTangent = βTangent
    var t = 1.0
    var done = 0
    while done < iterations {
      var y = β, yTangent = βTangent
      if accelerated {
        // FISTA extrapolation y = β + ((t − 1)/t')(β − β_prev), linear so the tangent follows.
        let next = (1 + (1 + 4 * t * t).squareRoot()) / 2
        let momentum = (t - 1) / next
        t = next
        for index in y.elements.indices {
          y.elements[index] += momentum * (β.elements[index] - previous.elements[index])
        }
        if var tangent = yTangent, let current = βTangent, let old = previousTangent {
          for index in tangent.elements.indices {
            tangent.elements[index] += momentum * (current.elements[index] - old.elements[index])
          }
          yTangent = tangent
        }
      }
      let (c, cTangent) = scaledGradient(problem, θ, y, yTangent)
      previous = β
      previousTangent = βTangent
      if let yTangent, let cTangent {
        let stepped = step.applyWithTangent(y, c, yTangent, cTangent)
        β = stepped.value
        βTangent = stepped.tangent
      } else {
        β = step.apply(y, c)
      }
      done += 1
      if tolerance > 0 {
        var change = 0.0
        for index in β.elements.indices { change = max(change, abs(β.elements[index] - previous.elements[index])) }
        if change < tolerance { break }
      }
    }
    return (β, βTangent, done)
  }

  func blockCoordinateDescent(
    _ problem: MulticlassSVMDual, _ θ: Double, _ start: Matrix, _ epochs: Int,
    _ tolerance: Double, _ withTangent: Bool
  ) -> (solution: Matrix, tangent: Matrix?, iterations: Int) {
    let m = start.rowCount, k = start.columnCount, p = problem.features.columnCount
    let step = ProjectedGradientStep()
    var β = start
    var βTangent = Matrix(rowCount: m, columnCount: k)
    // V = Xᵀ(β − Y) and V̇ = Xᵀβ̇ (p × k), updated by a rank-one term after each row.
    var v = Matrix.product(problem.features, transposing: true, problem.centred(β))
    var vTangent = Matrix(rowCount: p, columnCount: k)
    let scale = Foundation.exp(-θ), μ = problem.dualRidge
    var rowProduct = [Double](repeating: 0, count: k), rowTangentProduct = rowProduct
    var done = 0
    while done < epochs {
      var change = 0.0
      for i in 0..<m {
        let normSquared = problem.rowNormsSquared[i]
        guard normSquared > 0 else { continue }
        problem.featuresTransposed.elements.withUnsafeBufferPointer { xt in
          let row = xt.baseAddress! + i * p
          cblas_dgemv(CblasColMajor, CblasTrans, Int32(p), Int32(k), 1, v.elements, Int32(p), row, 1, 0,
                      &rowProduct, 1)
          if withTangent {
            cblas_dgemv(CblasColMajor, CblasTrans, Int32(p), Int32(k), 1, vTangent.elements, Int32(p), row,
                        1, 0, &rowTangentProduct, 1)
          }
        }
        // cᵢ = ηᵢ∇ᵢf with ηᵢ = 1/(e^{−θ}‖Xᵢ‖² + μ), ∇ᵢf = e^{−θ}XᵢV + Yᵢ + μβᵢ; and the tangent
        // ċᵢ = η̇ᵢ∇ᵢf + ηᵢ(e^{−θ}Xᵢ(V̇ − V) + μβ̇ᵢ), η̇ᵢ = ηᵢ² e^{−θ}‖Xᵢ‖².
        let old = β.row(i)
        let labels = problem.labels.row(i)
        let η = 1 / (scale * normSquared + μ), ηDerivative = η * η * scale * normSquared
        let rowGradient = (0..<k).map { scale * rowProduct[$0] + labels[$0] + μ * old[$0] }
        let c = rowGradient.map { η * $0 }
        var newRow: [Double]
        var delta = [Double](repeating: 0, count: k), deltaTangent = delta
        if withTangent {
          let cTangent = (0..<k).map {
            ηDerivative * rowGradient[$0]
              + η * (scale * (rowTangentProduct[$0] - rowProduct[$0]) + μ * βTangent[i, $0])
          }
          let rowMatrix = Matrix(rowCount: 1, columnCount: k, elements: old)
          let stepped = step.applyWithTangent(
            rowMatrix, Matrix(rowCount: 1, columnCount: k, elements: c),
            Matrix(rowCount: 1, columnCount: k, elements: βTangent.row(i)),
            Matrix(rowCount: 1, columnCount: k, elements: cTangent))
          newRow = stepped.value.elements
          for j in 0..<k {
            deltaTangent[j] = stepped.tangent.elements[j] - βTangent[i, j]
            βTangent[i, j] = stepped.tangent.elements[j]
          }
        } else {
          newRow = step(old, c)
        }
        for j in 0..<k {
          delta[j] = newRow[j] - old[j]
          change = max(change, abs(delta[j]))
          β[i, j] = newRow[j]
        }
        problem.featuresTransposed.elements.withUnsafeBufferPointer { xt in
          let row = xt.baseAddress! + i * p
          cblas_dger(CblasColMajor, Int32(p), Int32(k), 1, row, 1, delta, 1, &v.elements, Int32(p))
          if withTangent {
            cblas_dger(CblasColMajor, Int32(p), Int32(k), 1, row, 1, deltaTangent, 1, &vTangent.elements,
                       Int32(p))
          }
        }
      }
      done += 1
      if tolerance > 0 && change < tolerance { break }
    }
    return (β, withTangent ? βTangent : nil, done)
  }
}
