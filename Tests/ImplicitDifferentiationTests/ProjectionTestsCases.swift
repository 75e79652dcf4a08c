import DualNumbers
import ImplicitDifferentiation

/// One Euclidean projection under test: the set's description as a test needs it, independent of
/// the implementation (a membership test and a way to draw members).
struct EuclideanProjectionCase: Sendable, CustomStringConvertible {
  let description: String
  let projection: any Projection
  /// θ passed at every call.
  let parameters: [Double]
  let dimension: Int
  /// y is drawn uniformly from [−spread, spread]ᵈ (chosen so that samples land both inside and
  /// outside the set, and on both sides of its kinks).
  let spread: Double
  /// How far x is from the set: 0 inside, a positive amount of violation outside.
  let violation: @Sendable ([Double]) -> Double
  /// Draws a point of the set (vertices and boundary points included), built without the
  /// projection under test.
  let member: @Sendable (inout ProjectionTestGenerator) -> [Double]

  func project(_ y: [Double]) -> [Double] { projection(y, parameters) }

  /// Every Euclidean projection the module provides, with θ in each of its documented layouts.
  static let all: [EuclideanProjectionCase] = {
    let normal = [0.8, -1.3, 0.4, 2.1, -0.6]
    let affineRows = [[1.0, 0.5, -0.3, 0.0, 2.0], [-0.4, 1.2, 0.7, 1.0, 0.1]]
    let affineRightHandSide = [0.3, -0.8]
    let boxLower = [-0.5, -1.0, 0.0, -0.2, 0.1, -0.8]
    let boxUpper = [0.5, 0.3, 0.9, 0.2, 0.6, -0.1]
    return [
      EuclideanProjectionCase(
        description: "non-negative orthant", projection: NonNegativeOrthantProjection(),
        parameters: [], dimension: 6, spread: 1,
        violation: { x in Swift.max(0, -(x.min() ?? 0)) },
        member: { generator in generator.vector(6, 0, 1).map { $0 < 0.3 ? 0 : $0 } }),
      EuclideanProjectionCase(
        description: "box, per-component bounds in θ", projection: BoxProjection(),
        parameters: boxLower + boxUpper, dimension: 6, spread: 1.2,
        violation: { x in boxViolation(x, boxLower, boxUpper) },
        member: { generator in boxMember(&generator, boxLower, boxUpper) }),
      EuclideanProjectionCase(
        description: "box, shared bounds θ = [l, u]", projection: BoxProjection(),
        parameters: [-0.4, 0.7], dimension: 5, spread: 1,
        violation: { x in boxViolation(x, [Double](repeating: -0.4, count: 5), [Double](repeating: 0.7, count: 5)) },
        member: { generator in boxMember(&generator, [Double](repeating: -0.4, count: 5), [Double](repeating: 0.7, count: 5)) }),
      EuclideanProjectionCase(
        description: "box, fixed one-sided bounds in the struct",
        projection: BoxProjection(lower: [-0.3, -.infinity, 0], upper: [.infinity, 0.4, 0.5]),
        parameters: [], dimension: 3, spread: 1,
        violation: { x in boxViolation(x, [-0.3, -.infinity, 0], [.infinity, 0.4, 0.5]) },
        member: { generator in boxMember(&generator, [-0.3, -1.5, 0], [1.5, 0.4, 0.5]) }),
      EuclideanProjectionCase(
        description: "simplex, stored radius 1", projection: SimplexProjection(),
        parameters: [], dimension: 7, spread: 1,
        violation: { x in simplexViolation(x, radius: 1) },
        member: { generator in simplexMember(&generator, dimension: 7, radius: 1) }),
      EuclideanProjectionCase(
        description: "scaled simplex, θ = [r]", projection: SimplexProjection(),
        parameters: [1.7], dimension: 7, spread: 1.5,
        violation: { x in simplexViolation(x, radius: 1.7) },
        member: { generator in simplexMember(&generator, dimension: 7, radius: 1.7) }),
      EuclideanProjectionCase(
        description: "ℓ1 ball, θ = [r]", projection: L1BallProjection(),
        parameters: [2], dimension: 6, spread: 1,
        violation: { x in Swift.max(0, x.reduce(0) { $0 + Swift.abs($1) } - 2) },
        member: { generator in
          let signs = generator.vector(6).map { $0 < 0 ? -1.0 : 1.0 }
          let magnitudes = simplexMember(&generator, dimension: 6, radius: 2 * generator.uniform(0, 1).squareRoot())
          return zip(signs, magnitudes).map { $0 * $1 }
        }),
      EuclideanProjectionCase(
        description: "ℓ2 ball, θ = [r]", projection: L2BallProjection(),
        parameters: [1.2], dimension: 5, spread: 1,
        violation: { x in Swift.max(0, ProjectionTestSupport.dot(x, x).squareRoot() - 1.2) },
        member: { generator in
          let direction = generator.vector(5)
          let length = ProjectionTestSupport.dot(direction, direction).squareRoot()
          let radius = generator.uniform(0, 1) < 0.5 ? 1.2 : 1.2 * generator.uniform(0, 1)
          return direction.map { $0 * radius / length }
        }),
      EuclideanProjectionCase(
        description: "ℓ∞ ball, stored radius", projection: LInfinityBallProjection(radius: 0.7),
        parameters: [], dimension: 5, spread: 1,
        violation: { x in Swift.max(0, (x.map(Swift.abs).max() ?? 0) - 0.7) },
        member: { generator in
          generator.vector(5, -1.4, 1.4).map { Swift.min(Swift.max($0, -0.7), 0.7) }
        }),
      EuclideanProjectionCase(
        description: "affine set {A x = b}, θ = b",
        projection: AffineSetProjection(rows: affineRows),
        parameters: affineRightHandSide, dimension: 5, spread: 2,
        violation: { x in
          zip(affineRows, affineRightHandSide).map { Swift.abs(ProjectionTestSupport.dot($0, x) - $1) }.max()!
        },
        member: { generator in
          // Free last three coordinates; the first two solve the 2×2 system that remains.
          var z = generator.vector(5, -2, 2)
          let residual = zip(affineRows, affineRightHandSide).map { row, b in
            b - (2..<5).reduce(0) { $0 + row[$1] * z[$1] }
          }
          let leading = [affineRows[0][0], affineRows[0][1], affineRows[1][0], affineRows[1][1]]
          let head = ProjectionTestSupport.solve(leading, residual)
          z[0] = head[0]
          z[1] = head[1]
          return z
        }),
      EuclideanProjectionCase(
        description: "hyperplane, stored normal, θ = [b]",
        projection: HyperplaneProjection(normal: normal),
        parameters: [0.35], dimension: 5, spread: 1,
        violation: { x in Swift.abs(ProjectionTestSupport.dot(normal, x) - 0.35) },
        member: { generator in hyperplaneMember(&generator, normal, 0.35) }),
      EuclideanProjectionCase(
        description: "hyperplane, θ = [a, b]", projection: HyperplaneProjection(),
        parameters: normal + [-0.5], dimension: 5, spread: 1,
        violation: { x in Swift.abs(ProjectionTestSupport.dot(normal, x) + 0.5) },
        member: { generator in hyperplaneMember(&generator, normal, -0.5) }),
      EuclideanProjectionCase(
        description: "half-space, stored normal and offset",
        projection: HalfSpaceProjection(normal: normal, offset: 0.2),
        parameters: [], dimension: 5, spread: 1,
        violation: { x in Swift.max(0, ProjectionTestSupport.dot(normal, x) - 0.2) },
        member: { generator in halfSpaceMember(&generator, normal, 0.2) }),
      EuclideanProjectionCase(
        description: "half-space, θ = [a, b]", projection: HalfSpaceProjection(),
        parameters: normal + [0.6], dimension: 5, spread: 1,
        violation: { x in Swift.max(0, ProjectionTestSupport.dot(normal, x) - 0.6) },
        member: { generator in halfSpaceMember(&generator, normal, 0.6) }),
    ]
  }()

  // MARK: Descriptions of the sets, written independently of the projections.

  static func boxViolation(_ x: [Double], _ lower: [Double], _ upper: [Double]) -> Double {
    x.indices.map { Swift.max(0, lower[$0] - x[$0], x[$0] - upper[$0]) }.max() ?? 0
  }

  static func boxMember(
    _ generator: inout ProjectionTestGenerator, _ lower: [Double], _ upper: [Double]
  ) -> [Double] {
    lower.indices.map { index in
      // A third of the components sit on a bound: the faces matter for the variational inequality.
      switch generator.uniform(0, 3) {
      case ..<1: return lower[index]
      case ..<2: return upper[index]
      default: return generator.uniform(lower[index], upper[index])
      }
    }
  }

  static func simplexViolation(_ x: [Double], radius: Double) -> Double {
    Swift.max(0, -(x.min() ?? 0), Swift.abs(x.reduce(0, +) - radius))
  }

  static func simplexMember(
    _ generator: inout ProjectionTestGenerator, dimension: Int, radius: Double
  ) -> [Double] {
    // Sparse members (faces, vertices) as often as interior ones.
    let weights = generator.vector(dimension, 0, 1).map { $0 < 0.4 ? 0 : $0 }
    let total = weights.reduce(0, +)
    if total == 0 {
      var vertex = [Double](repeating: 0, count: dimension)
      vertex[Int(generator.next() % UInt64(dimension))] = radius
      return vertex
    }
    return weights.map { $0 * radius / total }
  }

  static func hyperplaneMember(
    _ generator: inout ProjectionTestGenerator, _ normal: [Double], _ offset: Double
  ) -> [Double] {
    // Solve ⟨a, z⟩ = b for the last coordinate (a₄ ≠ 0) with the others random.
    var z = generator.vector(normal.count, -2, 2)
    let last = normal.count - 1
    let rest = (0..<last).reduce(0) { $0 + normal[$1] * z[$1] }
    z[last] = (offset - rest) / normal[last]
    return z
  }

  static func halfSpaceMember(
    _ generator: inout ProjectionTestGenerator, _ normal: [Double], _ offset: Double
  ) -> [Double] {
    // Reflect a violating point through the boundary: ⟨a, z⟩ = b − (⟨a, w⟩ − b) ≤ b.
    let w = generator.vector(normal.count, -2, 2)
    let excess = ProjectionTestSupport.dot(normal, w) - offset
    if excess <= 0 { return w }
    let step = 2 * excess / ProjectionTestSupport.dot(normal, normal)
    return ProjectionTestSupport.axpy(-step, normal, w)
  }
}
