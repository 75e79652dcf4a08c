import LinearAlgebra
import RandomNumbers

/// A known null space of A = −∂₁F(x*, θ): an orthonormal basis T = [t₁ … t_m] (d × m) with A T = 0,
/// and the orthogonal projector onto its complement,
///
///     P = I − T Tᵀ.
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
public struct NullSpace: Sendable, Equatable {
  /// t₁ … t_m, orthonormal (tᵢᵀtⱼ = δᵢⱼ), each of length d.
  public let basis: [[Double]]
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
    self.basis = basis
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

  private static func requireVectors(_ vectors: [[Double]]) throws(ImplicitDifferentiationError) {
    guard let length = vectors.first?.count else { return }
    for (index, vector) in vectors.enumerated() {
      try requireCount(vector, length, "null-space basis vector \(index)")
      try requireFinite(vector, "null-space basis vector \(index)")
    }
  }

  /// m, the dimension of the null space.
  public var count: Int { basis.count }

  /// Tᵀ v, the coordinates of v in the null space (length m).
  public func components(of v: [Double]) -> [Double] {
    basis.map { VectorOperations.dot($0, v) }
  }

  /// ‖Tᵀ v‖ / ‖v‖: the fraction of v in the null space (0 for v = 0).
  public func relativeComponent(of v: [Double]) -> Double {
    let norm = VectorOperations.norm(v)
    guard norm > 0 else { return 0 }
    return VectorOperations.norm(components(of: v)) / norm
  }

  /// v ← P v = v − T (Tᵀ v).
  public func project(_ v: inout [Double]) {
    for t in basis { VectorOperations.axpy(-VectorOperations.dot(t, v), t, &v) }
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
