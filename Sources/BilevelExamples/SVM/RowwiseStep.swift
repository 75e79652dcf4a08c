import DualNumbers
import ImplicitDifferentiation

/// The row-separable part of a first-order step on a product of simplices: the new row i is
/// φ(βᵢ, cᵢ), where cᵢ = η∇ᵢf is the scaled gradient of the row. Both fixed points of §4.1 have
/// this form; φ is written once generically and differentiated by dual numbers.
public protocol RowwiseStep: Sendable {
  func callAsFunction<S: RealScalar>(_ row: [S], _ scaledGradient: [S]) -> [S]
}

/// Projected gradient: φ(β, c) = P_Δ(β − c), the Euclidean projection onto the simplex
/// (the engine's `SimplexProjection`).
public struct ProjectedGradientStep: RowwiseStep {
  public init() {}
  @inlinable
  public func callAsFunction<S: RealScalar>(_ row: [S], _ scaledGradient: [S]) -> [S] {
    var step = row
    for j in step.indices { step[j] -= scaledGradient[j] }
    return SimplexProjection.project(step, radius: S(1))
  }
}

/// Entropic mirror descent: φ(β, c) = β ∘ exp(−c) / Σⱼ βⱼ exp(−cⱼ), i.e.
/// softmax(log β − c), the KL projection of the mirror step (the engine's
/// `MirrorDescentFixedPoint`). Written with β as a factor rather than log β so that it, and its
/// derivative, stay finite at rows with exact zeros (the solutions of other solvers).
public struct EntropicMirrorStep: RowwiseStep {
  public init() {}
  @inlinable
  public func callAsFunction<S: RealScalar>(_ row: [S], _ scaledGradient: [S]) -> [S] {
    // Shifting c by its minimum cancels in the ratio and avoids overflow of exp(−c).
    let smallest = scaledGradient.min()!
    var weights = [S]()
    weights.reserveCapacity(row.count)
    var total = S(0)
    for j in row.indices {
      let weight = row[j] * S.exp(smallest - scaledGradient[j])
      weights.append(weight)
      total += weight
    }
    for j in weights.indices { weights[j] /= total }
    return weights
  }
}

extension RowwiseStep {
  /// φ applied to every row of β (m × k) with the scaled gradient c.
  public func apply(_ β: Matrix, _ c: Matrix) -> Matrix {
    var result = β
    for i in 0..<β.rowCount {
      let row = self(β.row(i), c.row(i))
      for j in 0..<β.columnCount { result[i, j] = row[j] }
    }
    return result
  }

  /// φ and its forward-mode tangent along (β̇, ċ), row by row on `Dual<Double>`: the step of
  /// unrolled differentiation.
  public func applyWithTangent(_ β: Matrix, _ c: Matrix, _ βTangent: Matrix, _ cTangent: Matrix)
    -> (value: Matrix, tangent: Matrix)
  {
    var value = β, tangent = β
    let k = β.columnCount
    for i in 0..<β.rowCount {
      let row = (0..<k).map { Dual(β[i, $0], tangent: βTangent[i, $0]) }
      let gradient = (0..<k).map { Dual(c[i, $0], tangent: cTangent[i, $0]) }
      let image = self(row, gradient)
      for j in 0..<k {
        value[i, j] = image[j].value
        tangent[i, j] = image[j].tangent
      }
    }
    return (value, tangent)
  }

  /// The k × k Jacobians ∂φ/∂βᵢ and ∂φ/∂cᵢ of every row (row-major blocks), by 2k dual passes
  /// per row.
  public func rowJacobians(_ β: Matrix, _ c: Matrix) -> (state: [Double], gradient: [Double]) {
    let m = β.rowCount, k = β.columnCount
    var stateBlocks = [Double](repeating: 0, count: m * k * k)
    var gradientBlocks = stateBlocks
    for i in 0..<m {
      for seed in 0..<(2 * k) {
        let row = (0..<k).map { Dual(β[i, $0], tangent: seed == $0 ? 1 : 0) }
        let gradient = (0..<k).map { Dual(c[i, $0], tangent: seed == k + $0 ? 1 : 0) }
        let image = self(row, gradient)
        for r in 0..<k {
          if seed < k {
            stateBlocks[(i * k + r) * k + seed] = image[r].tangent
          } else {
            gradientBlocks[(i * k + r) * k + seed - k] = image[r].tangent
          }
        }
      }
    }
    return (stateBlocks, gradientBlocks)
  }
}

/// Applies row blocks J (row-major k × k per row of V) to an m × k matrix V: (J V)ᵢ = Jᵢ Vᵢ, or
/// Jᵢᵀ Vᵢ with `transposed`.
func applyRowBlocks(_ blocks: [Double], _ v: Matrix, transposed: Bool = false) -> Matrix {
  let m = v.rowCount, k = v.columnCount
  var result = Matrix(rowCount: m, columnCount: k)
  for i in 0..<m {
    for r in 0..<k {
      var total = 0.0
      for s in 0..<k {
        let entry = transposed ? blocks[(i * k + s) * k + r] : blocks[(i * k + r) * k + s]
        total += entry * v[i, s]
      }
      result[i, r] = total
    }
  }
  return result
}
