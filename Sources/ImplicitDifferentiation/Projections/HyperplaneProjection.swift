import DualNumbers

/// Euclidean projection onto the hyperplane C = {x : ⟨a, x⟩ = b}, a ≠ 0
/// (jaxopt's `projection_hyperplane(x, hyperparams=(a, b))`).
///
/// P(y) = y − ((⟨a, y⟩ − b) / ‖a‖²) a. Where (a, b) come from:
/// - a made with ``init(normal:offset:)``: θ = [] uses the stored (a, b); θ = [b] reads the offset;
///   θ = [a₁, …, a_d, b] reads both (so ∂P/∂a is available too).
/// - a made with ``init()``: θ = [a₁, …, a_d, b] is required.
public struct HyperplaneProjection: Projection {
  /// The stored normal a, or `nil` when it is expected in θ.
  public let normal: [Double]?
  /// The stored offset b.
  public let offset: Double

  /// A hyperplane given entirely by θ = [a₁, …, a_d, b].
  @inlinable
  public init() {
    normal = nil
    offset = 0
  }

  /// The hyperplane ⟨normal, x⟩ = offset.
  @inlinable
  public init(normal: [Double], offset: Double = 0) {
    precondition(normal.contains { $0 != 0 }, "the normal of a hyperplane must be nonzero")
    self.normal = normal
    self.offset = offset
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    ProjectionKernels.projectAlongNormal(
      y, parameters, storedNormal: normal, storedOffset: offset, kind: "hyperplane"
    ) { inner, b in inner - b }
  }
}

extension ProjectionKernels {
  /// y − (excess(⟨a, y⟩, b) / ‖a‖²) a, with (a, b) read from θ or the stored values as documented
  /// on ``HyperplaneProjection``; `excess` is ⟨a, y⟩ − b for a hyperplane and its positive part
  /// for a half-space.
  @inlinable
  static func projectAlongNormal<S: RealScalar>(
    _ y: [S], _ parameters: [S], storedNormal: [Double]?, storedOffset: Double, kind: String,
    excess: (_ inner: S, _ offset: S) -> S
  ) -> [S] {
    let dimension = y.count
    if parameters.count == dimension + 1 {
      let a = Array(parameters[0..<dimension])
      let normSquared = squaredNorm(a)
      precondition(normSquared.primalValue > 0, "the normal of a \(kind) must be nonzero")
      let step = excess(dot(a, y), parameters[dimension]) / normSquared
      var result = y
      for index in 0..<dimension { result[index] -= step * a[index] }
      return result
    }
    guard let a = storedNormal else {
      preconditionFailure("this \(kind) needs θ = [a₁…a_d, b] (\(dimension + 1) values), got \(parameters.count)")
    }
    precondition(a.count == dimension, "the normal has \(a.count) components, y has \(dimension)")
    precondition(parameters.count <= 1,
                 "θ must be [], [b] or [a₁…a_d, b] (\(dimension + 1) values), got \(parameters.count)")
    let b = parameters.isEmpty ? S(storedOffset) : parameters[0]
    let step = S.scaled(excess(dot(a, y), b), by: 1 / dot(a, a))
    var result = y
    for index in 0..<dimension { result[index] -= S.scaled(step, by: a[index]) }
    return result
  }
}
