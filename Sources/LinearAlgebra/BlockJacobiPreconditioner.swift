/// M = blockdiag(A₁₁, …, A_nn): zᵢ = Aᵢᵢ⁻¹ rᵢ, block by block.
///
/// For a particle Hessian the blocks are the d×d stiffness Σⱼ Kᵢⱼ each particle feels from its
/// contacts, whose directions Jacobi's diagonal ignores.
public struct BlockJacobiPreconditioner: Preconditioner {
  public let blockSize: Int
  /// Aᵢᵢ⁻¹, row-major, block by block.
  public let inverseBlocks: [Double]

  /// The block-Jacobi preconditioner of `matrix`'s diagonal blocks.
  ///
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinorOrder:)`` when a diagonal block
  ///   is not positive definite (M would not be, which CG requires).
  public init(_ matrix: SymmetricBlockSparseMatrix) throws(LinearAlgebraError) {
    blockSize = matrix.blockSize
    inverseBlocks = try matrix.inverseDiagonalBlocks()
  }

  public func apply(_ residual: [Double], into result: inout [Double]) {
    let b = blockSize
    precondition(residual.count * b == inverseBlocks.count && result.count == residual.count,
                 "BlockJacobiPreconditioner: size mismatch")
    residual.withUnsafeBufferPointer { r in
      inverseBlocks.withUnsafeBufferPointer { inverse in
        result.withUnsafeMutableBufferPointer { z in
          for i in 0..<(r.count / b) {
            for a in 0..<b {
              var sum = 0.0
              for c in 0..<b { sum += inverse[(i &* b &+ a) &* b &+ c] * r[i &* b &+ c] }
              z[i &* b &+ a] = sum
            }
          }
        }
      }
    }
  }
}
