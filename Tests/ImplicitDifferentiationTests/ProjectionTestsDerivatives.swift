import DualNumbers
import Foundation
import ImplicitDifferentiation
import Testing

/// A projection whose dual-number Jacobian-vector products are checked against finite differences.
struct ProjectionDerivativeCase: Sendable, CustomStringConvertible {
  let description: String
  let projection: any Projection
  let parameters: [Double]
  let dimension: Int
  /// y is drawn uniformly from [lower, upper]ᵈ.
  let lower: Double
  let upper: Double

  /// Every Euclidean case, plus θ-layouts and entropic projections the Euclidean table lacks.
  static let all: [ProjectionDerivativeCase] = EuclideanProjectionCase.all.map {
    ProjectionDerivativeCase(
      description: $0.description, projection: $0.projection, parameters: $0.parameters,
      dimension: $0.dimension, lower: -$0.spread, upper: $0.spread)
  } + [
    ProjectionDerivativeCase(
      description: "ℓ∞ ball, θ = [r]", projection: LInfinityBallProjection(),
      parameters: [0.6], dimension: 5, lower: -1, upper: 1),
    ProjectionDerivativeCase(
      description: "affine set, stored b, θ = []",
      projection: AffineSetProjection(rows: [[1, 2, 0, -1], [0, 1, 1, 1], [3, 0, 1, 0]],
                                      rightHandSide: [1, 0, -1]),
      parameters: [], dimension: 4, lower: -2, upper: 2),
    ProjectionDerivativeCase(
      description: "entropic simplex, log argument, θ = [r]", projection: EntropicSimplexProjection(),
      parameters: [1.3], dimension: 6, lower: -3, upper: 3),
    ProjectionDerivativeCase(
      description: "entropic simplex, point argument, θ = [r]",
      projection: EntropicSimplexProjection(argument: .point),
      parameters: [0.8], dimension: 6, lower: 0.1, upper: 2),
    ProjectionDerivativeCase(
      description: "entropic orthant", projection: EntropicOrthantProjection(),
      parameters: [], dimension: 4, lower: -2, upper: 2),
  ]

  /// P(y + t·dy, θ + t·dθ) as a function of t.
  func path(_ y: [Double], _ direction: [Double], _ parametersDirection: [Double]) -> (Double) -> [Double] {
    { t in
      projection(ProjectionTestSupport.axpy(t, direction, y),
                 ProjectionTestSupport.axpy(t, parametersDirection, parameters))
    }
  }
}

@Suite("Projection derivatives: dual-number JVPs against finite differences and closed forms")
struct ProjectionTestsDerivatives {
  /// Compares the JVP with a central difference (h = 1e-6, relative 1e-6) at random points away
  /// from kinks, along y (dθ = 0) and, when the set has parameters, along θ (dy = 0).
  @Test("JVP with respect to y and θ matches central differences",
        arguments: ProjectionDerivativeCase.all)
  func jacobianVectorProducts(_ set: ProjectionDerivativeCase) {
    var generator = ProjectionTestGenerator(seed: 11)
    var checked = 0
    var attempts = 0
    while checked < 10 {
      attempts += 1
      #expect(attempts < 100, "could not find points away from kinks")
      if attempts >= 100 { return }
      let y = generator.vector(set.dimension, set.lower, set.upper)
      let noPointMove = [Double](repeating: 0, count: set.dimension)
      let noParameterMove = [Double](repeating: 0, count: set.parameters.count)
      let direction = generator.vector(set.dimension)
      let parametersDirection = generator.vector(set.parameters.count, -0.2, 0.2)
      let alongPoint = set.path(y, direction, noParameterMove)
      let alongParameters = set.path(y, noPointMove, parametersDirection)
      guard ProjectionTestSupport.isSmooth(alongPoint),
            ProjectionTestSupport.isSmooth(alongParameters) else { continue }
      checked += 1

      let exactPoint = projectionJacobianVectorProduct(
        set.projection, at: y, parameters: set.parameters, along: direction)
      let referencePoint = ProjectionTestSupport.centralDifference(alongPoint)
      #expect(ProjectionTestSupport.maximumRelativeDifference(exactPoint, referencePoint) <= 1e-6,
              "∂P/∂y·dy at y = \(y)")

      guard !set.parameters.isEmpty else { continue }
      let exactParameters = projectionJacobianVectorProduct(
        set.projection, at: y, parameters: set.parameters, along: noPointMove,
        parametersAlong: parametersDirection)
      let referenceParameters = ProjectionTestSupport.centralDifference(alongParameters)
      #expect(ProjectionTestSupport.maximumRelativeDifference(exactParameters, referenceParameters) <= 1e-6,
              "∂P/∂θ·dθ at y = \(y)")
    }
  }

  @Test("value and JVP come from one evaluation, and a joint direction sums the partial JVPs")
  func jointDirection() {
    var generator = ProjectionTestGenerator(seed: 12)
    let projection = SimplexProjection()
    let y = generator.vector(8)
    let dy = generator.vector(8)
    let (value, joint) = projectionValueAndJacobianVectorProduct(
      projection, at: y, parameters: [1.4], along: dy, parametersAlong: [0.3])
    #expect(value == projection(y, [1.4]))
    let pointOnly = projectionJacobianVectorProduct(projection, at: y, parameters: [1.4], along: dy)
    let parameterOnly = projectionJacobianVectorProduct(
      projection, at: y, parameters: [1.4], along: [Double](repeating: 0, count: 8), parametersAlong: [0.3])
    #expect(ProjectionTestSupport.maximumRelativeDifference(joint, zip(pointOnly, parameterOnly).map(+)) <= 1e-15)
  }

  @Test("simplex Jacobian is diag(s) − s sᵀ/‖s‖₁ and ∂P/∂r = s/‖s‖₁ (s: support indicator)")
  func simplexJacobian() {
    var generator = ProjectionTestGenerator(seed: 13)
    for dimension in [1, 2, 5, 12] {
      for _ in 0..<5 {
        let y = generator.vector(dimension, -1, 1)
        let radius = generator.uniform(0.3, 2)
        let projection = SimplexProjection(radius: radius)
        let x = projection(y, [] as [Double])
        let support = x.map { $0 > 0 ? 1.0 : 0.0 }
        let size = support.reduce(0, +)
        let jacobian = ProjectionTestSupport.jacobian(of: projection, at: y)
        for i in 0..<dimension {
          for j in 0..<dimension {
            let expected = (i == j ? support[i] : 0) - support[i] * support[j] / size
            #expect(Swift.abs(jacobian[i][j] - expected) <= 1e-12, "(\(i), \(j)) at y = \(y)")
          }
        }
        let radiusDerivative = projectionJacobianVectorProduct(
          SimplexProjection(), at: y, parameters: [radius],
          along: [Double](repeating: 0, count: dimension), parametersAlong: [1])
        #expect(ProjectionTestSupport.maximumRelativeDifference(radiusDerivative, support.map { $0 / size }) <= 1e-12)
      }
    }
  }

  @Test("ℓ2 ball Jacobian outside the ball is (r/‖y‖)(I − ŷŷᵀ), inside it is I")
  func l2BallJacobian() {
    var generator = ProjectionTestGenerator(seed: 14)
    let radius = 0.9
    for scale in [0.2, 3.0] {
      let y = generator.vector(4, -scale, scale)
      let norm = ProjectionTestSupport.dot(y, y).squareRoot()
      let jacobian = ProjectionTestSupport.jacobian(of: L2BallProjection(radius: radius), at: y)
      for i in 0..<4 {
        for j in 0..<4 {
          let identity = i == j ? 1.0 : 0.0
          let expected = norm <= radius ? identity : radius / norm * (identity - y[i] * y[j] / (norm * norm))
          #expect(Swift.abs(jacobian[i][j] - expected) <= 1e-14)
        }
      }
    }
  }

  @Test("affine-set Jacobians: ∂P/∂y = I − Aᵀ(AAᵀ)⁻¹A, ∂P/∂b·db = Aᵀ(AAᵀ)⁻¹db")
  func affineSetJacobian() {
    var generator = ProjectionTestGenerator(seed: 15)
    let rows = (0..<2).map { _ in generator.vector(5) }
    let projection = AffineSetProjection(rows: rows)
    let gram = rows.flatMap { r in rows.map { ProjectionTestSupport.dot(r, $0) } }
    let y = generator.vector(5)
    let b = generator.vector(2)
    let dy = generator.vector(5)
    let db = generator.vector(2)
    let multipliers = ProjectionTestSupport.solve(gram, rows.map { ProjectionTestSupport.dot($0, dy) })
    var expected = dy
    for i in rows.indices { expected = ProjectionTestSupport.axpy(-multipliers[i], rows[i], expected) }
    let exact = projectionJacobianVectorProduct(projection, at: y, parameters: b, along: dy)
    #expect(ProjectionTestSupport.maximumRelativeDifference(exact, expected) <= 1e-13)
    let bMultipliers = ProjectionTestSupport.solve(gram, db)
    var expectedB = [Double](repeating: 0, count: 5)
    for i in rows.indices { expectedB = ProjectionTestSupport.axpy(bMultipliers[i], rows[i], expectedB) }
    let exactB = projectionJacobianVectorProduct(
      projection, at: y, parameters: b, along: [Double](repeating: 0, count: 5), parametersAlong: db)
    #expect(ProjectionTestSupport.maximumRelativeDifference(exactB, expectedB) <= 1e-13)
  }

  @Test("box: ∂P/∂y is the free-set indicator, ∂P/∂(l, u) the active-bound indicators")
  func boxJacobian() {
    let y = [-2.0, 0.1, 3.0]
    let bounds = [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0]
    let projection = BoxProjection()
    let alongPoint = projectionJacobianVectorProduct(projection, at: y, parameters: bounds, along: [1, 1, 1])
    #expect(alongPoint == [0, 1, 0])
    let alongLower = projectionJacobianVectorProduct(
      projection, at: y, parameters: bounds, along: [0, 0, 0], parametersAlong: [1, 1, 1, 0, 0, 0])
    #expect(alongLower == [1, 0, 0])
    let alongUpper = projectionJacobianVectorProduct(
      projection, at: y, parameters: bounds, along: [0, 0, 0], parametersAlong: [0, 0, 0, 1, 1, 1])
    #expect(alongUpper == [0, 0, 1])
  }

  @Test("entropic simplex Jacobian in log coordinates is diag(p) − p pᵀ/r")
  func entropicSimplexJacobian() {
    var generator = ProjectionTestGenerator(seed: 16)
    let radius = 1.7
    let projection = EntropicSimplexProjection(radius: radius)
    let y = generator.vector(5, -2, 2)
    let p = projection(y, [] as [Double])
    let jacobian = ProjectionTestSupport.jacobian(of: projection, at: y)
    for i in 0..<5 {
      for j in 0..<5 {
        let expected = (i == j ? p[i] : 0) - p[i] * p[j] / radius
        #expect(Swift.abs(jacobian[i][j] - expected) <= 1e-15)
      }
    }
  }

  @Test("second derivatives through nested duals: the ℓ2-ball projection's curvature")
  func nestedDuals() {
    // d²/dt² P(t·e₁ + e₂)₂ for r = 1 outside the ball: P₂ = 1/√(t² + 1), second derivative at
    // t = 2 is (2t² − 1)/(t² + 1)^(5/2) = 7/5^(5/2).
    let second = secondDerivative(at: 2) { t in
      L2BallProjection()([t, Dual(1)], [] as [Dual<Dual<Double>>])[1]
    }
    #expect(Swift.abs(second - 7 / pow(5, 2.5)) <= 1e-14)
  }
}
