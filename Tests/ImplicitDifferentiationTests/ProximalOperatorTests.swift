import DualNumbers
import Foundation
import ImplicitDifferentiation
import Testing

/// A proximal operator under test with its penalty g(x, θ) written out independently, so that
/// prox_{ηg}(y) can be checked as the minimiser of ½‖x − y‖² + η g(x, θ).
struct ProximalCase: Sendable, CustomStringConvertible {
  let description: String
  let proximalOperator: any ProximalOperator
  let parameters: [Double]
  let scaling: Double
  let dimension: Int
  let spread: Double
  let penalty: @Sendable (_ x: [Double], _ parameters: [Double]) -> Double

  func prox(_ y: [Double]) -> [Double] { proximalOperator(y, parameters, scaling: scaling) }

  func objective(_ x: [Double], _ y: [Double]) -> Double {
    0.5 * zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } + scaling * penalty(x, parameters)
  }

  static func l1Norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + Swift.abs($1) } }
  static func squaredNorm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 } }

  static let groups = [[0, 3], [1, 2, 5], [6]]  // component 4 is in no group
  static let groupWeights = [1.0, 1.5, 0.5]

  static let all: [ProximalCase] = [
    ProximalCase(
      description: "lasso, θ = [λ]", proximalOperator: LassoProximalOperator(),
      parameters: [0.4], scaling: 0.7, dimension: 6, spread: 1,
      penalty: { x, θ in θ[0] * l1Norm(x) }),
    ProximalCase(
      description: "lasso, per-component λ", proximalOperator: LassoProximalOperator(),
      parameters: [0.1, 0.5, 0.3, 0.8, 0.2], scaling: 1.3, dimension: 5, spread: 1,
      penalty: { x, θ in zip(x, θ).reduce(0) { $0 + $1.1 * Swift.abs($1.0) } }),
    ProximalCase(
      description: "lasso, stored λ", proximalOperator: LassoProximalOperator(strength: 0.25),
      parameters: [], scaling: 2, dimension: 5, spread: 1,
      penalty: { x, _ in 0.25 * l1Norm(x) }),
    ProximalCase(
      description: "elastic net, θ = [λ, γ]", proximalOperator: ElasticNetProximalOperator(),
      parameters: [0.3, 0.8], scaling: 0.9, dimension: 6, spread: 1,
      penalty: { x, θ in θ[0] * l1Norm(x) + 0.5 * θ[1] * squaredNorm(x) }),
    ProximalCase(
      description: "elastic net, stored strengths",
      proximalOperator: ElasticNetProximalOperator(l1Strength: 0.2, l2Strength: 1.5),
      parameters: [], scaling: 1, dimension: 4, spread: 1,
      penalty: { x, _ in 0.2 * l1Norm(x) + 0.75 * squaredNorm(x) }),
    ProximalCase(
      description: "group lasso, weighted groups, θ = [λ]",
      proximalOperator: GroupLassoProximalOperator(groups: groups, weights: groupWeights),
      parameters: [0.5], scaling: 0.8, dimension: 7, spread: 1,
      penalty: { x, θ in
        zip(groups, groupWeights).reduce(0) { sum, group in
          sum + θ[0] * group.1 * squaredNorm(group.0.map { x[$0] }).squareRoot()
        }
      }),
    ProximalCase(
      description: "group lasso, consecutive groups, stored λ",
      proximalOperator: GroupLassoProximalOperator(groupSizes: [2, 3, 1], strength: 0.6),
      parameters: [], scaling: 1, dimension: 6, spread: 1,
      penalty: { x, _ in
        0.6 * [[0, 1], [2, 3, 4], [5]].reduce(0) { $0 + squaredNorm($1.map { x[$0] }).squareRoot() }
      }),
    ProximalCase(
      description: "ridge, θ = [λ]", proximalOperator: RidgeProximalOperator(),
      parameters: [1.7], scaling: 0.6, dimension: 4, spread: 2,
      penalty: { x, θ in 0.5 * θ[0] * squaredNorm(x) }),
    ProximalCase(
      description: "indicator of the ℓ2 ball (a projection)",
      proximalOperator: IndicatorProximalOperator(L2BallProjection()),
      parameters: [1.1], scaling: 3, dimension: 4, spread: 1.5,
      penalty: { x, θ in squaredNorm(x) <= θ[0] * θ[0] * (1 + 1e-12) ? 0 : .infinity }),
  ]
}

@Suite("Proximal operators: minimisers of ½‖x − y‖² + η g(x, θ)")
struct ProximalOperatorTests {
  @Test("prox_{ηg}(y) minimises ½‖x − y‖² + η g(x): no perturbation or random point does better",
        arguments: ProximalCase.all)
  func optimality(_ operatorCase: ProximalCase) {
    var generator = ProjectionTestGenerator(seed: 21)
    for _ in 0..<20 {
      let y = generator.vector(operatorCase.dimension, -operatorCase.spread, operatorCase.spread)
      let x = operatorCase.prox(y)
      let best = operatorCase.objective(x, y)
      #expect(best.isFinite)
      for scale in [1e-4, 1e-2, 1.0] {
        for _ in 0..<10 {
          let candidate = ProjectionTestSupport.axpy(scale, generator.vector(operatorCase.dimension), x)
          #expect(best <= operatorCase.objective(candidate, y) + 1e-13, "y = \(y)")
        }
      }
    }
  }

  @Test("soft thresholding closed form: sign(yᵢ) max(|yᵢ| − ηλ, 0)")
  func softThresholding() {
    let y = [3, -0.5, 0.2, -2, 1, 0]
    // ηλ = 0.5: |y| = 0.5 lands exactly on the threshold and is zeroed.
    let x = LassoProximalOperator()(y, [1.0], scaling: 0.5)
    #expect(x == [2.5, 0, 0, -1.5, 0.5, 0])
    let perComponent = LassoProximalOperator()([1, 1, -1], [0.2, 2, 0.5], scaling: 1.0)
    #expect(perComponent == [0.8, 0, -0.5])
    // Derivatives: ∂/∂yᵢ = 𝟙[|yᵢ| > ηλ], ∂/∂λ = −η sign(yᵢ) on that set.
    let alongPoint = proximalJacobianVectorProduct(
      LassoProximalOperator(), at: y, parameters: [1], scaling: 0.5, along: [1, 1, 1, 1, 1, 1])
    #expect(alongPoint == [1, 0, 0, 1, 1, 0])
    let alongStrength = proximalJacobianVectorProduct(
      LassoProximalOperator(), at: y, parameters: [1], scaling: 0.5,
      along: [0, 0, 0, 0, 0, 0], parametersAlong: [1])
    #expect(alongStrength == [-0.5, 0, 0, 0.5, -0.5, 0])
  }

  @Test("Moreau decomposition: y − prox_{ηλ‖·‖₁}(y) is the projection onto the ℓ∞ ball of radius ηλ")
  func moreauLasso() {
    var generator = ProjectionTestGenerator(seed: 22)
    for _ in 0..<20 {
      let y = generator.vector(6, -2, 2)
      let x = LassoProximalOperator(strength: 0.6)(y, [] as [Double], scaling: 1.5)
      let dual = LInfinityBallProjection(radius: 0.9)(y, [] as [Double])
      #expect(ProjectionTestSupport.maximumRelativeDifference(zip(y, x).map(-), dual) <= 1e-15)
    }
  }

  @Test("Moreau decomposition per group: y_g − prox(y)_g is y_g projected onto the ℓ2 ball of radius ηλw_g")
  func moreauGroupLasso() {
    var generator = ProjectionTestGenerator(seed: 23)
    let proximalOperator = GroupLassoProximalOperator(
      groups: ProximalCase.groups, weights: ProximalCase.groupWeights)
    for _ in 0..<20 {
      let y = generator.vector(7, -1, 1)
      let x = proximalOperator(y, [0.5], scaling: 0.8)
      for (group, weight) in zip(ProximalCase.groups, ProximalCase.groupWeights) {
        let residual = group.map { y[$0] - x[$0] }
        let dual = L2BallProjection(radius: 0.4 * weight)(group.map { y[$0] }, [] as [Double])
        #expect(ProjectionTestSupport.maximumRelativeDifference(residual, dual) <= 1e-15)
      }
      #expect(x[4] == y[4], "a component in no group is not penalised")
    }
    // A group is zeroed as a whole once its norm is below the threshold.
    let zeroed = GroupLassoProximalOperator(groupSizes: [2, 2])([0.3, 0.4, 3, 4], [1], scaling: 1.0)
    #expect(zeroed[0] == 0 && zeroed[1] == 0)
    #expect(ProjectionTestSupport.maximumRelativeDifference(zeroed, [0, 0, 2.4, 3.2]) <= 1e-15)
  }

  @Test("group lasso with singleton groups is the lasso")
  func singletonGroups() {
    var generator = ProjectionTestGenerator(seed: 24)
    let y = generator.vector(5, -1, 1)
    let groups = GroupLassoProximalOperator(groupSizes: [1, 1, 1, 1, 1])(y, [0.3], scaling: 1.2)
    let lasso = LassoProximalOperator()(y, [0.3], scaling: 1.2)
    #expect(ProjectionTestSupport.maximumRelativeDifference(groups, lasso) <= 1e-15)
  }

  @Test("elastic net = soft thresholding then ridge shrinkage; its limits are the lasso and the ridge")
  func elasticNet() {
    var generator = ProjectionTestGenerator(seed: 25)
    let y = generator.vector(6, -2, 2)
    let (λ, γ, η) = (0.4, 1.3, 0.7)
    let x = ElasticNetProximalOperator()(y, [λ, γ], scaling: η)
    let expected = y.map { (($0 > 0 ? 1.0 : -1.0) * Swift.max(Swift.abs($0) - η * λ, 0)) / (1 + η * γ) }
    #expect(ProjectionTestSupport.maximumRelativeDifference(x, expected) <= 1e-15)
    let lassoLimit = ElasticNetProximalOperator()(y, [λ, 0], scaling: η)
    #expect(ProjectionTestSupport.maximumRelativeDifference(lassoLimit, LassoProximalOperator()(y, [λ], scaling: η)) <= 1e-15)
    let ridgeLimit = ElasticNetProximalOperator()(y, [0, γ], scaling: η)
    #expect(ProjectionTestSupport.maximumRelativeDifference(ridgeLimit, RidgeProximalOperator()(y, [γ], scaling: η)) <= 1e-15)
    // jaxopt's parametrisation g = λ'(‖x‖₁ + γ'/2‖x‖²) is ours with (λ, γ) = (λ', λ'γ').
    let (jaxoptλ, jaxoptγ) = (0.4, 2.0)
    let jaxopt = y.map { (($0 > 0 ? 1.0 : -1.0) * Swift.max(Swift.abs($0) - η * jaxoptλ, 0)) / (1 + η * jaxoptλ * jaxoptγ) }
    let ours = ElasticNetProximalOperator()(y, [jaxoptλ, jaxoptλ * jaxoptγ], scaling: η)
    #expect(ProjectionTestSupport.maximumRelativeDifference(ours, jaxopt) <= 1e-15)
  }

  @Test("ridge: y / (1 + ηλ)")
  func ridge() {
    let x = RidgeProximalOperator(strength: 3)([2, -4], [] as [Double], scaling: 0.5)
    #expect(ProjectionTestSupport.maximumRelativeDifference(x, [0.8, -1.6]) <= 1e-15)
  }

  @Test("the prox of an indicator is the projection, for every η, with no η-derivative")
  func indicator() {
    var generator = ProjectionTestGenerator(seed: 26)
    let projection = SimplexProjection()
    let proximalOperator = IndicatorProximalOperator(projection)
    let y = generator.vector(6)
    for η in [0.01, 1.0, 50.0] {
      #expect(proximalOperator(y, [1.3], scaling: η) == projection(y, [1.3]))
    }
    let alongScaling = proximalJacobianVectorProduct(
      proximalOperator, at: y, parameters: [1.3], scaling: 2,
      along: [Double](repeating: 0, count: 6), scalingAlong: 1)
    #expect(alongScaling.allSatisfy { $0 == 0 })
  }
}

@Suite("Proximal-operator derivatives: dual-number JVPs against finite differences")
struct ProximalOperatorTestsDerivatives {
  @Test("JVP with respect to y, θ and η matches central differences (h = 1e-6, relative 1e-6)",
        arguments: ProximalCase.all)
  func jacobianVectorProducts(_ operatorCase: ProximalCase) {
    var generator = ProjectionTestGenerator(seed: 27)
    let dimension = operatorCase.dimension
    let parameterCount = operatorCase.parameters.count
    var checked = 0
    var attempts = 0
    while checked < 10 {
      attempts += 1
      #expect(attempts < 100, "could not find points away from kinks")
      if attempts >= 100 { return }
      let y = generator.vector(dimension, -operatorCase.spread, operatorCase.spread)
      let dy = generator.vector(dimension)
      let dθ = generator.vector(parameterCount, -0.2, 0.2)
      let dη = generator.uniform(-0.5, 0.5)
      // One path per argument, the other two held fixed.
      let paths: [(String, [Double], [Double], Double, (Double) -> [Double])] = [
        ("y", dy, [Double](repeating: 0, count: parameterCount), 0, { t in
          operatorCase.proximalOperator(ProjectionTestSupport.axpy(t, dy, y), operatorCase.parameters,
                                        scaling: operatorCase.scaling)
        }),
        ("θ", [Double](repeating: 0, count: dimension), dθ, 0, { t in
          operatorCase.proximalOperator(y, ProjectionTestSupport.axpy(t, dθ, operatorCase.parameters),
                                        scaling: operatorCase.scaling)
        }),
        ("η", [Double](repeating: 0, count: dimension), [Double](repeating: 0, count: parameterCount), dη, { t in
          operatorCase.proximalOperator(y, operatorCase.parameters, scaling: operatorCase.scaling + t * dη)
        }),
      ]
      guard paths.allSatisfy({ ProjectionTestSupport.isSmooth($0.4) }) else { continue }
      checked += 1
      for (name, pointDirection, parametersDirection, scalingDirection, path) in paths {
        let exact = proximalJacobianVectorProduct(
          operatorCase.proximalOperator, at: y, parameters: operatorCase.parameters,
          scaling: operatorCase.scaling, along: pointDirection,
          parametersAlong: parameterCount == 0 ? nil : parametersDirection,
          scalingAlong: scalingDirection)
        let reference = ProjectionTestSupport.centralDifference(path)
        #expect(ProjectionTestSupport.maximumRelativeDifference(exact, reference) <= 1e-6,
                "∂prox/∂\(name) at y = \(y)")
      }
    }
  }
}
