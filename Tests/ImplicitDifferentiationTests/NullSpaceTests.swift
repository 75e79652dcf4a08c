import Foundation
import ImplicitDifferentiation
import LinearAlgebra
import Testing

/// A singular symmetric A = V diag(λ) Vᵀ whose first `nullity` eigenvalues are zero, so that its
/// null space T (the first columns of V) is known exactly, with B = P·(random) consistent with it.
struct SingularProblem {
  let matrix: DenseMatrix
  let eigen: SymmetricEigendecomposition
  /// T's columns, orthonormal.
  let nullVectors: [[Double]]
  /// B's columns (d × n), orthogonal to the null space.
  let parameterColumns: [[Double]]

  /// - Parameters:
  ///   - spectrum: the non-zero eigenvalues of A.
  ///   - nullSpan: vectors spanning the null space (m of them), or none for a random one.
  init(dimension d: Int, nullity m: Int, spectrum: [Double], parameterCount n: Int, seed: UInt64,
       nullSpan: [[Double]] = []) {
    precondition(spectrum.count == d - m && (nullSpan.isEmpty || nullSpan.count == m))
    var random = ImplicitTestRandom(seed: seed)
    // An orthonormal V by Gram–Schmidt on the null span, then on random vectors.
    var vectors = [[Double]]()
    while vectors.count < d {
      var v = vectors.count < nullSpan.count ? nullSpan[vectors.count] : random.vector(d)
      for _ in 0..<2 { for q in vectors { VectorOperations.axpy(-Dense.dot(q, v), q, &v) } }
      vectors.append(v.map { $0 / Dense.norm(v) })
    }
    let eigenvalues = [Double](repeating: 0, count: m) + spectrum
    var rows = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
    for (λ, v) in zip(eigenvalues, vectors) {
      for i in 0..<d { for j in 0..<d { rows[i][j] += λ * v[i] * v[j] } }
    }
    // Exactly symmetric, as LAPACK's symmetric eigensolver requires.
    for i in 0..<d { for j in 0..<i { rows[i][j] = rows[j][i] } }
    matrix = DenseMatrix(rows: rows)
    eigen = try! SymmetricEigendecomposition(matrix)
    nullVectors = Array(vectors.prefix(m))
    let nullVectors = self.nullVectors
    parameterColumns = (0..<n).map { _ in
      var column = random.vector(d)
      for t in nullVectors { VectorOperations.axpy(-Dense.dot(t, column), t, &column) }
      return column
    }
  }

  var dimension: Int { matrix.rowCount }

  /// B·u.
  func applyB(_ u: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: dimension)
    for (column, weight) in zip(parameterColumns, u) { VectorOperations.axpy(weight, column, &result) }
    return result
  }

  /// Bᵀ·w.
  func applyBTranspose(_ w: [Double]) -> [Double] { parameterColumns.map { Dense.dot($0, w) } }

  /// The linear maps with A = `sign`·matrix, declared with `structure`.
  func linearization(structure: LinearMapStructure, sign: Double = 1) -> SuppliedLinearization {
    SuppliedLinearization(
      stateDimension: dimension, parameterDimension: parameterColumns.count, structure: structure,
      productA: { self.matrix($0).map { sign * $0 } },
      productB: applyB, transposeProductB: applyBTranspose)
  }

  /// The minimum-norm solution A⁺ b = Σ_{λₖ ≠ 0} vₖ (vₖᵀ b) / λₖ from LAPACK's eigendecomposition.
  func pseudoInverse(_ b: [Double]) -> [Double] {
    let largest = eigen.eigenvalues.map(abs).max() ?? 0
    var result = [Double](repeating: 0, count: dimension)
    for (k, λ) in eigen.eigenvalues.enumerated() where abs(λ) > 1e-10 * largest {
      let v = eigen.eigenvectors.column(k)
      VectorOperations.axpy(Dense.dot(v, b) / λ, v, &result)
    }
    return result
  }

  func relativeDistance(_ x: [Double], _ reference: [Double]) -> Double {
    Dense.norm(zip(x, reference).map { $0 - $1 }) / Dense.norm(reference)
  }
}

@Suite("Consistent singular systems with a known null space")
struct NullSpaceTests {
  /// d = 12, a two-dimensional null space (as the translations of a 2D periodic system),
  /// eigenvalues 0.5 … 20 on the complement.
  let problem = SingularProblem(
    dimension: 12, nullity: 2, spectrum: TestSpectrum.geometric(10, from: 0.5, to: 20),
    parameterCount: 3, seed: 13)

  static let solvers: [(any LinearSolver)?] = [
    nil, ConjugateGradient(tolerance: 1e-13), MINRES(tolerance: 1e-13), DenseLinearSolver(),
  ]

  @Test("A singular consistent system is solved: J·dθ = A⁺ B·dθ (dense eigendecomposition), Tᵀ J·dθ = 0, and the null-space component of B·dθ is reported",
        arguments: solvers.indices)
  func consistentSystemIsSolved(solverIndex: Int) throws {
    let solver = Self.solvers[solverIndex]
    let nullSpace = try NullSpace(orthonormalBasis: problem.nullVectors)
    let tangent = [0.3, -1.2, 0.7]
    let product = try rootJacobianVectorProduct(
      problem.linearization(structure: .symmetricPositiveDefinite), parameterTangent: tangent,
      linearSolver: solver, nullSpace: nullSpace)
    let reference = problem.pseudoInverse(problem.applyB(tangent))
    #expect(problem.relativeDistance(product.value, reference) <= 1e-10)
    for t in problem.nullVectors { #expect(abs(Dense.dot(t, product.value)) <= 1e-13) }
    let component = try #require(product.nullSpaceComponent)
    #expect(component <= 1e-14)
    #expect(product.linearSolve.converged)
  }

  @Test("A B·dθ with a component in the null space is refused, naming its size")
  func inconsistentSystemIsRefused() throws {
    let nullSpace = try NullSpace(orthonormalBasis: problem.nullVectors)
    // B's first column tilted into the null space: ‖Tᵀ b‖ / ‖b‖ = 0.1 exactly for B·e₀.
    var columns = problem.parameterColumns
    let scale = 0.1 / (1 - 0.01).squareRoot() * Dense.norm(columns[0])
    VectorOperations.axpy(scale, problem.nullVectors[1], &columns[0])
    let tilted = SuppliedLinearization(
      stateDimension: problem.dimension, parameterDimension: 3, structure: .symmetricPositiveDefinite,
      productA: { problem.matrix($0) },
      productB: { u in Dense.multiply(Dense.transpose(columns), u) },
      transposeProductB: { w in columns.map { Dense.dot($0, w) } })
    let error = #expect(throws: ImplicitDifferentiationError.self) {
      try rootJacobianVectorProduct(tilted, parameterTangent: [1, 0, 0], nullSpace: nullSpace)
    }
    guard case .inconsistentRightHandSide(let quantity, let component, let tolerance)? = error else {
      Issue.record("expected inconsistentRightHandSide, got \(String(describing: error))")
      return
    }
    #expect(quantity == "B·dθ")
    #expect(abs(component - 0.1) <= 1e-12)
    #expect(tolerance == 1e-8)
    #expect(error!.description.contains("relative component \(component) in the null space"))
    #expect(error!.description.contains("no solution"))
    // The other tangent directions are consistent and still solved.
    #expect(throws: Never.self) {
      try rootJacobianVectorProduct(tilted, parameterTangent: [0, 1, 0], nullSpace: nullSpace)
    }
  }

  @Test("A null-space component at rounding level is accepted and reported, not refused")
  func roundingComponentIsAccepted() throws {
    var columns = problem.parameterColumns
    VectorOperations.axpy(1e-12, problem.nullVectors[0], &columns[2])
    let linearization = SuppliedLinearization(
      stateDimension: problem.dimension, parameterDimension: 3, structure: .symmetricPositiveDefinite,
      productA: { problem.matrix($0) },
      productB: { u in Dense.multiply(Dense.transpose(columns), u) },
      transposeProductB: { w in columns.map { Dense.dot($0, w) } })
    let product = try rootJacobianVectorProduct(
      linearization, parameterTangent: [0, 0, 1], nullSpace: try NullSpace(orthonormalBasis: problem.nullVectors))
    let expected = 1e-12 / Dense.norm(columns[2])
    #expect(abs(try #require(product.nullSpaceComponent) - expected) <= 1e-3 * expected)
    #expect(problem.relativeDistance(product.value, problem.pseudoInverse(problem.parameterColumns[2])) <= 1e-10)
  }

  @Test("VJP: the cotangent's null-space component is a gauge choice, reported and removed; uᵀJ = (P u)ᵀ A⁺ B and uᵀ(J v) = (uᵀJ) v", arguments: solvers.indices)
  func adjointRemovesGaugeComponent(solverIndex: Int) throws {
    let solver = Self.solvers[solverIndex]
    let nullSpace = try NullSpace(orthonormalBasis: problem.nullVectors)
    let linearization = problem.linearization(structure: .symmetricPositiveDefinite)
    var random = ImplicitTestRandom(seed: 99)
    var u = random.vector(problem.dimension)
    VectorOperations.axpy(2, problem.nullVectors[0], &u)
    let product = try rootVectorJacobianProduct(
      linearization, cotangent: u, linearSolver: solver, nullSpace: nullSpace)
    #expect(abs(try #require(product.nullSpaceComponent) - nullSpace.relativeComponent(of: u)) == 0)
    #expect(try #require(product.nullSpaceComponent) > 0.1)
    let reference = problem.applyBTranspose(problem.pseudoInverse(nullSpace.projected(u)))
    #expect(problem.relativeDistance(product.value, reference) <= 1e-10)
    let v = [0.4, 0.1, -0.9]
    let forward = try rootJacobianVectorProduct(
      linearization, parameterTangent: v, linearSolver: solver, nullSpace: nullSpace).value
    #expect(abs(Dense.dot(u, forward) - Dense.dot(product.value, v)) <= 1e-10)
  }

  @Test("A negative semidefinite A (F = ∇f at a degenerate maximum) is solved by CG on −A")
  func negativeSemidefinite() throws {
    let nullSpace = try NullSpace(orthonormalBasis: problem.nullVectors)
    let tangent = [1.0, 2.0, -1.0]
    let product = try rootJacobianVectorProduct(
      problem.linearization(structure: .symmetricNegativeDefinite, sign: -1), parameterTangent: tangent,
      linearSolver: ConjugateGradient(tolerance: 1e-13), nullSpace: nullSpace)
    let reference = problem.pseudoInverse(problem.applyB(tangent)).map { -$0 }
    #expect(problem.relativeDistance(product.value, reference) <= 1e-10)
  }

  @Test("A symmetric indefinite singular A (a degenerate saddle) is solved by MINRES: A⁺ b")
  func indefinite() throws {
    let saddle = SingularProblem(
      dimension: 10, nullity: 1, spectrum: [-3, -1, -0.5, 0.5, 1, 2, 4, 6, 9], parameterCount: 2, seed: 5)
    let nullSpace = try NullSpace(orthonormalBasis: saddle.nullVectors)
    for solver in [nil, MINRES(tolerance: 1e-13) as (any LinearSolver)?] {
      let product = try rootJacobianVectorProduct(
        saddle.linearization(structure: .symmetric), parameterTangent: [1, -1], linearSolver: solver,
        nullSpace: nullSpace)
      #expect(saddle.relativeDistance(product.value, saddle.pseudoInverse(saddle.applyB([1, -1]))) <= 1e-10)
    }
  }

  @Test("The shift μ does not change the solution: given, or estimated from A's scale")
  func shiftDoesNotChangeTheSolution() throws {
    let linearization = problem.linearization(structure: .symmetricPositiveDefinite)
    let estimated = try NullSpace(orthonormalBasis: problem.nullVectors)
    // The estimate lies within A's spectrum on the complement (a weighted mean of its eigenvalues).
    let shift = estimated.estimatedShift(of: problem.matrix)
    #expect(shift >= 0.5 && shift <= 20)
    let reference = problem.pseudoInverse(problem.applyB([1, 1, 1]))
    for μ in [nil, 1e-3, 1.0, 1e3] as [Double?] {
      let nullSpace = try NullSpace(orthonormalBasis: problem.nullVectors, shift: μ)
      for solver in [ConjugateGradient(tolerance: 1e-13), DenseLinearSolver()] as [any LinearSolver] {
        let product = try rootJacobianVectorProduct(
          linearization, parameterTangent: [1, 1, 1], linearSolver: solver, nullSpace: nullSpace)
        #expect(problem.relativeDistance(product.value, reference) <= 1e-9)
      }
    }
  }

  @Test("Without the null space the singular system fails to solve (dense LU), with a typed status")
  func withoutNullSpaceTheSolveFails() throws {
    let error = #expect(throws: ImplicitDifferentiationError.self) {
      try rootJacobianVectorProduct(
        problem.linearization(structure: .symmetricPositiveDefinite), parameterTangent: [1, 0, 0],
        linearSolver: DenseLinearSolver())
    }
    guard case .linearSolveFailed(_, let status, _, _)? = error else {
      Issue.record("expected linearSolveFailed, got \(String(describing: error))")
      return
    }
    #expect(status != .converged)
  }

  @Test("A basis built by Gram–Schmidt from arbitrary spanning vectors gives the same answer")
  func spanningVectors() throws {
    let t = problem.nullVectors
    let spanning = [zip(t[0], t[1]).map { 3 * $0 + $1 }, zip(t[0], t[1]).map { $0 - 2 * $1 }]
    let nullSpace = try NullSpace(spanning: spanning)
    #expect(nullSpace.count == 2)
    for i in 0..<2 {
      for j in 0..<2 {
        #expect(abs(Dense.dot(nullSpace.basis![i], nullSpace.basis![j]) - (i == j ? 1 : 0)) <= 1e-15)
      }
    }
    let linearization = problem.linearization(structure: .symmetricPositiveDefinite)
    let product = try rootJacobianVectorProduct(
      linearization, parameterTangent: [1, 2, 3], nullSpace: nullSpace)
    #expect(problem.relativeDistance(product.value, problem.pseudoInverse(problem.applyB([1, 2, 3]))) <= 1e-10)
  }

  @Test("Dependent, non-orthonormal, ragged or non-finite basis vectors are refused")
  func badBases() throws {
    let t = problem.nullVectors
    #expect(throws: ImplicitDifferentiationError.nullSpaceBasisDependent(index: 2, remainingFraction: 0)) {
      try NullSpace(spanning: [t[0], t[1], [Double](repeating: 0, count: 12)])
    }
    let error = #expect(throws: ImplicitDifferentiationError.self) {
      try NullSpace(spanning: [t[0], t[1], zip(t[0], t[1]).map { $0 + 1e-13 * $1 - $1 }])
    }
    guard case .nullSpaceBasisDependent(let index, let fraction)? = error else {
      Issue.record("expected nullSpaceBasisDependent, got \(String(describing: error))")
      return
    }
    #expect(index == 2 && fraction <= 1e-10)
    #expect(throws: ImplicitDifferentiationError.nullSpaceBasisNotOrthonormal(
      first: 0, second: 0, innerProduct: 4)) {
      try NullSpace(orthonormalBasis: [t[0].map { 2 * $0 }])
    }
    #expect(throws: ImplicitDifferentiationError.dimensionMismatch(
      quantity: "null-space basis vector 1", expected: 12, actual: 3)) {
      try NullSpace(spanning: [t[0], [1, 2, 3]])
    }
    #expect(throws: ImplicitDifferentiationError.nonFinite(quantity: "null-space basis vector 0", index: 4)) {
      try NullSpace(spanning: [t[0].enumerated().map { $0.offset == 4 ? .nan : $0.element }])
    }
    // A basis of the wrong length for the linearization.
    #expect(throws: ImplicitDifferentiationError.dimensionMismatch(
      quantity: "null-space basis vector 0", expected: 12, actual: 2)) {
      try rootJacobianVectorProduct(
        problem.linearization(structure: .symmetricPositiveDefinite), parameterTangent: [1, 0, 0],
        nullSpace: try NullSpace(orthonormalBasis: [[1, 0]]))
    }
  }

  @Test("A null space for a non-symmetric A is refused: its left and right null spaces differ")
  func generalStructureIsRefused() throws {
    let general = SuppliedLinearization(
      stateDimension: problem.dimension, parameterDimension: 3, structure: .general,
      productA: { problem.matrix($0) }, transposeProductA: { problem.matrix($0) },
      productB: problem.applyB, transposeProductB: problem.applyBTranspose)
    let nullSpace = try NullSpace(orthonormalBasis: problem.nullVectors)
    #expect(throws: ImplicitDifferentiationError.nullSpaceNeedsSymmetricOperator(structure: .general)) {
      try rootJacobianVectorProduct(general, parameterTangent: [1, 0, 0], nullSpace: nullSpace)
    }
    #expect(throws: ImplicitDifferentiationError.nullSpaceNeedsSymmetricOperator(structure: .general)) {
      try rootVectorJacobianProduct(general, cotangent: problem.parameterColumns[0], nullSpace: nullSpace)
    }
  }
}

/// A null space given by its projector, as a particle code gives the translations of its rigid
/// clusters: P subtracts each cluster's mean displacement per axis, and T is never formed.
@Suite("A null space given by its projector")
struct ProjectorNullSpaceTests {
  /// Two clusters of three particles in 2D (d = 12): their translations span a 4-dimensional null
  /// space.
  static let clusters = [[0, 1, 2], [3, 4, 5]]
  static let spatialDimension = 2

  /// The unit translation of one cluster along one axis.
  static var translations: [[Double]] {
    clusters.flatMap { cluster in
      (0..<spatialDimension).map { axis in
        (0..<12).map { index in cluster.contains(index / spatialDimension) && index % spatialDimension == axis ? 1.0 : 0 }
      }
    }
  }

  /// v ← P v: each cluster's mean displacement removed, axis by axis.
  static let removeClusterMeans: @Sendable (inout [Double]) -> Void = { v in
    for cluster in clusters {
      for axis in 0..<spatialDimension {
        let mean = cluster.reduce(0) { $0 + v[$1 * spatialDimension + axis] } / Double(cluster.count)
        for particle in cluster { v[particle * spatialDimension + axis] -= mean }
      }
    }
  }

  let problem = SingularProblem(
    dimension: 12, nullity: 4, spectrum: TestSpectrum.geometric(8, from: 0.3, to: 12),
    parameterCount: 3, seed: 21, nullSpan: ProjectorNullSpaceTests.translations)

  func projectorForm(shift: Double? = nil) -> NullSpace {
    NullSpace(dimension: 4, stateDimension: 12, shift: shift, projector: Self.removeClusterMeans)
  }

  @Test("P v, ‖v − P v‖/‖v‖, m and the shift estimate agree with the explicit basis")
  func projectorAgreesWithBasis() throws {
    let basis = try NullSpace(spanning: Self.translations)
    let projector = projectorForm()
    #expect(projector.count == 4 && projector.basis == nil && projector.stateDimension == 12)
    #expect(projector.components(of: [Double](repeating: 1, count: 12)) == nil)
    var random = ImplicitTestRandom(seed: 3)
    for _ in 0..<5 {
      let v = random.vector(12)
      #expect(Dense.maximumDifference(projector.projected(v), basis.projected(v)) <= 1e-15)
      #expect(abs(projector.relativeComponent(of: v) - basis.relativeComponent(of: v)) <= 1e-14)
    }
    #expect(projector.relativeComponent(of: [Double](repeating: 0, count: 12)) == 0)
    #expect(abs(projector.estimatedShift(of: problem.matrix) - basis.estimatedShift(of: problem.matrix))
            <= 1e-12 * basis.estimatedShift(of: problem.matrix))
  }

  @Test("JVP and VJP on a singular consistent system equal the basis form's (and A⁺ b)",
        arguments: NullSpaceTests.solvers.indices)
  func sameDerivativesAsBasis(solverIndex: Int) throws {
    let solver = NullSpaceTests.solvers[solverIndex]
    let basis = try NullSpace(spanning: Self.translations)
    let projector = projectorForm()
    let linearization = problem.linearization(structure: .symmetricPositiveDefinite)
    let tangent = [0.5, -0.25, 1.5]
    let withProjector = try rootJacobianVectorProduct(
      linearization, parameterTangent: tangent, linearSolver: solver, nullSpace: projector)
    let withBasis = try rootJacobianVectorProduct(
      linearization, parameterTangent: tangent, linearSolver: solver, nullSpace: basis)
    #expect(problem.relativeDistance(withProjector.value, withBasis.value) <= 1e-12)
    #expect(problem.relativeDistance(withProjector.value, problem.pseudoInverse(problem.applyB(tangent))) <= 1e-10)
    #expect(try #require(withProjector.nullSpaceComponent) <= 1e-14)

    var random = ImplicitTestRandom(seed: 8)
    var u = random.vector(12)
    VectorOperations.axpy(0.7, Self.translations[3], &u)
    let adjointWithProjector = try rootVectorJacobianProduct(
      linearization, cotangent: u, linearSolver: solver, nullSpace: projector)
    let adjointWithBasis = try rootVectorJacobianProduct(
      linearization, cotangent: u, linearSolver: solver, nullSpace: basis)
    #expect(problem.relativeDistance(adjointWithProjector.value, adjointWithBasis.value) <= 1e-12)
    let component = try #require(adjointWithProjector.nullSpaceComponent)
    #expect(abs(component - (try #require(adjointWithBasis.nullSpaceComponent))) <= 1e-14)
    #expect(component > 0.1)
  }

  @Test("The same inconsistent B·dθ is refused with the same component")
  func sameInconsistencyRefused() throws {
    var columns = problem.parameterColumns
    VectorOperations.axpy(0.05, Self.translations[1], &columns[1])
    let tilted = SuppliedLinearization(
      stateDimension: 12, parameterDimension: 3, structure: .symmetricPositiveDefinite,
      productA: { problem.matrix($0) },
      productB: { u in Dense.multiply(Dense.transpose(columns), u) },
      transposeProductB: { w in columns.map { Dense.dot($0, w) } })
    func refusedComponent(_ nullSpace: NullSpace) -> Double? {
      do {
        _ = try rootJacobianVectorProduct(tilted, parameterTangent: [0, 1, 0], nullSpace: nullSpace)
      } catch ImplicitDifferentiationError.inconsistentRightHandSide(let quantity, let component, _) {
        #expect(quantity == "B·dθ")
        return component
      } catch {
        Issue.record("expected inconsistentRightHandSide, got \(error)")
      }
      return nil
    }
    let fromProjector = try #require(refusedComponent(projectorForm()))
    let fromBasis = try #require(refusedComponent(try NullSpace(spanning: Self.translations)))
    #expect(fromProjector > 1e-3)
    #expect(abs(fromProjector - fromBasis) <= 1e-14)
  }

  @Test("A projector for another state dimension is refused")
  func wrongStateDimension() {
    let projector = NullSpace(dimension: 2, stateDimension: 10, projector: { _ in })
    #expect(throws: ImplicitDifferentiationError.dimensionMismatch(
      quantity: "null-space projector", expected: 12, actual: 10)) {
      try rootJacobianVectorProduct(
        problem.linearization(structure: .symmetricPositiveDefinite), parameterTangent: [1, 0, 0],
        nullSpace: projector)
    }
  }
}

/// Spectra for the singular test problems.
enum TestSpectrum {
  /// n values geometrically spaced from `smallest` to `largest`.
  static func geometric(_ n: Int, from smallest: Double, to largest: Double) -> [Double] {
    (0..<n).map { smallest * Foundation.pow(largest / smallest, Double($0) / Double(max(1, n - 1))) }
  }
}
