import DualNumbers
import Foundation
import ImplicitDifferentiation
import Testing

@Suite("Euclidean projections: P(y) lies in C and is the point of C closest to y")
struct ProjectionTests {
  @Test("P(y) lies in the set", arguments: EuclideanProjectionCase.all)
  func feasibility(_ set: EuclideanProjectionCase) {
    var generator = ProjectionTestGenerator(seed: 1)
    for _ in 0..<50 {
      let y = generator.vector(set.dimension, -set.spread, set.spread)
      let x = set.project(y)
      #expect(x.count == y.count)
      #expect(set.violation(x) <= 1e-12 * Double(set.dimension), "y = \(y)")
    }
  }

  @Test("variational inequality ⟨y − P(y), z − P(y)⟩ ≤ 0 for members z of the set",
        arguments: EuclideanProjectionCase.all)
  func optimality(_ set: EuclideanProjectionCase) {
    var generator = ProjectionTestGenerator(seed: 2)
    for _ in 0..<20 {
      let y = generator.vector(set.dimension, -set.spread, set.spread)
      let x = set.project(y)
      let residual = zip(y, x).map { $0 - $1 }
      for _ in 0..<20 {
        let z = set.member(&generator)
        #expect(set.violation(z) <= 1e-12, "the test's own member sampler left the set")
        let inner = ProjectionTestSupport.dot(residual, zip(z, x).map { $0 - $1 })
        #expect(inner <= 1e-12, "y = \(y), z = \(z)")
      }
    }
  }

  @Test("projection is idempotent: P(P(y)) = P(y), and points of the set are fixed",
        arguments: EuclideanProjectionCase.all)
  func idempotence(_ set: EuclideanProjectionCase) {
    var generator = ProjectionTestGenerator(seed: 3)
    for _ in 0..<30 {
      let x = set.project(generator.vector(set.dimension, -set.spread, set.spread))
      #expect(ProjectionTestSupport.maximumRelativeDifference(set.project(x), x) <= 1e-13)
      let z = set.member(&generator)
      #expect(ProjectionTestSupport.maximumRelativeDifference(set.project(z), z) <= 1e-12)
    }
  }

  @Test("worked examples: simplex, ℓ1 ball, ℓ2 ball, box, half-space")
  func workedExamples() {
    // Simplex: y = (0.5, 0.2, −0.3), r = 1: support {1, 2}, τ = (0.7 − 1)/2 = −0.15.
    let simplex = SimplexProjection()([0.5, 0.2, -0.3], [] as [Double])
    #expect(ProjectionTestSupport.maximumRelativeDifference(simplex, [0.65, 0.35, 0]) <= 1e-15)
    // Ties are kept together: (1, 1, 1) → (1/3, 1/3, 1/3).
    let ties = SimplexProjection()([1, 1, 1], [] as [Double])
    #expect(ProjectionTestSupport.maximumRelativeDifference(ties, [1.0 / 3, 1.0 / 3, 1.0 / 3]) <= 1e-15)
    // ℓ1 ball of radius 1: (2, −1, 0.25) → soft thresholding at τ = 1 → (1, 0, 0).
    let l1 = L1BallProjection()([2, -1, 0.25], [] as [Double])
    #expect(ProjectionTestSupport.maximumRelativeDifference(l1, [1, 0, 0]) <= 1e-15)
    // ℓ1 ball: (3, −2) with r = 3 → τ = 1 → (2, −1).
    let l1Signs = L1BallProjection(radius: 3)([3, -2], [] as [Double])
    #expect(ProjectionTestSupport.maximumRelativeDifference(l1Signs, [2, -1]) <= 1e-15)
    // ℓ2 ball: (3, 4) → (0.6, 0.8); inside points are unchanged.
    let l2 = L2BallProjection()([3, 4], [] as [Double])
    #expect(ProjectionTestSupport.maximumRelativeDifference(l2, [0.6, 0.8]) <= 1e-15)
    #expect(L2BallProjection()([0.3, 0.4], [] as [Double]) == [0.3, 0.4])
    // Box and ℓ∞ ball clamp componentwise.
    #expect(BoxProjection(lower: -1, upper: 2)([-3, 0.5, 7], [] as [Double]) == [-1, 0.5, 2])
    #expect(LInfinityBallProjection()([-3, 0.5, 7], [] as [Double]) == [-1, 0.5, 1])
    #expect(NonNegativeOrthantProjection()([-3, 0.5, 0], [] as [Double]) == [0, 0.5, 0])
    // Half-space x₁ + x₂ ≤ 1: (1, 1) → (0.5, 0.5); (0, 0) is kept.
    let halfSpace = HalfSpaceProjection(normal: [1, 1], offset: 1)
    #expect(halfSpace([1, 1], [] as [Double]) == [0.5, 0.5])
    #expect(halfSpace([0, 0], [] as [Double]) == [0, 0])
  }

  @Test("the affine-set projection is y − Aᵀ(AAᵀ)⁻¹(Ay − b), checked by an independent dense solve")
  func affineSetClosedForm() {
    var generator = ProjectionTestGenerator(seed: 4)
    let rows = (0..<3).map { _ in generator.vector(6) }
    let b = generator.vector(3)
    let projection = AffineSetProjection(rows: rows, rightHandSide: b)
    let gram = rows.flatMap { r in rows.map { ProjectionTestSupport.dot(r, $0) } }
    for _ in 0..<10 {
      let y = generator.vector(6, -3, 3)
      let residual = rows.indices.map { ProjectionTestSupport.dot(rows[$0], y) - b[$0] }
      let multipliers = ProjectionTestSupport.solve(gram, residual)
      var expected = y
      for i in rows.indices { expected = ProjectionTestSupport.axpy(-multipliers[i], rows[i], expected) }
      // θ = [] uses the stored b; θ = b gives the same point.
      #expect(ProjectionTestSupport.maximumRelativeDifference(projection(y, [] as [Double]), expected) <= 1e-13)
      #expect(ProjectionTestSupport.maximumRelativeDifference(projection(y, b), expected) <= 1e-13)
    }
  }

  @Test("the simplex projection is exact at d = 10⁵ (sort-based, O(d log d))")
  func largeSimplex() {
    var generator = ProjectionTestGenerator(seed: 5)
    let dimension = 100_000
    let y = generator.vector(dimension, -1, 1)
    let radius = 3.0
    let x = SimplexProjection(radius: radius)(y, [] as [Double])
    #expect(EuclideanProjectionCase.simplexViolation(x, radius: radius) <= 1e-10)
    // Independent reference: τ by bisection on the decreasing Σ max(yᵢ − τ, 0) − r.
    var low = y.max()! - radius
    var high = y.max()!
    for _ in 0..<100 {
      let middle = 0.5 * (low + high)
      let total = y.reduce(0) { $0 + Swift.max($1 - middle, 0) }
      if total > radius { low = middle } else { high = middle }
    }
    let threshold = 0.5 * (low + high)
    let reference = y.map { Swift.max($0 - threshold, 0) }
    #expect(ProjectionTestSupport.maximumRelativeDifference(x, reference) <= 1e-12)
    #expect(x.filter { $0 > 0 }.count > 1)
    // Its derivative at that size: tangents sum to zero (the sum is fixed) and vanish off support.
    let direction = generator.vector(dimension)
    let tangent = projectionJacobianVectorProduct(SimplexProjection(radius: radius), at: y, along: direction)
    #expect(Swift.abs(tangent.reduce(0, +)) <= 1e-10)
    #expect(zip(x, tangent).allSatisfy { $0 > 0 || $1 == 0 })
  }
}

@Suite("Entropic (KL) projections: mirror-descent conventions")
struct ProjectionTestsEntropic {
  @Test("KL projection onto the simplex in log coordinates is r·softmax(y)")
  func simplexSoftmax() {
    var generator = ProjectionTestGenerator(seed: 6)
    for radius in [1.0, 2.5] {
      let projection = EntropicSimplexProjection(radius: radius)
      for _ in 0..<20 {
        let y = generator.vector(6, -4, 4)
        let x = projection(y, [] as [Double])
        #expect(x.allSatisfy { $0 > 0 })
        #expect(Swift.abs(x.reduce(0, +) - radius) <= 1e-14)
        // Optimality of argmin_{x ∈ Δr} KL(x, e^y): log xᵢ − yᵢ is one multiplier for every i.
        let multipliers = zip(x, y).map { log($0) - $1 }
        #expect(multipliers.max()! - multipliers.min()! <= 1e-13)
        // A constant shift of the log-argument changes nothing.
        let shifted = projection(y.map { $0 + 100 }, [] as [Double])
        #expect(ProjectionTestSupport.maximumRelativeDifference(shifted, x) <= 1e-14)
        // θ = [r] overrides the stored radius.
        let overridden = EntropicSimplexProjection()(y, [radius])
        #expect(ProjectionTestSupport.maximumRelativeDifference(overridden, x) <= 1e-15)
      }
    }
  }

  @Test("point and log conventions agree: P_point(u) = P_log(log u) = r·u/Σu")
  func conventionsAgree() {
    var generator = ProjectionTestGenerator(seed: 7)
    for _ in 0..<20 {
      let u = generator.vector(5, 0.01, 3)
      let fromPoint = EntropicSimplexProjection(radius: 2, argument: .point)(u, [] as [Double])
      let fromLogarithm = EntropicSimplexProjection(radius: 2)(u.map { log($0) }, [] as [Double])
      let total = u.reduce(0, +)
      #expect(ProjectionTestSupport.maximumRelativeDifference(fromPoint, u.map { 2 * $0 / total }) <= 1e-15)
      #expect(ProjectionTestSupport.maximumRelativeDifference(fromLogarithm, fromPoint) <= 1e-14)
    }
  }

  @Test("one mirror-descent step through the projection is the exponentiated-gradient update")
  func exponentiatedGradient() {
    // jaxopt: projection_grad(x, g, η) = projection(mapping_fun(x) − η g) with mapping_fun = log.
    let x = [0.2, 0.5, 0.3]
    let gradient = [1.0, -2.0, 0.5]
    let stepSize = 0.3
    let step = zip(x, gradient).map { log($0) - stepSize * $1 }
    let next = EntropicSimplexProjection()(step, [] as [Double])
    let weights = zip(x, gradient).map { $0 * exp(-stepSize * $1) }
    let total = weights.reduce(0, +)
    #expect(ProjectionTestSupport.maximumRelativeDifference(next, weights.map { $0 / total }) <= 1e-15)
  }

  @Test("KL projection onto the positive orthant is the inverse mirror map exp")
  func orthant() {
    var generator = ProjectionTestGenerator(seed: 8)
    let y = generator.vector(6, -30, 5)
    let x = EntropicOrthantProjection()(y, [] as [Double])
    #expect(x.allSatisfy { $0 > 0 })
    #expect(ProjectionTestSupport.maximumRelativeDifference(x.map { log($0) }, y) <= 1e-14)
  }
}
