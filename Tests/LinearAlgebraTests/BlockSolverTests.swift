import LinearAlgebra
import RandomNumbers
import Testing

/// A dense operator that records its products: how many single-vector calls, and the size of
/// every block.
final class BlockCountingOperator: LinearOperator, @unchecked Sendable {
  let matrix: DenseMatrix
  var singleProducts = 0
  var blockSizes = [Int]()

  init(_ matrix: DenseMatrix) { self.matrix = matrix }

  var rowCount: Int { matrix.rowCount }
  var columnCount: Int { matrix.columnCount }

  func apply(_ x: [Double], into result: inout [Double]) {
    singleProducts += 1
    matrix.apply(x, into: &result)
  }

  func apply(block x: [[Double]], into result: inout [[Double]]) {
    blockSizes.append(x.count)
    result = x.map { matrix($0) }
  }
}

@Suite("Block solvers: k right-hand sides, one block product per iteration")
struct BlockSolverTests {
  /// SPD, n = 60, eigenvalues 1 … 1e3, with four right-hand sides: random, on two eigenvectors
  /// (CG needs two iterations), zero, random.
  static func problem() -> (matrix: DenseMatrix, eigenvectors: DenseMatrix, rhs: [[Double]]) {
    var generator = SplitMix64(seed: 31)
    let v = TestMatrices.randomOrthogonal(60, using: &generator)
    let matrix = TestMatrices.symmetric(eigenvalues: TestMatrices.geometric(60, from: 1, to: 1e3), eigenvectors: v)
    let early = zip(v.column(3), v.column(40)).map { $0 - 2 * $1 }
    let rhs = [TestMatrices.randomVector(60, using: &generator), early,
               [Double](repeating: 0, count: 60), TestMatrices.randomVector(60, using: &generator)]
    return (matrix, v, rhs)
  }

  @Test("CG in lockstep equals k separate CG solves: solutions to 1e-12, iterations, statuses, residuals",
        arguments: [false, true])
  func lockstepEqualsSeparate(preconditioned: Bool) {
    let (matrix, _, rhs) = Self.problem()
    var solver = ConjugateGradient(tolerance: 1e-12)
    if preconditioned { solver.preconditioner = try! JacobiPreconditioner(diagonal: (0..<60).map { matrix[$0, $0] }) }
    let block = solver.solve(matrix, block: rhs)
    #expect(block.count == rhs.count)
    for (b, result) in zip(rhs, block) {
      let single = solver.solve(matrix, b)
      #expect(TestMatrices.distance(result.solution, single.solution)
                <= 1e-12 * max(VectorOperations.norm(single.solution), .leastNormalMagnitude))
      #expect(result.iterations == single.iterations)
      #expect(result.status == single.status)
      #expect(result.relativeResidual == single.relativeResidual)
      #expect(result.status == .converged)
    }
    // Without a preconditioner the right-hand side on two eigenvectors takes two iterations.
    if !preconditioned { #expect(block[1].iterations == 2) }
    #expect(block[2].iterations == 0)
  }

  @Test("One block product per pass, over the columns still iterating or being confirmed; none single")
  func oneBlockProductPerIteration() {
    let (matrix, _, rhs) = Self.problem()
    let counting = BlockCountingOperator(matrix)
    let results = ConjugateGradient().solve(counting, block: rhs)
    let iterations = results.map(\.iterations)
    #expect(counting.singleProducts == 0)
    // The zero column needs no product; the others are in passes 1 … iterations + 1.
    let passes = iterations.max()! + 1
    #expect(counting.blockSizes == (1...passes).map { p in
      zip(rhs, iterations).filter { !$0.0.allSatisfy { $0 == 0 } && $0.1 + 1 >= p }.count
    })
    #expect(counting.blockSizes.first == 3)
  }

  @Test("A column that converges early stops changing while the others iterate")
  func earlyColumnStopsChanging() {
    let (matrix, v, rhs) = Self.problem()
    let λ = TestMatrices.geometric(60, from: 1, to: 1e3)
    let reference = zip(v.column(3), v.column(40)).map { $0 / λ[3] - 2 * $1 / λ[40] }
    // With an iteration budget that stops the random columns early, the early one is unaffected.
    for budget in [3, 10, 1000] {
      let results = ConjugateGradient(maximumIterations: budget).solve(matrix, block: rhs)
      #expect(results[1].status == .converged && results[1].iterations == 2)
      #expect(TestMatrices.distance(results[1].solution, reference) <= 1e-12 * VectorOperations.norm(reference))
      #expect(results[0].status == (budget == 1000 ? .converged : .maximumIterationsReached))
      #expect(results[0].iterations == min(budget, results[0].iterations))
    }
  }

  @Test("Per-column breakdown: an indefinite A stops one column with non-positive curvature, not the column on a positive eigenvector")
  func perColumnBreakdown() {
    var generator = SplitMix64(seed: 8)
    let v = TestMatrices.randomOrthogonal(20, using: &generator)
    let eigenvalues = (0..<20).map { $0 < 5 ? -Double($0 + 1) : Double($0) }
    let matrix = TestMatrices.symmetric(eigenvalues: eigenvalues, eigenvectors: v)
    let b = [v.column(12), v.column(0)]
    let results = ConjugateGradient().solve(matrix, block: b)
    #expect(results[0].status == .converged)
    #expect(results[1].status == ConjugateGradient().solve(matrix, b[1]).status)
    guard case .breakdown(let reason) = results[1].status else {
      Issue.record("expected a breakdown, got \(results[1].status)")
      return
    }
    #expect(reason.contains("non-positive curvature"))
  }

  @Test("Initial guesses: lockstep equals separate solves from the same guesses")
  func initialGuesses() {
    let (matrix, _, rhs) = Self.problem()
    var generator = SplitMix64(seed: 2)
    let guesses = rhs.map { _ in TestMatrices.randomVector(60, using: &generator) }
    let block = ConjugateGradient().solve(matrix, block: rhs, initialGuesses: guesses)
    for (index, result) in block.enumerated() {
      let single = ConjugateGradient().solve(matrix, rhs[index], initialGuess: guesses[index])
      #expect(result.solution == single.solution)
      #expect(result.iterations == single.iterations && result.status == single.status)
    }
  }

  @Test("Dense LU for k columns: one factorisation, two block products, the single-solve answers")
  func denseBlock() {
    let (matrix, _, rhs) = Self.problem()
    let counting = BlockCountingOperator(matrix)
    let block = DenseLinearSolver().solve(counting, block: rhs)
    #expect(counting.singleProducts == 0)
    #expect(counting.blockSizes == [60, 3])
    for (b, result) in zip(rhs, block) {
      let single = DenseLinearSolver().solve(matrix, b)
      #expect(result.solution == single.solution)
      #expect(result.status == single.status && result.iterations == single.iterations)
      #expect(result.relativeResidual == single.relativeResidual)
    }
  }

  @Test("A solver without a block method solves column by column through solveEachColumn")
  func fallbackColumnByColumn() {
    let (matrix, _, rhs) = Self.problem()
    let counting = BlockCountingOperator(matrix)
    let results = MINRES().solveEachColumn(counting, rhs)
    #expect(counting.blockSizes.isEmpty && counting.singleProducts > 0)
    for (b, result) in zip(rhs, results) {
      #expect(result.solution == MINRES().solve(matrix, b).solution)
    }
    let blockCounting = BlockCountingOperator(matrix)
    _ = ConjugateGradient().solveEachColumn(blockCounting, rhs)
    #expect(blockCounting.singleProducts == 0 && !blockCounting.blockSizes.isEmpty)
  }

  @Test("The default block product applies the operator column by column")
  func defaultBlockProduct() {
    let (matrix, _, rhs) = Self.problem()
    let closure = MatrixFreeOperator(dimension: 60) { x, result in matrix.apply(x, into: &result) }
    var products = [[Double]]()
    closure.apply(block: rhs, into: &products)
    #expect(products == rhs.map { matrix($0) })
  }
}
