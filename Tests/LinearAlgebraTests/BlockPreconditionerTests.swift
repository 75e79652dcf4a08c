import LinearAlgebra
import RandomNumbers
import Testing

/// A random network of springs between n nodes of b components: every coupling a random positive
/// semi-definite block K = g gᵀ + 0.1 h hᵀ, A = Σ (eᵢ − eⱼ)(eᵢ − eⱼ)ᵀ ⊗ K + `shift`·I, symmetric
/// positive definite, with its blocks and as a dense matrix assembled entry by entry.
struct SpringNetwork: Sendable, CustomTestStringConvertible {
  let blocks: SymmetricBlockSparseMatrix
  let dense: DenseMatrix

  var testDescription: String { "\(blocks.blockRowCount) nodes of \(blocks.blockSize)" }

  init(nodes n: Int, blockSize b: Int, couplingsPerNode: Int, shift: Double, seed: UInt64) {
    var generator = SplitMix64(seed: seed)
    var dense = DenseMatrix(rowCount: n * b, columnCount: n * b)
    var couplings = [(i: Int, j: Int, block: [Double])]()
    for i in 0..<n {
      for _ in 0..<couplingsPerNode {
        let j = Int.random(in: 0..<n, using: &generator)
        guard j != i else { continue }
        let g = TestMatrices.randomVector(b, using: &generator)
        let h = TestMatrices.randomVector(b, using: &generator)
        let k = (0..<(b * b)).map { g[$0 / b] * g[$0 % b] + 0.1 * h[$0 / b] * h[$0 % b] }
        couplings.append((i, j, k.map { -$0 }))
        for r in 0..<b {
          for c in 0..<b {
            dense[i * b + r, i * b + c] += k[r * b + c]
            dense[j * b + r, j * b + c] += k[r * b + c]
            dense[i * b + r, j * b + c] -= k[r * b + c]
            dense[j * b + r, i * b + c] -= k[r * b + c]
          }
        }
      }
    }
    for index in 0..<(n * b) { dense[index, index] += shift }
    let diagonal = (0..<(n * b * b)).map { dense[($0 / (b * b)) * b + ($0 % (b * b)) / b, ($0 / (b * b)) * b + $0 % b] }
    blocks = try! SymmetricBlockSparseMatrix(blockSize: b, diagonal: diagonal, couplings: couplings)
    self.dense = dense
  }

  /// The dense block diagonal D and strictly lower block triangle L of A = L + D + Lᵀ.
  func splitting() -> (d: DenseMatrix, l: DenseMatrix) {
    let b = blocks.blockSize
    var d = DenseMatrix(rowCount: dense.rowCount, columnCount: dense.columnCount)
    var l = d
    for r in 0..<dense.rowCount {
      for c in 0..<dense.columnCount {
        if r / b == c / b { d[r, c] = dense[r, c] } else if r / b > c / b { l[r, c] = dense[r, c] }
      }
    }
    return (d, l)
  }
}

@Suite("Block preconditioners: block Jacobi and block SSOR of a symmetric block-sparse matrix")
struct BlockPreconditionerTests {
  static let networks = [
    SpringNetwork(nodes: 30, blockSize: 2, couplingsPerNode: 3, shift: 1e-3, seed: 5),
    SpringNetwork(nodes: 20, blockSize: 3, couplingsPerNode: 4, shift: 1e-2, seed: 6),
  ]

  @Test("the block-sparse product equals the dense matrix's", arguments: networks)
  func product(network: SpringNetwork) {
    var generator = SplitMix64(seed: 1)
    let x = TestMatrices.randomVector(network.dense.columnCount, using: &generator)
    var result = [Double]()
    network.blocks.apply(x, into: &result)
    #expect(TestMatrices.distance(result, network.dense(x)) <= 1e-13 * VectorOperations.norm(network.dense(x)))
  }

  @Test("block Jacobi applies D⁻¹, the dense block diagonal's inverse", arguments: networks)
  func blockJacobi(network: SpringNetwork) throws {
    var generator = SplitMix64(seed: 2)
    let r = TestMatrices.randomVector(network.dense.rowCount, using: &generator)
    var z = [Double](repeating: 0, count: r.count)
    try BlockJacobiPreconditioner(network.blocks).apply(r, into: &z)
    let expected = try LUFactorization(network.splitting().d).solve(r)
    #expect(TestMatrices.distance(z, expected) <= 1e-10 * VectorOperations.norm(expected))
  }

  @Test("SSOR applies M⁻¹ with M = (D + ωL) D⁻¹ (D + ωLᵀ) / (ω(2 − ω)), formed densely",
        arguments: networks, [1.0, 1.5])
  func symmetricSOR(network: SpringNetwork, relaxation ω: Double) throws {
    let (d, l) = network.splitting()
    let n = d.rowCount
    var lower = d
    for r in 0..<n { for c in 0..<n { lower[r, c] += ω * l[r, c] } }
    let dInverse = try LUFactorization(d).solve(DenseMatrix.identity(n))
    var m = lower * dInverse * lower.transposed
    for index in m.elements.indices { m.elements[index] /= ω * (2 - ω) }
    var generator = SplitMix64(seed: 3)
    let r = TestMatrices.randomVector(n, using: &generator)
    var z = [Double](repeating: 0, count: n)
    try SymmetricSORPreconditioner(network.blocks, relaxation: ω).apply(r, into: &z)
    let expected = try LUFactorization(m).solve(r)
    #expect(TestMatrices.distance(z, expected) <= 1e-9 * VectorOperations.norm(expected))
  }

  @Test("CG preconditioned by block Jacobi or SSOR solves A x = b as LU does; SSOR in fewer iterations",
        arguments: networks)
  func preconditionedSolve(network: SpringNetwork) throws {
    var generator = SplitMix64(seed: 4)
    let b = TestMatrices.randomVector(network.dense.rowCount, using: &generator)
    let exact = try LUFactorization(network.dense).solve(b)
    let plain = ConjugateGradient(tolerance: 1e-12, maximumIterations: 5000).solve(network.dense, b, initialGuess: nil)
    let preconditioners: [any Preconditioner] = [try BlockJacobiPreconditioner(network.blocks),
                                                 try SymmetricSORPreconditioner(network.blocks)]
    for preconditioner in preconditioners {
      let solve = ConjugateGradient(tolerance: 1e-12, maximumIterations: 5000, preconditioner: preconditioner)
        .solve(network.dense, b, initialGuess: nil)
      #expect(solve.converged)
      #expect(TestMatrices.distance(solve.solution, exact) <= 1e-8 * VectorOperations.norm(exact))
      if preconditioner is SymmetricSORPreconditioner { #expect(solve.iterations < plain.iterations) }
    }
  }

  @Test("SSOR on a block of columns equals SSOR column by column, bit for bit; so does CG in lockstep",
        arguments: networks)
  func blockApplication(network: SpringNetwork) throws {
    var generator = SplitMix64(seed: 7)
    let n = network.dense.rowCount
    let columns = (0..<3).map { _ in TestMatrices.randomVector(n, using: &generator) }
    let preconditioner = try SymmetricSORPreconditioner(network.blocks, relaxation: 1.3)
    var block = columns.map { _ in [Double](repeating: 0, count: n) }
    preconditioner.apply(block: columns, into: &block)
    for (column, blockResult) in zip(columns, block) {
      var single = [Double](repeating: 0, count: n)
      preconditioner.apply(column, into: &single)
      #expect(single == blockResult)
    }
    let solver = ConjugateGradient(tolerance: 1e-12, maximumIterations: 5000, preconditioner: preconditioner)
    let lockstep = solver.solve(network.dense, block: columns)
    for (column, result) in zip(columns, lockstep) {
      let alone = solver.solve(network.dense, column, initialGuess: nil)
      #expect(result.solution == alone.solution && result.iterations == alone.iterations)
    }
  }

  @Test("a diagonal block that is not positive definite, or ω outside (0, 2), is refused")
  func refusals() throws {
    let indefinite = try SymmetricBlockSparseMatrix(blockSize: 2, diagonal: [1, 0, 0, 1, 1, 2, 2, 1], couplings: [])
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinorOrder: 4)) {
      try BlockJacobiPreconditioner(indefinite)
    }
    let network = Self.networks[0].blocks
    #expect(throws: LinearAlgebraError.self) { try SymmetricSORPreconditioner(network, relaxation: 2) }
    #expect(throws: LinearAlgebraError.self) {
      try SymmetricBlockSparseMatrix(blockSize: 2, diagonal: [1, 0, 0, 1], couplings: [(0, 0, [1, 0, 0, 1])])
    }
  }
}
