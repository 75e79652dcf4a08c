/// A symmetric matrix made of b×b blocks, stored by block rows (compressed sparse rows of blocks):
/// the diagonal blocks Aᵢᵢ and, for every block row i, the non-zero off-diagonal blocks Aᵢⱼ, each
/// pair stored in both rows (Aⱼᵢ = Aᵢⱼᵀ).
///
/// The form of a particle Hessian on its contact network, b = d: what the block preconditioners
/// (``BlockJacobiPreconditioner``, ``SymmetricSORPreconditioner``) sweep over, particle by
/// particle.
public struct SymmetricBlockSparseMatrix: Sendable {
  /// b, the size of a block.
  public let blockSize: Int
  /// Aᵢᵢ, row-major, at `diagonal[i·b² ..< (i+1)·b²]`.
  public let diagonal: [Double]
  /// The off-diagonal blocks of row i are at slots `rowStart[i] ..< rowStart[i + 1]`.
  public let rowStart: [Int]
  /// The block column j of each slot.
  public let columns: [Int32]
  /// Aᵢⱼ of each slot, row-major b×b.
  public let blocks: [Double]

  /// The number of block rows n (the matrix is n·b × n·b).
  public var blockRowCount: Int { rowStart.count - 1 }
  /// n·b.
  public var dimension: Int { blockRowCount * blockSize }

  /// The matrix with diagonal blocks `diagonal` (n·b² values) and the off-diagonal blocks of
  /// `couplings`: each (i, j, Aᵢⱼ) with i ≠ j gives Aᵢⱼ (row-major b×b) and its transpose Aⱼᵢ;
  /// couplings of the same pair add.
  ///
  /// - Throws: ``LinearAlgebraError/dimensionMismatch(expected:actual:)`` for blocks of the wrong
  ///   size, ``LinearAlgebraError/invalidArgument(_:)`` for an index out of range or i = j,
  ///   ``LinearAlgebraError/nonFiniteInput``.
  public init(blockSize b: Int, diagonal: [Double], couplings: [(i: Int, j: Int, block: [Double])])
    throws(LinearAlgebraError)
  {
    guard b >= 1 else { throw .invalidArgument("block size \(b)") }
    guard diagonal.count % (b * b) == 0 else { throw .dimensionMismatch(expected: b * b, actual: diagonal.count % (b * b)) }
    guard diagonal.allSatisfy(\.isFinite) else { throw .nonFiniteInput }
    let n = diagonal.count / (b * b)
    var counts = [Int](repeating: 0, count: n + 1)
    for coupling in couplings {
      guard coupling.i >= 0, coupling.i < n, coupling.j >= 0, coupling.j < n, coupling.i != coupling.j else {
        throw .invalidArgument("off-diagonal block (\(coupling.i), \(coupling.j)) of a matrix of \(n) block rows")
      }
      guard coupling.block.count == b * b else { throw .dimensionMismatch(expected: b * b, actual: coupling.block.count) }
      guard coupling.block.allSatisfy(\.isFinite) else { throw .nonFiniteInput }
      counts[coupling.i + 1] += 1
      counts[coupling.j + 1] += 1
    }
    for i in 0..<n { counts[i + 1] += counts[i] }
    var next = counts
    var columns = [Int32](repeating: 0, count: counts[n])
    var blocks = [Double](repeating: 0, count: counts[n] * b * b)
    for coupling in couplings {
      let (i, j) = (coupling.i, coupling.j)
      columns[next[i]] = Int32(j)
      columns[next[j]] = Int32(i)
      for r in 0..<b {
        for c in 0..<b {
          blocks[next[i] * b * b + r * b + c] = coupling.block[r * b + c]
          blocks[next[j] * b * b + c * b + r] = coupling.block[r * b + c]
        }
      }
      next[i] += 1
      next[j] += 1
    }
    self.blockSize = b
    self.diagonal = diagonal
    self.rowStart = counts
    self.columns = columns
    self.blocks = blocks
  }

  /// result ← A·x.
  public func apply(_ x: [Double], into result: inout [Double]) {
    precondition(x.count == dimension, "SymmetricBlockSparseMatrix: \(x.count) components for \(dimension)")
    let b = blockSize
    if result.count != dimension { result = [Double](repeating: 0, count: dimension) }
    for i in 0..<blockRowCount {
      for r in 0..<b {
        var sum = 0.0
        for c in 0..<b { sum += diagonal[i * b * b + r * b + c] * x[i * b + c] }
        for slot in rowStart[i]..<rowStart[i + 1] {
          let j = Int(columns[slot])
          for c in 0..<b { sum += blocks[slot * b * b + r * b + c] * x[j * b + c] }
        }
        result[i * b + r] = sum
      }
    }
  }
}

extension SymmetricBlockSparseMatrix {
  /// Aᵢᵢ⁻¹ of every diagonal block (row-major, n·b² values), from its Cholesky factor Aᵢᵢ = L Lᵀ:
  /// Aᵢᵢ⁻¹ = L⁻ᵀ L⁻¹ (blocks are tiny, d×d, and there is one per particle: no LAPACK call each).
  ///
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinorOrder:)`` when a diagonal block
  ///   is not positive definite; the order counts from the start of the whole matrix.
  func inverseDiagonalBlocks() throws(LinearAlgebraError) -> [Double] {
    let b = blockSize
    var inverses = [Double](repeating: 0, count: diagonal.count)
    var factor = [Double](repeating: 0, count: b * b)
    var inverseFactor = [Double](repeating: 0, count: b * b)
    for i in 0..<blockRowCount {
      let base = i * b * b
      // L, row-major lower triangle.
      for r in 0..<b {
        for c in 0...r {
          var sum = diagonal[base + r * b + c]
          for k in 0..<c { sum -= factor[r * b + k] * factor[c * b + k] }
          if r == c {
            guard sum > 0 else { throw .notPositiveDefinite(leadingMinorOrder: i * b + r + 1) }
            factor[r * b + r] = sum.squareRoot()
          } else {
            factor[r * b + c] = sum / factor[c * b + c]
          }
        }
      }
      // L⁻¹ by forward substitution, column by column.
      for c in 0..<b {
        for r in 0..<b {
          guard r >= c else { inverseFactor[r * b + c] = 0; continue }
          var sum = r == c ? 1.0 : 0.0
          for k in c..<r { sum -= factor[r * b + k] * inverseFactor[k * b + c] }
          inverseFactor[r * b + c] = sum / factor[r * b + r]
        }
      }
      // (L⁻¹)ᵀ L⁻¹.
      for r in 0..<b {
        for c in 0..<b {
          var sum = 0.0
          for k in max(r, c)..<b { sum += inverseFactor[k * b + r] * inverseFactor[k * b + c] }
          inverses[base + r * b + c] = sum
        }
      }
    }
    return inverses
  }
}
