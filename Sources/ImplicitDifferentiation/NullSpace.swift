import LinearAlgebra
import RandomNumbers

/// A known null space of A = −∂₁F(x*, θ): an orthonormal basis T = [t₁ … t_m] (d × m) with A T = 0,
/// and the orthogonal projector onto its complement,
///
///     P = I − T Tᵀ.
///
/// The null space is given either by T itself (``init(orthonormalBasis:consistencyTolerance:shift:)``,
/// ``init(spanning:consistencyTolerance:shift:)``) or by P alone, as a function
/// (``init(dimension:stateDimension:consistencyTolerance:shift:projector:)``): the per-cluster
/// translations and rotations of a particle system with many clusters span a space whose m·d basis
/// entries would not fit in memory at a million particles, while P (subtract each cluster's mean and
/// rigid rotation) costs O(d) and stores nothing.
///
/// A singular A arises whenever the root is not isolated: the translations of a periodic particle
/// system, the rigid-body modes of a cluster, the rattlers. The linear system A J = B then has a
/// solution only when it is consistent, Tᵀ B = 0 (for a symmetric A, whose left and right null
/// spaces coincide), and the solution is unique only up to a component in range(T). Given the null
/// space, the engine solves on its complement (``rootJacobianVectorProduct(_:parameterTangent:linearSolver:nullSpace:)``):
///
///     (P A P + μ (I − P)) z = P b,
///
/// an operator that is P A P on range(P) and μ I on range(T), hence non-singular when T spans the
/// whole null space; its solution is the minimum-norm solution A⁺ b, the one with Tᵀ z = 0 (the
/// gauge). The shift μ > 0 only keeps dense factorisations and Krylov methods away from the exact
/// null space: on a consistent right-hand side it does not change the solution.
///
/// The null space is stated, not detected: the engine checks the right-hand side against it and
/// refuses an inconsistent one (``ImplicitDifferentiationError/inconsistentRightHandSide(quantity:nullSpaceComponent:tolerance:)``).
/// Only a symmetric A is supported: a non-symmetric A with right null space T has a different left
/// null space S (Sᵀ A = 0), against which consistency would have to be checked; the engine refuses it
/// (``ImplicitDifferentiationError/nullSpaceNeedsSymmetricOperator(structure:)``).
public struct NullSpace: Sendable {
  /// How the null space is known: T, or only P.
  private enum Representation: Sendable {
    /// t₁ … t_m, orthonormal.
    case basis([[Double]])
    /// v ← P v on vectors of length `stateDimension`, with m = `dimension`.
    case projector(dimension: Int, stateDimension: Int, apply: @Sendable (inout [Double]) -> Void)
  }

  private let representation: Representation
  /// t₁ … t_m, orthonormal (tᵢᵀtⱼ = δᵢⱼ), each of length d; nil for a null space given by its
  /// projector (``init(dimension:stateDimension:consistencyTolerance:shift:projector:)``).
  public var basis: [[Double]]? {
    if case .basis(let basis) = representation { return basis }
    return nil
  }
  /// d, the length of the vectors P acts on; nil for an explicit basis with no vectors, which
  /// fits any d.
  public var stateDimension: Int? {
    switch representation {
    case .basis(let basis): return basis.first?.count
    case .projector(_, let stateDimension, _): return stateDimension
    }
  }
  /// The largest relative null-space component ‖Tᵀ b‖ / ‖b‖ of a JVP right-hand side b = B·dθ that
  /// is accepted as rounding; above it the system is inconsistent and refused.
  public var consistencyTolerance: Double
  /// μ, the eigenvalue the solve gives the null-space directions; nil: estimated from A's scale
  /// (see ``estimatedShift(of:)``).
  public var shift: Double?

  /// The largest deviation |tᵢᵀtⱼ − δᵢⱼ| accepted by ``init(orthonormalBasis:consistencyTolerance:shift:)``.
  public static let orthonormalityTolerance = 1e-10
  /// The fraction of a vector's norm that must survive Gram–Schmidt for
  /// ``init(spanning:consistencyTolerance:shift:)`` to accept it as independent.
  public static let independenceTolerance = 1e-10

  /// A null space from an orthonormal basis, checked: |tᵢᵀtⱼ − δᵢⱼ| ≤ ``orthonormalityTolerance``.
  ///
  /// - Throws: ``ImplicitDifferentiationError/dimensionMismatch(quantity:expected:actual:)`` for
  ///   vectors of different lengths, ``ImplicitDifferentiationError/nonFinite(quantity:index:)``,
  ///   ``ImplicitDifferentiationError/nullSpaceBasisNotOrthonormal(first:second:innerProduct:)``.
  public init(orthonormalBasis basis: [[Double]], consistencyTolerance: Double = 1e-8,
              shift: Double? = nil) throws(ImplicitDifferentiationError) {
    try Self.requireVectors(basis)
    for i in basis.indices {
      for j in i..<basis.count {
        let product = VectorOperations.dot(basis[i], basis[j])
        if abs(product - (i == j ? 1 : 0)) > Self.orthonormalityTolerance {
          throw .nullSpaceBasisNotOrthonormal(first: i, second: j, innerProduct: product)
        }
      }
    }
    representation = .basis(basis)
    self.consistencyTolerance = consistencyTolerance
    self.shift = shift
  }

  /// The null space spanned by arbitrary vectors (a unit shift of every particle along one axis,
  /// a rotation generator), orthonormalised by Gram–Schmidt (modified, applied twice, which makes
  /// the basis orthonormal to rounding).
  ///
  /// - Throws: ``ImplicitDifferentiationError/nullSpaceBasisDependent(index:remainingFraction:)``
  ///   when less than ``independenceTolerance`` of a vector's norm is left once its components
  ///   along the previous ones are removed (a zero vector included), and the errors of
  ///   ``init(orthonormalBasis:consistencyTolerance:shift:)`` for bad lengths or values.
  public init(spanning vectors: [[Double]], consistencyTolerance: Double = 1e-8,
              shift: Double? = nil) throws(ImplicitDifferentiationError) {
    try Self.requireVectors(vectors)
    var basis = [[Double]]()
    for (index, vector) in vectors.enumerated() {
      let originalNorm = VectorOperations.norm(vector)
      var t = vector
      for _ in 0..<2 {
        for previous in basis { VectorOperations.axpy(-VectorOperations.dot(previous, t), previous, &t) }
      }
      let remaining = VectorOperations.norm(t)
      let fraction = originalNorm > 0 ? remaining / originalNorm : 0
      guard fraction > Self.independenceTolerance else {
        throw .nullSpaceBasisDependent(index: index, remainingFraction: fraction)
      }
      VectorOperations.scale(1 / remaining, &t)
      basis.append(t)
    }
    try self.init(orthonormalBasis: basis, consistencyTolerance: consistencyTolerance, shift: shift)
  }

  /// A null space given by its projector P = I − T Tᵀ alone, T never formed.
  ///
  /// P must be the orthogonal projector (symmetric, idempotent) onto the complement of an
  /// m-dimensional subspace of ℝᵈ; it is trusted, not checked, because checking it would take the
  /// m products a basis would. With it, ``relativeComponent(of:)`` is ‖v − P v‖ / ‖v‖ (the same as
  /// ‖Tᵀ v‖ / ‖v‖), and every solve, consistency check and shift estimate works as with a basis.
  ///
  /// - Parameters:
  ///   - m: the dimension of the null space (0 ≤ m ≤ d).
  ///   - d: the length of the vectors P acts on, the state dimension of the linearization.
  ///   - consistencyTolerance: see ``consistencyTolerance``.
  ///   - shift: see ``shift``.
  ///   - projector: v ← P v, in place.
  public init(dimension m: Int, stateDimension d: Int, consistencyTolerance: Double = 1e-8,
              shift: Double? = nil, projector: @escaping @Sendable (inout [Double]) -> Void) {
    precondition(d >= 0 && m >= 0 && m <= d, "a null space of dimension \(m) in a space of dimension \(d)")
    representation = .projector(dimension: m, stateDimension: d, apply: projector)
    self.consistencyTolerance = consistencyTolerance
    self.shift = shift
  }

  private static func requireVectors(_ vectors: [[Double]]) throws(ImplicitDifferentiationError) {
    guard let length = vectors.first?.count else { return }
    for (index, vector) in vectors.enumerated() {
      try requireCount(vector, length, "null-space basis vector \(index)")
      try requireFinite(vector, "null-space basis vector \(index)")
    }
  }

  /// m, the dimension of the null space.
  public var count: Int {
    switch representation {
    case .basis(let basis): return basis.count
    case .projector(let dimension, _, _): return dimension
    }
  }

  /// Tᵀ v, the coordinates of v in the null space (length m); nil for a null space given by its
  /// projector, which has no coordinates.
  public func components(of v: [Double]) -> [Double]? {
    basis.map { basis in basis.map { VectorOperations.dot($0, v) } }
  }

  /// ‖Tᵀ v‖ / ‖v‖ = ‖v − P v‖ / ‖v‖: the fraction of v in the null space (0 for v = 0).
  public func relativeComponent(of v: [Double]) -> Double {
    let norm = VectorOperations.norm(v)
    guard norm > 0 else { return 0 }
    switch representation {
    case .basis(let basis):
      return VectorOperations.norm(basis.map { VectorOperations.dot($0, v) }) / norm
    case .projector(_, _, let apply):
      var projected = v
      apply(&projected)
      VectorOperations.axpy(-1, v, &projected)
      return VectorOperations.norm(projected) / norm
    }
  }

  /// v ← P v = v − T (Tᵀ v).
  public func project(_ v: inout [Double]) {
    switch representation {
    case .basis(let basis):
      for t in basis { VectorOperations.axpy(-VectorOperations.dot(t, v), t, &v) }
    case .projector(_, _, let apply):
      apply(&v)
    }
  }

  /// P v.
  public func projected(_ v: [Double]) -> [Double] {
    var result = v
    project(&result)
    return result
  }

  /// μ for the shifted operator P A P + μ (I − P) when ``shift`` is not given: the scale of A on
  /// the complement, as the particle Hessian takes the mean of its diagonal.
  ///
  /// The mean diagonal of P A P over range(P), tr(P A P) / (d − m) (for a Hessian with A T = 0 this is
  /// tr(A) / (d − m)), is estimated by one Rayleigh quotient (Hutchinson's estimator of the trace):
  /// with z a fixed Rademacher vector (±1, SplitMix64, seed 0x5EED), E[zᵀ P A P z] = tr(P A P) and
  /// E[zᵀ P z] = d − m, and
  ///
  ///     μ = (P z)ᵀ A (P z) / ‖P z‖²,
  ///
  /// a weighted mean of A's eigenvalues on the complement. When that is not positive (an indefinite
  /// A) the magnitude ‖A P z‖ / ‖P z‖ is used, and 1 when both vanish or are not finite. One product
  /// with A.
  public func estimatedShift(of linearOperator: some LinearOperator) -> Double {
    let dimension = linearOperator.columnCount
    var generator = SplitMix64(seed: 0x5EED)
    var z = (0..<dimension).map { _ in generator.next() & 1 == 0 ? 1.0 : -1.0 }
    project(&z)
    let normSquared = VectorOperations.dot(z, z)
    guard normSquared > 0 else { return 1 }
    let product = linearOperator(z)
    let rayleighQuotient = VectorOperations.dot(z, product) / normSquared
    if rayleighQuotient > 0 && rayleighQuotient.isFinite { return rayleighQuotient }
    let magnitude = (VectorOperations.dot(product, product) / normSquared).squareRoot()
    return magnitude > 0 && magnitude.isFinite ? magnitude : 1
  }
}
