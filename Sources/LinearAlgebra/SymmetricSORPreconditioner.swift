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
              let sum = rowSum(i, rowStart, columns, blocks, z, b)
              var s = SIMD4<Double>()
              for a in 0..<b { s[a] = r[i &* b &+ a] - ω * sum[a] }
              let y = blockProduct(inverse, i, s, b)
              for a in 0..<b { z[i &* b &+ a] = y[a] }
            }
          }
          // z′ᵢ = yᵢ − ω Dᵢ⁻¹ Σ_{j>i} Aᵢⱼ z′ⱼ.
          withTriangle(upper) { rowStart, columns, blocks in
            for i in (0..<n).reversed() {
              let correction = blockProduct(inverse, i, rowSum(i, rowStart, columns, blocks, z, b), b)
              for a in 0..<b { z[i &* b &+ a] -= ω * correction[a] }
            }
          }
          let scale = ω * (2 - ω)
          if scale != 1 { for index in 0..<(n &* b) { z[index] *= scale } }
        }
      }
    }
  }

  /// Σⱼ Aᵢⱼ zⱼ over one triangle's blocks of row i: each partner's zⱼ read once for all b rows.
  @inline(__always)
  private func rowSum(_ i: Int, _ rowStart: UnsafeBufferPointer<Int32>, _ columns: UnsafeBufferPointer<Int32>,
                      _ blocks: UnsafeBufferPointer<Double>, _ z: UnsafeMutableBufferPointer<Double>, _ b: Int)
    -> SIMD4<Double>
  {
    var sum = SIMD4<Double>()
    for slot in Int(rowStart[i])..<Int(rowStart[i &+ 1]) {
      let j = Int(columns[slot])
      var zj = SIMD4<Double>()
      for c in 0..<b { zj[c] = z[j &* b &+ c] }
      let base = slot &* b &* b
      for a in 0..<b {
        var row = SIMD4<Double>()
        for c in 0..<b { row[c] = blocks[base &+ a &* b &+ c] }
        sum[a] += (row * zj).sum()
      }
    }
    return sum
  }

  /// Dᵢ⁻¹ s.
  @inline(__always)
  private func blockProduct(_ inverse: UnsafeBufferPointer<Double>, _ i: Int, _ s: SIMD4<Double>, _ b: Int)
    -> SIMD4<Double>
  {
    var result = SIMD4<Double>()
    for a in 0..<b {
      var row = SIMD4<Double>()
      for c in 0..<b { row[c] = inverse[(i &* b &+ a) &* b &+ c] }
      result[a] = (row * s).sum()
    }
    return result
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
}
