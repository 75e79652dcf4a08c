/// Column standardisation x ↦ (x − μ)/σ with μ, σ estimated on training rows only, so that no
/// statistic of the test rows leaks into the model.
public struct Standardization: Sendable {
  public var means: [Double]
  public var scales: [Double]

  public init(fitting matrix: Matrix) {
    let n = Double(max(1, matrix.rowCount))
    means = (0..<matrix.columnCount).map { j in
      (0..<matrix.rowCount).reduce(0) { $0 + matrix[$1, j] } / n
    }
    scales = (0..<matrix.columnCount).map { [means] j in
      let variance = (0..<matrix.rowCount).reduce(0) { $0 + (matrix[$1, j] - means[j]) * (matrix[$1, j] - means[j]) } / n
      return variance > 0 ? variance.squareRoot() : 1
    }
  }

  public func apply(_ matrix: Matrix) -> Matrix {
    var result = matrix
    for j in 0..<matrix.columnCount {
      for i in 0..<matrix.rowCount { result[i, j] = (matrix[i, j] - means[j]) / scales[j] }
    }
    return result
  }
}
