import DualNumbers
import Foundation
import Testing

/// Central difference of a Double function, the independent reference for every derivative here.
private func centralDifference(_ f: (Double) -> Double, at x: Double, step h: Double = 1e-6) -> Double {
  (f(x + h) - f(x - h)) / (2 * h)
}

@Suite("Dual numbers: forward-mode derivatives")
struct DualArithmeticTests {
  /// A function written once, generically; evaluated on Double for values and on duals for derivatives.
  static func composite<S: RealScalar>(_ x: S) -> S {
    let a = S.sqrt(x * x + 1) / (x + 3)
    let b = S.exp(-x) * S.log(x + 2) + S.tanh(x) - S.log(onePlus: x * x) + S.expMinusOne(x / 4)
    let c = S.pow(x + 2, S(2.5)) + S.pow(x, 3) - S.sin(x) * S.cos(2 * x)
    return a + b + c
  }

  @Test("first derivatives of the elementary functions match central differences",
        arguments: [-0.7, 0.3, 1.9])
  func firstDerivatives(x: Double) {
    let exact = derivative(at: x) { Self.composite($0) }
    let reference = centralDifference({ Self.composite($0) }, at: x)
    #expect(abs(exact - reference) <= 1e-8 * max(1, abs(reference)))
  }

  @Test("second derivatives by nested duals match differences of first derivatives",
        arguments: [-0.7, 0.3, 1.9])
  func secondDerivatives(x: Double) {
    let exact = secondDerivative(at: x) { Self.composite($0) }
    let reference = centralDifference({ y in derivative(at: y) { Self.composite($0) } }, at: x)
    #expect(abs(exact - reference) <= 1e-7 * max(1, abs(reference)))
  }

  @Test("closed forms: d/dx xⁿ, d/dx eˣ, d²/dx² log x")
  func closedForms() {
    #expect(derivative(at: 2) { Dual.pow($0, 5) } == 5 * 16)
    #expect(derivative(at: -2) { Dual.pow($0, 3) } == 12)
    #expect(abs(derivative(at: 0.5) { Dual.exp($0) } - exp(0.5)) < 1e-15)
    #expect(abs(secondDerivative(at: 3) { Dual.log($0) } + 1.0 / 9) < 1e-15)
    // A constant exponent needs no logarithm: (1 - r)^α is differentiable at r = 1 for α > 1.
    #expect(derivative(at: 1) { Dual.pow(1 - $0, Dual(2.5)) } == 0)
  }

  @Test("a variable exponent differentiates through the logarithm")
  func variableExponent() {
    let base = 1.7
    let exact = derivative(at: 2.5) { Dual.pow(Dual(base), $0) }
    #expect(abs(exact - pow(base, 2.5) * log(base)) < 1e-14)
  }

  @Test("comparisons use the primal value; abs, max, min pick the branch with its derivative")
  func branches() {
    let x = Dual<Double>(2, tangent: 5)
    let y = Dual<Double>(2, tangent: -1)
    #expect(x == y)
    #expect(Dual.maximum(x, Dual(1)).tangent == 5)
    #expect(Dual.minimum(x, Dual(1)).tangent == 0)
    #expect(Dual.abs(Dual<Double>(-3, tangent: 2)).tangent == -2)
    #expect(Dual.abs(Dual<Double>(0, tangent: 2)).tangent == 0)
  }

  @Test("logistic and softplus are stable at large arguments and differentiate correctly")
  func logisticAndSoftplus() {
    #expect(Double.logistic(-800) == 0)
    #expect(Double.softplus(800) == 800)
    for x in [-3.0, 0.2, 4.0] {
      let logisticSlope = derivative(at: x) { Dual.logistic($0) }
      let value = Double.logistic(x)
      #expect(abs(logisticSlope - value * (1 - value)) < 1e-15)
      #expect(abs(derivative(at: x) { Dual.softplus($0) } - value) < 1e-15)
    }
  }

  @Test("gradient and Hessian-vector product of a multivariate function match closed forms")
  func multivariate() {
    // f(x) = Σᵢ xᵢ² xᵢ₊₁ + exp(x₀): ∇f and ∇²f·v written out by hand only here, as the reference.
    func f<S: RealScalar>(_ x: [S]) -> S {
      var sum = S.exp(x[0])
      for i in 0..<(x.count - 1) { sum += x[i] * x[i] * x[i + 1] }
      return sum
    }
    let x = [0.3, -1.2, 0.8, 2.0]
    let v = [1.0, 0.5, -0.25, 2.0]
    let n = x.count
    var gradientReference = [Double](repeating: 0, count: n)
    var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    gradientReference[0] += exp(x[0])
    hessian[0][0] += exp(x[0])
    for i in 0..<(n - 1) {
      gradientReference[i] += 2 * x[i] * x[i + 1]
      gradientReference[i + 1] += x[i] * x[i]
      hessian[i][i] += 2 * x[i + 1]
      hessian[i][i + 1] += 2 * x[i]
      hessian[i + 1][i] += 2 * x[i]
    }
    let g = gradient(at: x) { f($0) }
    let hv = hessianVectorProduct(at: x, along: v) { f($0) }
    for i in 0..<n {
      #expect(abs(g[i] - gradientReference[i]) < 1e-14)
      let reference = (0..<n).reduce(0.0) { $0 + hessian[i][$1] * v[$1] }
      #expect(abs(hv[i] - reference) < 1e-13)
    }
    let jvp = jacobianVectorProduct(at: x, along: v) { [f($0)] }
    let directional = zip(gradientReference, v).reduce(0.0) { $0 + $1.0 * $1.1 }
    #expect(abs(jvp[0] - directional) < 1e-13)
  }
}
