import Foundation
import ImplicitDifferentiation
import LinearAlgebra
import Testing

/// Symmetric linear maps that count their products: how a particle code's block product (one pass
/// over its pairs for k vectors) is seen by the engine.
final class ProductLog: @unchecked Sendable {
  var singleProducts = 0
  var blockSizes = [Int]()
}

struct CountingLinearization: OptimalityLinearization {
  let matrix: DenseMatrix
  let parameterColumns: [[Double]]
  let structure: LinearMapStructure
  let log = ProductLog()

  var stateDimension: Int { matrix.rowCount }
  var parameterDimension: Int { parameterColumns.count }

  func applyA(_ v: [Double]) -> [Double] {
    log.singleProducts += 1
    return matrix(v)
  }
  func applyATranspose(_ w: [Double]) -> [Double] { applyA(w) }
  func applyB(_ u: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: stateDimension)
    for (column, weight) in zip(parameterColumns, u) { VectorOperations.axpy(weight, column, &result) }
    return result
  }
  func applyBTranspose(_ w: [Double]) -> [Double] { parameterColumns.map { Dense.dot($0, w) } }

  func applyA(block vectors: [[Double]]) -> [[Double]] {
    log.blockSizes.append(vectors.count)
    return vectors.map { matrix($0) }
  }
}

@Suite("Several right-hand sides at once: rootJacobianVectorProducts")
struct BlockProductTests {
  /// d = 80 (above the dense limit, so the default solver is CG), eigenvalues 1 … 100.
  static func problem(nullity: Int = 0) -> SingularProblem {
    SingularProblem(dimension: 80, nullity: nullity,
                    spectrum: TestSpectrum.geometric(80 - nullity, from: 1, to: 100),
                    parameterCount: 5, seed: 21)
  }

  static let tangents: [[Double]] = [
    [1, 0, 0, 0, 0], [0.3, -0.2, 1, 0.5, -1], [0, 0, 0, 0, 0], [-2, 1, 0, 1, 0.25],
  ]

  @Test("k tangents at once equal k separate JVPs to 1e-12, each with its own solve report",
        arguments: [0, 3])
  func blockEqualsSeparate(nullity: Int) throws {
    let problem = Self.problem(nullity: nullity)
    let linearization = problem.linearization(structure: .symmetricPositiveDefinite)
    let nullSpace = nullity == 0 ? nil : try NullSpace(orthonormalBasis: problem.nullVectors)
    for solver in [nil, ConjugateGradient(), MINRES(), DenseLinearSolver()] as [(any LinearSolver)?] {
      let block = try rootJacobianVectorProducts(
        linearization, parameterTangents: Self.tangents, linearSolver: solver, nullSpace: nullSpace)
      #expect(block.count == Self.tangents.count)
      for (tangent, product) in zip(Self.tangents, block) {
        let single = try rootJacobianVectorProduct(
          linearization, parameterTangent: tangent, linearSolver: solver, nullSpace: nullSpace)
        let scale = max(Dense.norm(single.value), .leastNormalMagnitude)
        #expect(Dense.norm(zip(product.value, single.value).map { $0 - $1 }) <= 1e-12 * scale)
        #expect(product.linearSolve.iterations == single.linearSolve.iterations)
        #expect(product.linearSolve.status == single.linearSolve.status)
        #expect(product.nullSpaceComponent == single.nullSpaceComponent)
        if nullity == 0 {
          // Against LAPACK: A⁻¹ B dθ.
          let reference = problem.pseudoInverse(problem.applyB(tangent))
          #expect(Dense.norm(zip(product.value, reference).map { $0 - $1 })
                    <= 1e-8 * max(Dense.norm(reference), 1e-300))
        }
      }
      // The zero tangent needs no solve.
      #expect(block[2].value.allSatisfy { $0 == 0 } && block[2].linearSolve.iterations == 0)
    }
  }

  @Test("CG in lockstep applies A once per iteration to the block of unconverged columns")
  func oneBlockProductPerIteration() throws {
    let problem = Self.problem()
    // Tangent 0 excites B's first column; tangent 1 a right-hand side on two eigenvectors, which CG
    // solves in two iterations: it converges early and leaves the block.
    let v1 = problem.eigen.eigenvectors.column(10), v2 = problem.eigen.eigenvectors.column(50)
    let early = zip(v1, v2).map { $0 + $1 }
    let columns = [problem.parameterColumns[0], early, problem.parameterColumns[1]]
    let linearization = CountingLinearization(
      matrix: problem.matrix, parameterColumns: columns, structure: .symmetricPositiveDefinite)
    let products = try rootJacobianVectorProducts(
      linearization, parameterTangents: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
      linearSolver: ConjugateGradient())
    let iterations = products.map(\.linearSolve.iterations)
    #expect(products.allSatisfy { $0.linearSolve.status == .converged })
    #expect(iterations[1] == 2)
    #expect(iterations[0] > 20 && iterations[2] > 20)
    // No product went through the one-vector path, and there was one block product per pass:
    // pass p carries every column still iterating (its direction) or being confirmed (its iterate),
    // i.e. the columns with at least p − 1 iterations.
    #expect(linearization.log.singleProducts == 0)
    let passes = iterations.max()! + 1
    #expect(linearization.log.blockSizes.count == passes)
    #expect(linearization.log.blockSizes == (1...passes).map { p in iterations.filter { $0 + 1 >= p }.count })
    #expect(linearization.log.blockSizes.first == 3)
    // The early column's answer is A⁻¹(v₁ + v₂) = v₁/λ₁ + v₂/λ₂.
    let λ = problem.eigen.eigenvalues
    let reference = zip(v1, v2).map { $0 / λ[10] + $1 / λ[50] }
    #expect(problem.relativeDistance(products[1].value, reference) <= 1e-10)
  }

  @Test("Each column has its own status: one converges, the others run out of iterations")
  func perColumnStatus() throws {
    let problem = Self.problem()
    let v = problem.eigen.eigenvectors.column(7)
    let linearization = CountingLinearization(
      matrix: problem.matrix, parameterColumns: [v, problem.parameterColumns[0]],
      structure: .symmetricPositiveDefinite)
    let solver = ConjugateGradient(maximumIterations: 5)
    let results = solver.solve(
      MatrixFreeOperator(dimension: 80) { x, result in result = linearization.applyA(x) },
      block: [v, problem.parameterColumns[0]])
    #expect(results[0].status == .converged && results[0].iterations == 1)
    #expect(results[1].status == .maximumIterationsReached && results[1].iterations == 5)
    // The engine reports the failed column's typed status.
    #expect(throws: ImplicitDifferentiationError.linearSolveFailed(
      solver: "cg", status: .maximumIterationsReached, iterations: 5,
      relativeResidual: results[1].relativeResidual)) {
      try rootJacobianVectorProducts(linearization, parameterTangents: [[1, 0], [0, 1]], linearSolver: solver)
    }
  }

  @Test("A tangent inconsistent with the null space is refused by name; wrong lengths are named")
  func blockErrorsNameTheColumn() throws {
    let problem = Self.problem(nullity: 2)
    let nullSpace = try NullSpace(orthonormalBasis: [problem.nullVectors[0]])
    // The stated null space misses t₁; B's columns are orthogonal to both, so all is consistent…
    let linearization = problem.linearization(structure: .symmetricPositiveDefinite)
    // …but a B with a t₀ component in its third column is not.
    var columns = problem.parameterColumns
    VectorOperations.axpy(1, problem.nullVectors[0], &columns[2])
    let tilted = SuppliedLinearization(
      stateDimension: 80, parameterDimension: 5, structure: .symmetricPositiveDefinite,
      productA: { problem.matrix($0) },
      productB: { u in Dense.multiply(Dense.transpose(columns), u) },
      transposeProductB: { w in columns.map { Dense.dot($0, w) } })
    let error = #expect(throws: ImplicitDifferentiationError.self) {
      try rootJacobianVectorProducts(
        tilted, parameterTangents: [[1, 0, 0, 0, 0], [0, 0, 1, 0, 0]], nullSpace: nullSpace)
    }
    guard case .inconsistentRightHandSide(let quantity, _, _)? = error else {
      Issue.record("expected inconsistentRightHandSide, got \(String(describing: error))")
      return
    }
    #expect(quantity == "B·dθ 1")
    #expect(throws: ImplicitDifferentiationError.dimensionMismatch(
      quantity: "parameter tangent 1", expected: 5, actual: 2)) {
      try rootJacobianVectorProducts(linearization, parameterTangents: [[1, 0, 0, 0, 0], [1, 0]])
    }
    #expect(try rootJacobianVectorProducts(linearization, parameterTangents: []).isEmpty)
  }
}
