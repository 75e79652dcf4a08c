import CLAPACKE
import RandomNumbers

/// Extreme eigenvalues of a symmetric operator by the Lanczos process with full reorthogonalisation.
///
/// From a seeded random unit vector q₁, the three-term recurrence β_k q_{k+1} = A q_k − α_k q_k −
/// β_{k−1} q_{k−1} builds an orthonormal basis Q_k of the Krylov space and the tridiagonal
/// T_k = Q_kᵀ A Q_k, whose eigenvalues θ (Ritz values, LAPACK dstev) approximate A's extreme
/// eigenvalues from inside. For a Ritz pair (θ, y = Q_k s) the residual is exactly
/// ‖A y − θ y‖ = β_k |s_k| (last component of s), and some eigenvalue of A lies within that distance
/// of θ: this is the reported residual bound.
///
/// Every Krylov vector is re-orthogonalised against all previous ones (twice: "twice is enough"),
/// which removes the spurious copies of converged eigenvalues that plain Lanczos produces, at the
/// cost of storing all steps: meant for modest step counts (tens to a few hundred).
///
/// `projection`, if given, is applied to the starting vector and to every product A q, so the method
/// sees P A P instead of A. With P the orthogonal projector onto the complement of known null vectors
/// (a Hessian's translation modes) the smallest eigenvalue found is the smallest *non-zero* one.
/// P must be an orthogonal projector (symmetric, idempotent) for T_k to stay symmetric.
public struct Lanczos {
  /// Largest Krylov dimension (also bounded by the operator's dimension).
  public var maximumSteps: Int
  /// Stop when both residual bounds are ≤ tolerance · max(|θ_min|, |θ_max|).
  public var tolerance: Double
  /// Seed of the random starting vector: the same seed gives the same result.
  public var seed: UInt64
  /// In-place projection applied to every Krylov vector (see the type's documentation).
  public var projection: ((inout [Double]) -> Void)?

  public init(maximumSteps: Int = 100, tolerance: Double = 1e-8, seed: UInt64 = 0x5EED_1A7C,
              projection: ((inout [Double]) -> Void)? = nil) {
    self.maximumSteps = maximumSteps
    self.tolerance = tolerance
    self.seed = seed
    self.projection = projection
  }

  /// Estimates the smallest and largest eigenvalues of the symmetric operator.
  public func extremeEigenvalues(of linearOperator: some LinearOperator)
    throws(LinearAlgebraError) -> LanczosResult
  {
    let n = linearOperator.columnCount
    guard linearOperator.rowCount == n else { throw .dimensionMismatch(expected: n, actual: linearOperator.rowCount) }
    guard n > 0 else { throw .invalidArgument("Lanczos needs a non-empty operator") }
    let steps = max(1, min(maximumSteps, n))

    var generator = SplitMix64(seed: seed)
    var start = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
    projection?(&start)
    let startNorm = VectorOperations.norm(start)
    guard startNorm.isFinite else { throw .nonFiniteInput }
    guard startNorm > 0 else { throw .invalidArgument("the projection annihilates the starting vector") }
    VectorOperations.scale(1 / startNorm, &start)

    var basis: [[Double]] = [start]
    var alphas: [Double] = []
    var betas: [Double] = []
    var work = [Double](repeating: 0, count: n)
    var ritz = RitzPairs(values: [], vectors: [], dimension: 0)
    var lastBeta = 0.0
    var converged = false

    for k in 0..<steps {
      linearOperator.apply(basis[k], into: &work)
      projection?(&work)
      let alpha = VectorOperations.dot(basis[k], work)
      guard alpha.isFinite else { throw .nonFiniteInput }
      VectorOperations.axpy(-alpha, basis[k], &work)
      if k > 0 { VectorOperations.axpy(-betas[k - 1], basis[k - 1], &work) }
      for _ in 0..<2 {
        for vector in basis { VectorOperations.axpy(-VectorOperations.dot(vector, work), vector, &work) }
      }
      projection?(&work)
      let beta = VectorOperations.norm(work)
      guard beta.isFinite else { throw .nonFiniteInput }
      alphas.append(alpha)
      lastBeta = beta
      ritz = try RitzPairs(diagonal: alphas, offDiagonal: betas)
      let scale = max(abs(ritz.values.first!), abs(ritz.values.last!), Double.leastNormalMagnitude)
      let smallestBound = beta * abs(ritz.lastComponent(of: 0))
      let largestBound = beta * abs(ritz.lastComponent(of: ritz.dimension - 1))
      // β ≈ 0: Q_k spans an invariant subspace and the Ritz values are eigenvalues.
      let invariant = beta <= Double.ulpOfOne * scale
      if invariant || max(smallestBound, largestBound) <= tolerance * scale {
        converged = true
        break
      }
      if k + 1 < steps {
        VectorOperations.scale(1 / beta, &work)
        basis.append(work)
        betas.append(beta)
      }
    }

    // Ritz vector of the smallest Ritz value: y = Q s.
    var vector = [Double](repeating: 0, count: n)
    for (index, component) in ritz.column(0).enumerated() {
      VectorOperations.axpy(component, basis[index], &vector)
    }
    let last = ritz.dimension - 1
    return LanczosResult(
      smallestEigenvalue: ritz.values[0], largestEigenvalue: ritz.values[last],
      smallestResidualBound: lastBeta * abs(ritz.lastComponent(of: 0)),
      largestResidualBound: lastBeta * abs(ritz.lastComponent(of: last)),
      smallestEigenvector: vector, steps: ritz.dimension, converged: converged)
  }
}

/// What ``Lanczos`` found.
public struct LanczosResult: Sendable {
  /// Smallest Ritz value θ_min (an upper bound on λ_min in exact arithmetic).
  public let smallestEigenvalue: Double
  /// Largest Ritz value θ_max (a lower bound on λ_max in exact arithmetic).
  public let largestEigenvalue: Double
  /// ‖A y − θ_min y‖ for the unit Ritz vector y: some eigenvalue lies within it of θ_min.
  public let smallestResidualBound: Double
  /// ‖A y − θ_max y‖ for the unit Ritz vector y of θ_max.
  public let largestResidualBound: Double
  /// The unit Ritz vector of θ_min.
  public let smallestEigenvector: [Double]
  /// Krylov dimension used (products with A).
  public let steps: Int
  /// Whether both bounds met the tolerance (or an invariant subspace was found).
  public let converged: Bool
}

/// Eigenpairs of the symmetric tridiagonal T_k (LAPACK dstev), ascending.
struct RitzPairs {
  let values: [Double]
  /// Column-major k×k eigenvector matrix.
  let vectors: [Double]
  let dimension: Int

  init(values: [Double], vectors: [Double], dimension: Int) {
    self.values = values
    self.vectors = vectors
    self.dimension = dimension
  }

  init(diagonal: [Double], offDiagonal: [Double]) throws(LinearAlgebraError) {
    let k = diagonal.count
    var d = diagonal
    var e = Array(offDiagonal.prefix(max(0, k - 1)))
    if e.isEmpty { e = [0] }  // dstev reads no e for k = 1, but Swift needs a valid pointer
    var z = [Double](repeating: 0, count: k * k)
    let info = LAPACKE_dstev(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), Int32(k), &d, &e, &z, Int32(k))
    if info != 0 { throw .lapackFailure(routine: "dstev", info: Int(info)) }
    values = d
    vectors = z
    dimension = k
  }

  func lastComponent(of index: Int) -> Double { vectors[dimension - 1 + index * dimension] }

  func column(_ index: Int) -> ArraySlice<Double> { vectors[index * dimension..<(index + 1) * dimension] }
}
