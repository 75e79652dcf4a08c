import LinearAlgebra
import RandomNumbers
import Sensitivity

/// The k lowest vibrational modes of a minimum by shift-invert Lanczos (shift 0) on the backbone
/// Hessian, never formed.
///
/// The lowest eigenvalues of H are the largest of H⁺ on the range of P (rigid-body modes removed),
/// and there they are well separated, so Lanczos on H⁺ finds them in few steps where Lanczos on H
/// would need thousands. Each step applies H⁺ by a conjugate-gradient solve H w = q (consistent:
/// q ⟂ the rigid modes) — the engine's `ConjugateGradient`, Jacobi-preconditioned by default (block
/// SSOR over the contact network, `HessianPreconditioner`, needs 2.5× fewer iterations but costs
/// more than that per single-vector solve; docs/benchmarks.md). The Krylov basis is fully
/// re-orthogonalised (twice), the Ritz pairs of the tridiagonal T come from LAPACK (dsyevd), and
/// a Ritz pair (θ, y) of H⁺ has residual bound β|sₗₐₛₜ|; the process stops when the k largest θ
/// meet `tolerance`·θ. Every mode's residual ‖H u − λu‖ is then measured with one more product.
public struct LowestModes: Sendable {
  /// The modes, eigenvalue ascending.
  public let modes: [VibrationalMode]
  /// Lanczos steps (inner solves).
  public let steps: Int
  /// Conjugate-gradient iterations over all inner solves (Hessian products).
  public let solverIterations: Int
  /// Whether every mode met the tolerance.
  public let converged: Bool

  /// The `count` lowest modes of `hessian`, its inner solves preconditioned by `preconditioner`.
  public init(hessian: BackboneHessian, count: Int, tolerance: Double = 1e-10, maximumSteps: Int? = nil,
              solverTolerance: Double = 1e-12, acceptedSolverResidual: Double = 1e-8,
              seed: UInt64 = 0x10_3E57, preconditioner: HessianPreconditioner = .jacobi) throws {
    let n = hessian.columnCount
    let available = hessian.vibrationalModeCount
    guard count >= 1, count <= available else {
      throw AnalysisError("cannot compute \(count) modes of a backbone with \(available) vibrational modes")
    }
    let limit = min(available, maximumSteps ?? max(2 * count + 40, 4 * count))
    // The preconditioned directions leave the range of P, but P H P annihilates what leaves it.
    let solver = ConjugateGradient(
      tolerance: solverTolerance, maximumIterations: 200_000,
      preconditioner: try (try? hessian.preconditioner(preconditioner)) ?? hessian.preconditioner(.jacobi))
    var generator = SplitMix64(seed: seed)
    var start = hessian.project((0..<n).map { _ in generator.next() & 1 == 0 ? 1.0 : -1.0 })
    VectorOperations.scale(1 / VectorOperations.norm(start), &start)

    var basis = [start]
    var alphas = [Double]()
    var betas = [Double]()
    var iterations = 0
    var ritz: (values: [Double], vectors: DenseMatrix) = ([], DenseMatrix(rowCount: 0, columnCount: 0))
    var converged = false
    for step in 0..<limit {
      let solve = solver.solve(hessian, basis[step], initialGuess: nil)
      iterations += solve.iterations
      // A solve that stalls on rounding just above the tolerance (large, ill-conditioned packings)
      // still gives H⁺q to its residual: the Ritz values are then refined by Rayleigh quotients.
      guard solve.converged || solve.relativeResidual <= acceptedSolverResidual else {
        throw AnalysisError("the inner solve H w = q did not converge (\(solve.status), relative residual \(solve.relativeResidual))")
      }
      var w = hessian.project(solve.solution)
      let alpha = VectorOperations.dot(basis[step], w)
      VectorOperations.axpy(-alpha, basis[step], &w)
      if step > 0 { VectorOperations.axpy(-betas[step - 1], basis[step - 1], &w) }
      for _ in 0..<2 {
        for vector in basis { VectorOperations.axpy(-VectorOperations.dot(vector, w), vector, &w) }
      }
      // Rounding in the orthogonalisation leaks into the rigid modes, where H w = q has no solution.
      w = hessian.project(w)
      let beta = VectorOperations.norm(w)
      alphas.append(alpha)
      ritz = try Self.ritzPairs(alphas, betas)
      let size = alphas.count
      if size >= count {
        let scale = ritz.values[size - 1]
        let largest = (size - count)..<size
        let invariant = beta <= Double.ulpOfOne * scale
        if invariant || largest.allSatisfy({ beta * abs(ritz.vectors[size - 1, $0]) <= tolerance * ritz.values[$0] }) {
          converged = true
          break
        }
      }
      if step + 1 < limit {
        VectorOperations.scale(1 / beta, &w)
        basis.append(w)
        betas.append(beta)
      }
    }
    let size = alphas.count
    var modes = [VibrationalMode]()
    var product = [Double](repeating: 0, count: n)
    for column in stride(from: size - 1, through: max(0, size - count), by: -1) {
      var vector = [Double](repeating: 0, count: n)
      for index in 0..<size { VectorOperations.axpy(ritz.vectors[index, column], basis[index], &vector) }
      VectorOperations.scale(1 / VectorOperations.norm(vector), &vector)
      hessian.apply(vector, into: &product)
      // The Rayleigh quotient: exact to second order in the Ritz vector's error.
      let λ = VectorOperations.dot(vector, product)
      VectorOperations.axpy(-λ, vector, &product)
      modes.append(VibrationalMode(eigenvalue: λ, displacement: hessian.space.expand(vector),
                                   residual: VectorOperations.norm(product),
                                   backboneParticleCount: hessian.space.activeParticles.count))
    }
    self.modes = modes.sorted { $0.eigenvalue < $1.eigenvalue }
    steps = size
    solverIterations = iterations
    self.converged = converged
  }

  /// Eigenpairs of the tridiagonal T (ascending) through the dense symmetric eigensolver.
  static func ritzPairs(_ diagonal: [Double], _ offDiagonal: [Double]) throws -> (values: [Double], vectors: DenseMatrix) {
    let k = diagonal.count
    var tridiagonal = DenseMatrix(rowCount: k, columnCount: k)
    for i in 0..<k {
      tridiagonal.elements[i * k + i] = diagonal[i]
      if i + 1 < k {
        tridiagonal.elements[i * k + i + 1] = offDiagonal[i]
        tridiagonal.elements[(i + 1) * k + i] = offDiagonal[i]
      }
    }
    let decomposition = try SymmetricEigendecomposition(tridiagonal)
    return (decomposition.eigenvalues, decomposition.eigenvectors)
  }
}
