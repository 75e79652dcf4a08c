import LinearAlgebra
import Models

/// The preconditioner of the conjugate-gradient solves with the Hessian on the backbone (the
/// sensitivities, the elastic constants, the analysis' inverse iterations), built from the pair
/// stiffness blocks Kᵢⱼ the products use. `SolverChoice.jacobi` (the `--jacobi` flag), when set,
/// takes precedence.
public enum HessianPreconditioner: Sendable, Equatable {
  /// Plain CG.
  case none
  /// The diagonal (`JacobiPreconditioner`).
  case jacobi
  /// The d×d diagonal blocks Hᵢᵢ = Σⱼ Kᵢⱼ (`BlockJacobiPreconditioner`).
  case blockJacobi
  /// Block SSOR over the contact network with relaxation ω (`SymmetricSORPreconditioner`; ω = 1 is
  /// symmetric block Gauss–Seidel).
  case symmetricSOR(relaxation: Double)

  /// The preconditioner of the operator P H P + μ (I − P) on `space`, whose diagonal is
  /// `shiftedDiagonal` (``ReducedSpace/shiftedDiagonal(_:shift:)``); nil for ``none``.
  public func make(for hessian: HessianProduct, on space: ReducedSpace, shiftedDiagonal: [Double]) throws
    -> (any Preconditioner)?
  {
    switch self {
    case .none: return nil
    case .jacobi: return try JacobiPreconditioner(diagonal: shiftedDiagonal)
    case .blockJacobi:
      return try BlockJacobiPreconditioner(space.blockMatrix(of: hessian, shiftedDiagonal: shiftedDiagonal))
    case .symmetricSOR(let ω):
      return try SymmetricSORPreconditioner(space.blockMatrix(of: hessian, shiftedDiagonal: shiftedDiagonal),
                                            relaxation: ω)
    }
  }
}

extension ReducedSpace {
  /// H on the active particles as d×d blocks, Hᵢⱼ = −Kᵢⱼ between partners and Hᵢᵢ = Σⱼ Kᵢⱼ, with
  /// diag(Hᵢᵢ) replaced by `shiftedDiagonal`: the operator P H P + μ (I − P) the solves see, but for
  /// the dense rank-m coupling μ T Tᵀ between particles, which a preconditioner may leave out.
  /// Pairs whose block vanishes (within the neighbour skin, not in contact) are dropped.
  public func blockMatrix(of hessian: HessianProduct, shiftedDiagonal: [Double]) throws(LinearAlgebraError)
    -> SymmetricBlockSparseMatrix
  {
    let pairs = hessian.pairs
    let d = dimension
    guard pairs.dimension == d, pairs.rowStart.count == particleCount + 1 else {
      throw .dimensionMismatch(expected: particleCount + 1, actual: pairs.rowStart.count)
    }
    guard shiftedDiagonal.count == count else { throw .dimensionMismatch(expected: count, actual: shiftedDiagonal.count) }
    var slotOf = [Int](repeating: -1, count: particleCount)
    for (slot, particle) in activeParticles.enumerated() { slotOf[particle] = slot }
    var diagonal = [Double](repeating: 0, count: activeParticles.count * d * d)
    var couplings = [(i: Int, j: Int, block: [Double])]()
    for i in 0..<particleCount {
      for pair in Int(pairs.rowStart[i])..<Int(pairs.rowStart[i + 1]) {
        let j = Int(pairs.partners[pair])
        let block = Array(pairs.blocks[(pair * d * d)..<((pair + 1) * d * d)])
        guard block.contains(where: { $0 != 0 }) else { continue }
        let (si, sj) = (slotOf[i], slotOf[j])
        // A rattler's pairs are not in the backbone; a particle's pair with its own image moves
        // with it (vᵢ − vᵢ = 0) and adds nothing.
        guard si >= 0, sj >= 0, si != sj else { continue }
        for index in 0..<(d * d) {
          diagonal[si * d * d + index] += block[index]
          diagonal[sj * d * d + index] += block[index]
        }
        couplings.append((si, sj, block.map { -$0 }))
      }
    }
    for slot in activeParticles.indices {
      for a in 0..<d { diagonal[slot * d * d + a * d + a] = shiftedDiagonal[slot * d + a] }
    }
    return try SymmetricBlockSparseMatrix(blockSize: d, diagonal: diagonal, couplings: couplings)
  }
}
