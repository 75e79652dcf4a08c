import ImplicitDifferentiation
import LinearAlgebra
import Testing

@Suite("One solver choice, from the structure and size of A")
struct SolverChoiceTests {
  @Test("Automatic: dense up to d = 64, then CG for a definite A, MINRES for a symmetric one, GMRES otherwise")
  func automaticResolvesByStructureAndSize() {
    let automatic = SolverChoice()
    #expect(automatic.method == .automatic && automatic.tolerance == 1e-10)
    for structure in [LinearMapStructure.general, .symmetric, .symmetricPositiveDefinite, .symmetricNegativeDefinite] {
      #expect(automatic.resolvedMethod(structure: structure, dimension: SolverChoice.denseDimensionLimit) == .dense)
    }
    let large = SolverChoice.denseDimensionLimit + 1
    #expect(automatic.resolvedMethod(structure: .symmetricPositiveDefinite, dimension: large) == .conjugateGradient)
    #expect(automatic.resolvedMethod(structure: .symmetricNegativeDefinite, dimension: large) == .conjugateGradient)
    #expect(automatic.resolvedMethod(structure: .symmetric, dimension: large) == .minres)
    #expect(automatic.resolvedMethod(structure: .general, dimension: large) == .gmres)
    // An explicit method is taken as given.
    #expect(SolverChoice(.bicgstab).resolvedMethod(structure: .symmetricPositiveDefinite, dimension: 3) == .bicgstab)
    // The engine's default solver is the automatic choice.
    #expect(defaultLinearSolver(structure: .general, dimension: 10_000).name == "gmres")
    #expect(defaultLinearSolver(structure: .symmetric, dimension: 10).name == "dense-lu")
  }

  @Test("Stable names for reports")
  func names() {
    #expect(SolverChoice.Method.allCases.map(SolverChoice.name(of:))
            == ["automatic", "cg", "minres", "gmres", "bicgstab", "dense-lu"])
    #expect(SolverChoice.Method(rawValue: "cg") == .conjugateGradient)
  }

  /// A = Q diag(1 … 100) Qᵀ, d = 80 (above the dense limit), SPD with condition number 100.
  static let problem = SingularProblem(
    dimension: 80, nullity: 0, spectrum: TestSpectrum.geometric(80, from: 1, to: 100), parameterCount: 1,
    seed: 4)

  @Test("Every method, with and without Jacobi, solves an SPD system to its tolerance",
        arguments: SolverChoice.Method.allCases, [false, true])
  func everyMethodSolvesAnSPDSystem(method: SolverChoice.Method, jacobi: Bool) throws {
    let problem = Self.problem
    let diagonal = (0..<80).map { problem.matrix[$0, $0] }
    let choice = SolverChoice(method, tolerance: 1e-11, jacobi: jacobi)
    let solver = try choice.makeSolver(
      structure: .symmetricPositiveDefinite, dimension: 80, diagonal: jacobi ? diagonal : nil)
    let b = problem.parameterColumns[0]
    let result = solver.solve(problem.matrix, b)
    #expect(result.converged)
    #expect(result.relativeResidual <= 1e-11)
    let reference = problem.pseudoInverse(b)
    #expect(problem.relativeDistance(result.solution, reference) <= 1e-8)
    let resolved = choice.resolvedMethod(structure: .symmetricPositiveDefinite, dimension: 80)
    #expect(solver.name.hasPrefix(resolved.name))
  }

  @Test("The choice is honoured by the engine: J·dθ through a chosen solver equals the dense one")
  func engineUsesTheChoice() throws {
    let linearization = Self.problem.linearization(structure: .symmetricPositiveDefinite)
    let dense = try rootJacobianVectorProduct(
      linearization, parameterTangent: [2],
      linearSolver: try SolverChoice(.dense).makeSolver(structure: .symmetricPositiveDefinite, dimension: 80))
    let minres = try rootJacobianVectorProduct(
      linearization, parameterTangent: [2],
      linearSolver: try SolverChoice(.minres, tolerance: 1e-12).makeSolver(structure: .symmetricPositiveDefinite, dimension: 80))
    #expect(dense.solver == "dense-lu" && minres.solver == "minres")
    #expect(Self.problem.relativeDistance(minres.value, dense.value) <= 1e-10)
    let automatic = try rootJacobianVectorProduct(linearization, parameterTangent: [2])
    #expect(automatic.solver == "cg")
  }

  @Test("Dense above the limit, Jacobi without a usable diagonal: refused, saying why")
  func unavailableSolversThrow() {
    let tooLarge = SolverChoice.maximumDenseDimension + 1
    #expect(SolverChoice.maximumDenseDimension == 6000)
    #expect(throws: ImplicitDifferentiationError.self) {
      try SolverChoice(.dense).makeSolver(structure: .general, dimension: tooLarge)
    }
    do {
      _ = try SolverChoice(.conjugateGradient, jacobi: true).makeSolver(structure: .symmetricPositiveDefinite,
                                                                      dimension: 100)
      Issue.record("Jacobi without a diagonal was accepted")
    } catch {
      guard case .solverUnavailable(let reason) = error else { Issue.record("\(error)"); return }
      #expect(reason.contains("diagonal"))
    }
    let wrongLength = [Double](repeating: 1, count: 99)
    #expect(throws: ImplicitDifferentiationError.self) {
      try SolverChoice(.gmres, jacobi: true).makeSolver(structure: .general, dimension: 100, diagonal: wrongLength)
    }
    var zeroEntry = [Double](repeating: 1, count: 100)
    zeroEntry[7] = 0
    #expect(throws: ImplicitDifferentiationError.self) {
      try SolverChoice(.bicgstab, jacobi: true).makeSolver(structure: .general, dimension: 100, diagonal: zeroEntry)
    }
    // CG needs M positive definite; MINRES takes |diag|.
    let negative = [Double](repeating: -2, count: 100)
    #expect(throws: ImplicitDifferentiationError.self) {
      try SolverChoice(.conjugateGradient, jacobi: true).makeSolver(
        structure: .symmetricPositiveDefinite, dimension: 100, diagonal: negative)
    }
    #expect(throws: Never.self) {
      try SolverChoice(.minres, jacobi: true).makeSolver(structure: .symmetric, dimension: 100, diagonal: negative)
    }
    // The dense solve needs no diagonal: Jacobi is irrelevant to it.
    #expect(throws: Never.self) {
      try SolverChoice(.dense, jacobi: true).makeSolver(structure: .general, dimension: 10)
    }
  }
}
