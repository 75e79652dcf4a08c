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
    let length = matrix.blockRowCount * matrix.blockSize
    precondition(residual.count == length && result.count == length, "SymmetricSORPreconditioner: size mismatch")
    residual.withUnsafeBufferPointer { r in
      result.withUnsafeMutableBufferPointer { z in sweeps(r, z, columns: 1) }
    }
  }

  /// M⁻¹ of every column in one pair of sweeps: each block Aᵢⱼ is read once for all columns, the
  /// columns interleaved block row by block row (as the Hessian's block product interleaves
  /// particles). Each column's arithmetic is exactly that of ``apply(_:into:)``.
  public func apply(block residuals: [[Double]], into results: inout [[Double]]) {
    let k = residuals.count
    guard k > 1 else {
      for column in residuals.indices { apply(residuals[column], into: &results[column]) }
      return
    }
    let b = matrix.blockSize
    let n = matrix.blockRowCount
    precondition(residuals.allSatisfy { $0.count == n * b } && results.count == k,
                 "SymmetricSORPreconditioner: size mismatch")
    // Every entry of both is written before it is read (r here, z by the sweeps).
    let r = [Double](unsafeUninitializedCapacity: k * n * b) { buffer, count in
      for c in 0..<k {
        residuals[c].withUnsafeBufferPointer { column in
          for i in 0..<n { for a in 0..<b { buffer[(i &* k &+ c) &* b &+ a] = column[i &* b &+ a] } }
        }
      }
      count = k * n * b
    }
    var z = [Double](unsafeUninitializedCapacity: k * n * b) { _, count in count = k * n * b }
    r.withUnsafeBufferPointer { r in z.withUnsafeMutableBufferPointer { z in sweeps(r, z, columns: k) } }
    z.withUnsafeBufferPointer { z in
      for c in 0..<k {
        if results[c].count != n * b { results[c] = [Double](repeating: 0, count: n * b) }
        results[c].withUnsafeMutableBufferPointer { column in
          for i in 0..<n { for a in 0..<b { column[i &* b &+ a] = z[(i &* k &+ c) &* b &+ a] } }
        }
      }
    }
  }

  /// The two sweeps on k interleaved columns (component a of block row i in column c at
  /// (i·k + c)·b + a), with the block size a constant in the common cases so that its loops unroll.
  private func sweeps(_ r: UnsafeBufferPointer<Double>, _ z: UnsafeMutableBufferPointer<Double>, columns k: Int) {
    switch matrix.blockSize {
    case 2: sweeps(r, z, columns: k, blockSize: 2)
    case 3: sweeps(r, z, columns: k, blockSize: 3)
    default: sweeps(r, z, columns: k, blockSize: matrix.blockSize)
    }
  }

  @inline(__always)
  private func sweeps(_ r: UnsafeBufferPointer<Double>, _ z: UnsafeMutableBufferPointer<Double>,
                      columns k: Int, blockSize b: Int) {
    let n = matrix.blockRowCount
    let ω = relaxation
    let sums = UnsafeMutableBufferPointer<SIMD4<Double>>.allocate(capacity: k)
    defer { sums.deallocate() }
    inverseBlocks.withUnsafeBufferPointer { inverse in
      // yᵢ = Dᵢ⁻¹ (rᵢ − ω Σ_{j<i} Aᵢⱼ yⱼ), z holding y.
      withTriangle(lower) { rowStart, columns, blocks in
        for i in 0..<n {
          rowSums(i, rowStart, columns, blocks, z, sums, k, b)
          for c in 0..<k {
            var s = SIMD4<Double>()
            for a in 0..<b { s[a] = r[(i &* k &+ c) &* b &+ a] - ω * sums[c][a] }
            let y = blockProduct(inverse, i, s, b)
            for a in 0..<b { z[(i &* k &+ c) &* b &+ a] = y[a] }
          }
        }
      }
      // z′ᵢ = yᵢ − ω Dᵢ⁻¹ Σ_{j>i} Aᵢⱼ z′ⱼ.
      withTriangle(upper) { rowStart, columns, blocks in
        for i in (0..<n).reversed() {
          rowSums(i, rowStart, columns, blocks, z, sums, k, b)
          for c in 0..<k {
            let correction = blockProduct(inverse, i, sums[c], b)
            for a in 0..<b { z[(i &* k &+ c) &* b &+ a] -= ω * correction[a] }
          }
        }
      }
    }
    let scale = ω * (2 - ω)
    if scale != 1 { for index in z.indices { z[index] *= scale } }
  }

  /// sums_c ← Σⱼ Aᵢⱼ z_c,ⱼ over one triangle's blocks of row i, for every column c: each block read
  /// once for all columns, each partner's z_c,ⱼ once for all b rows.
  @inline(__always)
  private func rowSums(_ i: Int, _ rowStart: UnsafeBufferPointer<Int32>, _ columns: UnsafeBufferPointer<Int32>,
                       _ blocks: UnsafeBufferPointer<Double>, _ z: UnsafeMutableBufferPointer<Double>,
                       _ sums: UnsafeMutableBufferPointer<SIMD4<Double>>, _ k: Int, _ b: Int) {
    for c in 0..<k { sums[c] = SIMD4<Double>() }
    for slot in Int(rowStart[i])..<Int(rowStart[i &+ 1]) {
      let j = Int(columns[slot])
      let base = slot &* b &* b
      var rows = (SIMD4<Double>(), SIMD4<Double>(), SIMD4<Double>(), SIMD4<Double>())
      for c in 0..<b {
        rows.0[c] = blocks[base &+ c]
        if b > 1 { rows.1[c] = blocks[base &+ b &+ c] }
        if b > 2 { rows.2[c] = blocks[base &+ 2 &* b &+ c] }
        if b > 3 { rows.3[c] = blocks[base &+ 3 &* b &+ c] }
      }
      for column in 0..<k {
        var zj = SIMD4<Double>()
        for c in 0..<b { zj[c] = z[(j &* k &+ column) &* b &+ c] }
        sums[column][0] += (rows.0 * zj).sum()
        if b > 1 { sums[column][1] += (rows.1 * zj).sum() }
        if b > 2 { sums[column][2] += (rows.2 * zj).sum() }
        if b > 3 { sums[column][3] += (rows.3 * zj).sum() }
      }
    }
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
