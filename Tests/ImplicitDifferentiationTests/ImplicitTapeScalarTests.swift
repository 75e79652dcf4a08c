import DualNumbers
import ImplicitDifferentiation
import Testing

/// A scalar function of a vector using every elementary operation, written once generically.
struct CompositeObjective: Objective {
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> S {
    var total = S(0)
    for index in x.indices {
      let u = x[index] * θ[index % θ.count]
      let v = x[(index + 1) % x.count]
      total += S.sqrt(u * u + 1) / (v + 3) + S.exp(-u) * S.log(v + 2) + S.tanh(u) - S.log(onePlus: v * v)
      total += S.expMinusOne(u / 4) + S.pow(v + 2, u + 2) + S.pow(u, 3) - S.sin(u) * S.cos(2 * v)
      total += S.scaled(S.logistic(u - v), by: 0.3) + S.softplus(v) - S.maximum(u, v)
    }
    return total
  }
}

@Suite("Reverse mode: the tape scalar")
struct ImplicitTapeScalarTests {
  let x = [0.3, -0.7, 1.1, 0.2]
  let θ = [0.9, -0.4]

  @Test("one reverse sweep gives the gradient that n forward passes give")
  func gradientMatchesForwardMode() {
    let reverse = CompositeObjective().gradient(x, θ)
    let forward = gradient(at: x) { CompositeObjective()($0, θ.map { Dual($0) }) }
    #expect(Dense.maximumDifference(reverse, forward) <= 1e-13)
  }

  @Test("the parameter gradient ∇₂f matches forward mode")
  func parameterGradient() {
    let reverse = CompositeObjective().parameterGradient(x, θ)
    let forward = gradient(at: θ) { CompositeObjective()(x.map { Dual($0) }, $0) }
    #expect(Dense.maximumDifference(reverse, forward) <= 1e-13)
  }

  @Test("reverse over forward (Dual<TapeScalar>) and forward over reverse give the Hessian-vector product of nested duals")
  func secondOrder() {
    let v = [0.5, -1.0, 0.25, 2.0]
    let reference = hessianVectorProduct(at: x, along: v) { CompositeObjective()($0, θ.map { Dual($0) }) }
    let objectiveProducts = ObjectiveLinearization(objective: CompositeObjective(), state: x, parameters: θ)
    let reverseOverForward = objectiveProducts.secondOrderProducts(stateTangent: v, parameterTangent: nil).state
    #expect(Dense.maximumDifference(reverseOverForward, reference) <= 1e-12)

    // Forward over reverse: the gradient evaluated on duals carries H·v in its tangents.
    let seeded = zip(x, v).map { Dual($0, tangent: $1) }
    let forwardOverReverse = CompositeObjective().gradient(seeded, θ.map { Dual($0) }).map(\.tangent)
    #expect(Dense.maximumDifference(forwardOverReverse, reference) <= 1e-12)
  }

  @Test("reverse over reverse (TapeScalar<TapeScalar>) differentiates a reverse sweep exactly")
  func reverseOverReverse() {
    let v = [0.5, -1.0, 0.25, 2.0]
    let reference = hessianVectorProduct(at: x, along: v) { CompositeObjective()($0, θ.map { Dual($0) }) }
    // g(x) = ∇f(x)·v computed by an inner reverse sweep on tape scalars, differentiated by an outer one.
    let outer = Tape<Double>()
    let variables = outer.variables(x)
    let inner = CompositeObjective().gradient(variables, θ.map { TapeScalar($0) })
    var directional = TapeScalar<Double>(0)
    for index in inner.indices { directional += TapeScalar(v[index]) * inner[index] }
    let product = outer.pullback(of: [directional], cotangent: [1], withRespectTo: variables)
    #expect(Dense.maximumDifference(product, reference) <= 1e-12)
  }

  @Test("a gradient costs one recording and one sweep whatever the dimension; constants are not recorded")
  func costIndependentOfDimension() {
    for dimension in [10, 100, 1_000] {
      let tape = Tape<Double>()
      let variables = tape.variables((0..<dimension).map { Double($0) / Double(dimension) })
      var total = TapeScalar<Double>(0)
      for value in variables { total += 2 * value * value }  // 2·v: one product, one product, one sum
      let gradient = tape.pullback(of: [total], cotangent: [1], withRespectTo: variables)
      #expect(tape.sweepCount == 1)
      // Inputs, then per component: 2·v, (2·v)·v, the running sum (the first sum adds to a constant).
      #expect(tape.count == 4 * dimension)
      #expect(Dense.maximumDifference(gradient, variables.map { 4 * $0.value }) <= 1e-15)
    }
  }

  @Test("comparisons and branches follow the primal value; pow with a constant exponent works at x ≤ 0")
  func branchesAndPowers() {
    let tape = Tape<Double>()
    let a = tape.variable(-2)
    let cube = TapeScalar.pow(a, TapeScalar(3))
    let absolute = TapeScalar.abs(a)
    let gradient = tape.pullback(of: [cube, absolute], cotangent: [1, 1], withRespectTo: [a])
    #expect(cube.value == -8)
    #expect(abs(gradient[0] - (12 - 1)) <= 1e-14)
    #expect(TapeScalar<Double>(0).isExactlyZero && !tape.variable(0).isExactlyZero)
  }
}
