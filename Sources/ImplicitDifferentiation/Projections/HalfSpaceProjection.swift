import DualNumbers

/// Euclidean projection onto the half-space C = {x : ⟨a, x⟩ ≤ b}, a ≠ 0
/// (jaxopt's `projection_halfspace(x, hyperparams=(a, b))`).
///
/// P(y) = y − (max(⟨a, y⟩ − b, 0) / ‖a‖²) a: y itself inside, its projection onto the boundary
/// hyperplane outside. θ follows ``HyperplaneProjection``: [] (stored a and b), [b], or
/// [a₁, …, a_d, b]; a half-space made with ``init()`` requires the last form.
public struct HalfSpaceProjection: Projection {
  /// The stored normal a, or `nil` when it is expected in θ.
  public let normal: [Double]?
  /// The stored offset b.
  public let offset: Double

  /// A half-space given entirely by θ = [a₁, …, a_d, b].
  @inlinable
  public init() {
    normal = nil
    offset = 0
  }

  /// The half-space ⟨normal, x⟩ ≤ offset.
  @inlinable
  public init(normal: [Double], offset: Double = 0) {
    precondition(normal.contains { $0 != 0 }, "the normal of a half-space must be nonzero")
    self.normal = normal
    self.offset = offset
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    ProjectionKernels.projectAlongNormal(
      y, parameters, storedNormal: normal, storedOffset: offset, kind: "half-space"
    ) { inner, b in
      // Only a violated constraint moves the point; on the boundary y is kept (derivative of the
      // interior branch).
      inner > b ? inner - b : S(0)
    }
  }
}
