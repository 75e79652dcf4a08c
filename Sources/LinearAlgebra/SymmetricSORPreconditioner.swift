/// Block symmetric successive over-relaxation (SSOR): with A = L + D + Lᵀ (D the diagonal blocks,
/// L the blocks below them) and 0 < ω < 2,
///
///     M = (D + ωL) D⁻¹ (D + ωLᵀ) / (ω (2 − ω)),
///
/// symmetric positive definite whenever D is, so a preconditioner for CG; ω = 1 is symmetric block
/// Gauss–Seidel. z = M⁻¹ r is one forward and one backward sweep over the block rows,
///
///     yᵢ = Dᵢ⁻¹ (rᵢ − ω Σ_{j<i} Aᵢⱼ yⱼ),   z′ᵢ = yᵢ − ω Dᵢ⁻¹ Σ_{j>i} Aᵢⱼ z′ⱼ,   z = ω (2 − ω) z′,
///
/// about two products with A. Unlike Jacobi it couples neighbours, so that on a particle Hessian
/// the stiffness a particle feels through its contacts is partly inverted along the network.
public struct SymmetricSORPreconditioner: Preconditioner {
  public let matrix: SymmetricBlockSparseMatrix
  /// ω.
  public let relaxation: Double
  /// Dᵢ⁻¹, row-major, block by block.
  let inverseBlocks: [Double]
  /// The blocks below the diagonal (j < i) and above it (j > i), row by row, as the two sweeps
  /// read them.
  let lower: Triangle
  let upper: Triangle

  /// One triangle of the off-diagonal blocks in compressed rows.
  struct Triangle: Sendable {
    var rowStart: [Int32] = [0]
    var columns: [Int32] = []
    var blocks: [Double] = []
  }

  /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` unless 0 < ω < 2 and b ≤ 4, and
  ///   ``LinearAlgebraError/notPositiveDefinite(leadingMinorOrder:)`` when a diagonal block is not
  ///   positive definite.
  public init(_ matrix: SymmetricBlockSparseMatrix, relaxation ω: Double = 1) throws(LinearAlgebraError) {
    guard ω > 0, ω < 2 else { throw .invalidArgument("SSOR needs 0 < ω < 2, got \(ω)") }
    guard matrix.blockSize <= 4 else { throw .invalidArgument("SSOR sweeps blocks of at most 4×4, got \(matrix.blockSize)") }
    self.matrix = matrix
    relaxation = ω
    inverseBlocks = try matrix.inverseDiagonalBlocks()
    let b2 = matrix.blockSize * matrix.blockSize
    var lower = Triangle()
    var upper = Triangle()
    for i in 0..<matrix.blockRowCount {
      for slot in matrix.rowStart[i]..<matrix.rowStart[i + 1] {
        let j = matrix.columns[slot]
        let block = matrix.blocks[(slot * b2)..<((slot + 1) * b2)]
        if Int(j) < i {
          lower.columns.append(j)
          lower.blocks.append(contentsOf: block)
        } else {
          upper.columns.append(j)
          upper.blocks.append(contentsOf: block)
        }
      }
      lower.rowStart.append(Int32(lower.columns.count))
      upper.rowStart.append(Int32(upper.columns.count))
    }
    self.lower = lower
    self.upper = upper
  }

  public func apply(_ residual: [Double], into result: inout [Double]) {
    let b = matrix.blockSize
    precondition(residual.count == matrix.blockRowCount * b && result.count == residual.count,
                 "SymmetricSORPreconditioner: size mismatch")
    // The block size as a constant in the common cases, so that the block loops unroll.
    switch b {
    case 2: sweeps(residual, &result, blockSize: 2)
    case 3: sweeps(residual, &result, blockSize: 3)
    default: sweeps(residual, &result, blockSize: b)
    }
  }

  @inline(__always)
  private func sweeps(_ residual: [Double], _ result: inout [Double], blockSize b: Int) {
    let n = matrix.blockRowCount
    let ω = relaxation
    residual.withUnsafeBufferPointer { r in
      result.withUnsafeMutableBufferPointer { z in
        inverseBlocks.withUnsafeBufferPointer { inverse in
          // yᵢ = Dᵢ⁻¹ (rᵢ − ω Σ_{j<i} Aᵢⱼ yⱼ), z holding y.
          withTriangle(lower) { rowStart, columns, blocks in
            for i in 0..<n {
              for a in 0..<b {
                var sum = 0.0
                for slot in Int(rowStart[i])..<Int(rowStart[i &+ 1]) {
                  let j = Int(columns[slot])
                  for c in 0..<b { sum += blocks[(slot &* b &+ a) &* b &+ c] * z[j &* b &+ c] }
                }
                z[i &* b &+ a] = r[i &* b &+ a] - ω * sum
              }
              multiplyInPlace(z, block: i, inverse, b)
            }
          }
          // z′ᵢ = yᵢ − ω Dᵢ⁻¹ Σ_{j>i} Aᵢⱼ z′ⱼ.
          withTriangle(upper) { rowStart, columns, blocks in
            var sums = (0.0, 0.0, 0.0, 0.0)
            for i in stride(from: n - 1, through: 0, by: -1) {
              for a in 0..<b {
                var sum = 0.0
                for slot in Int(rowStart[i])..<Int(rowStart[i &+ 1]) {
                  let j = Int(columns[slot])
                  for c in 0..<b { sum += blocks[(slot &* b &+ a) &* b &+ c] * z[j &* b &+ c] }
                }
                switch a {
                case 0: sums.0 = sum
                case 1: sums.1 = sum
                case 2: sums.2 = sum
                default: sums.3 = sum
                }
              }
              for a in 0..<b {
                var correction = 0.0
                for c in 0..<b {
                  let s = c == 0 ? sums.0 : c == 1 ? sums.1 : c == 2 ? sums.2 : sums.3
                  correction += inverse[(i &* b &+ a) &* b &+ c] * s
                }
                z[i &* b &+ a] -= ω * correction
              }
            }
          }
          let scale = ω * (2 - ω)
          if scale != 1 { for index in 0..<(n &* b) { z[index] *= scale } }
        }
      }
    }
  }

  @inline(__always)
  private func withTriangle(
    _ triangle: Triangle,
    _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Double>) -> Void
  ) {
    triangle.rowStart.withUnsafeBufferPointer { rowStart in
      triangle.columns.withUnsafeBufferPointer { columns in
        triangle.blocks.withUnsafeBufferPointer { blocks in body(rowStart, columns, blocks) }
      }
    }
  }

  /// zᵢ ← Dᵢ⁻¹ zᵢ.
  @inline(__always)
  private func multiplyInPlace(_ z: UnsafeMutableBufferPointer<Double>, block i: Int,
                               _ inverse: UnsafeBufferPointer<Double>, _ b: Int) {
    let base = i &* b
    if b == 2 {
      let (x, y) = (z[base], z[base &+ 1])
      z[base] = inverse[base &* 2] * x + inverse[base &* 2 &+ 1] * y
      z[base &+ 1] = inverse[base &* 2 &+ 2] * x + inverse[base &* 2 &+ 3] * y
      return
    }
    var s = (0.0, 0.0, 0.0, 0.0)
    s.0 = z[base]
    if b > 1 { s.1 = z[base &+ 1] }
    if b > 2 { s.2 = z[base &+ 2] }
    if b > 3 { s.3 = z[base &+ 3] }
    for a in 0..<b {
      let row = (base &+ a) &* b
      var sum = inverse[row] * s.0
      if b > 1 { sum += inverse[row &+ 1] * s.1 }
      if b > 2 { sum += inverse[row &+ 2] * s.2 }
      if b > 3 { sum += inverse[row &+ 3] * s.3 }
      z[base &+ a] = sum
    }
  }
}
