import DualNumbers

/// Euclidean projection onto the affine set C = {x : A x = b}, A an m×n matrix of full row rank
/// (m ≤ n).
///
/// P(y) = y − Aᵀ (A Aᵀ)⁻¹ (A y − b): the KKT system of min ½‖x − y‖² s.t. A x = b, solved with
/// the Cholesky factor L Lᵀ = A Aᵀ, computed once in `Double` when the struct is made (A is fixed;
/// it is small). Each call costs O(m n + m²), and because L is a constant the projection is affine
/// in (y, b): ∂P/∂y = I − Aᵀ(A Aᵀ)⁻¹A (the projector onto ker A), ∂P/∂b = Aᵀ(A Aᵀ)⁻¹.
///
/// θ = b (m values), or θ = [] to use the stored right-hand side (zero unless given).
/// jaxopt's `projection_affine_set(x, hyperparams=(A, b))` solves the same KKT system with a QP
/// solver and also differentiates with respect to A; here A is a constant of the set.
public struct AffineSetProjection: Projection {
  /// A in row-major order.
  public let matrix: [Double]
  /// m, the number of equality constraints.
  public let rowCount: Int
  /// n, the dimension of x.
  public let columnCount: Int
  /// b used when θ is empty.
  public let rightHandSide: [Double]
  /// The lower-triangular Cholesky factor L of A Aᵀ, row-major m×m.
  @usableFromInline let choleskyFactor: [Double]

  /// C = {x : A x = b} with A given as rows (each of the same length n).
  @inlinable
  public init(rows: [[Double]], rightHandSide: [Double]? = nil) {
    precondition(!rows.isEmpty, "an affine set needs at least one constraint")
    let columnCount = rows[0].count
    precondition(rows.allSatisfy { $0.count == columnCount }, "rows of A differ in length")
    self.init(matrix: rows.flatMap { $0 }, rowCount: rows.count, columnCount: columnCount,
              rightHandSide: rightHandSide)
  }

  /// C = {x : A x = b} with A given as a dense row-major m×n array.
  ///
  /// - Precondition: A has full row rank (A Aᵀ positive definite), checked by the factorisation.
  @inlinable
  public init(matrix: [Double], rowCount: Int, columnCount: Int, rightHandSide: [Double]? = nil) {
    precondition(rowCount > 0 && columnCount > 0 && matrix.count == rowCount * columnCount,
                 "A has \(matrix.count) entries, expected \(rowCount)×\(columnCount)")
    precondition(rowCount <= columnCount, "A (\(rowCount)×\(columnCount)) cannot have full row rank")
    let b = rightHandSide ?? [Double](repeating: 0, count: rowCount)
    precondition(b.count == rowCount, "b has \(b.count) values, A has \(rowCount) rows")
    self.matrix = matrix
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.rightHandSide = b
    self.choleskyFactor = Self.choleskyOfGram(matrix, rowCount: rowCount, columnCount: columnCount)
  }

  /// L with L Lᵀ = A Aᵀ, by the textbook (Cholesky–Banachiewicz) recurrence.
  @inlinable
  static func choleskyOfGram(_ a: [Double], rowCount m: Int, columnCount n: Int) -> [Double] {
    var gram = [Double](repeating: 0, count: m * m)
    var largestDiagonal = 0.0
    for i in 0..<m {
      for j in 0...i {
        var sum = 0.0
        for k in 0..<n { sum += a[i * n + k] * a[j * n + k] }
        gram[i * m + j] = sum
      }
      largestDiagonal = Swift.max(largestDiagonal, gram[i * m + i])
    }
    var factor = [Double](repeating: 0, count: m * m)
    for i in 0..<m {
      for j in 0...i {
        var sum = gram[i * m + j]
        for k in 0..<j { sum -= factor[i * m + k] * factor[j * m + k] }
        if i == j {
          // A pivot that is tiny relative to the largest diagonal means dependent rows: the
          // projection would divide by rounding noise, so refuse rather than return garbage.
          precondition(sum > 1e-12 * largestDiagonal,
                       "A's rows are linearly dependent (A Aᵀ is singular at row \(i))")
          factor[i * m + i] = sum.squareRoot()
        } else {
          factor[i * m + j] = sum / factor[j * m + j]
        }
      }
    }
    return factor
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    let m = rowCount
    let n = columnCount
    precondition(y.count == n, "y has \(y.count) components, A has \(n) columns")
    precondition(parameters.isEmpty || parameters.count == m,
                 "θ must be [] or b (\(m) values), got \(parameters.count)")
    // Residual A y − b.
    var work = [S](repeating: S(0), count: m)
    for i in 0..<m {
      var sum = S(0)
      for k in 0..<n { sum += S.scaled(y[k], by: matrix[i * n + k]) }
      work[i] = parameters.isEmpty ? sum - S(rightHandSide[i]) : sum - parameters[i]
    }
    // Multipliers w = (L Lᵀ)⁻¹ (A y − b): forward then backward substitution, in place. L is a
    // constant, so only scalings by Double coefficients touch the generic values.
    for i in 0..<m {
      var sum = work[i]
      for k in 0..<i { sum -= S.scaled(work[k], by: choleskyFactor[i * m + k]) }
      work[i] = S.scaled(sum, by: 1 / choleskyFactor[i * m + i])
    }
    for i in stride(from: m - 1, through: 0, by: -1) {
      var sum = work[i]
      for k in (i + 1)..<m { sum -= S.scaled(work[k], by: choleskyFactor[k * m + i]) }
      work[i] = S.scaled(sum, by: 1 / choleskyFactor[i * m + i])
    }
    // x = y − Aᵀ w.
    var result = y
    for i in 0..<m {
      for k in 0..<n { result[k] -= S.scaled(work[i], by: matrix[i * n + k]) }
    }
    return result
  }
}
