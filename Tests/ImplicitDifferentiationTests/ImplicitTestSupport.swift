import DualNumbers
import ImplicitDifferentiation
import LinearAlgebra
import RandomNumbers
import Testing

/// LinearAlgebra's SplitMix64 with helpers for random problems, so that every random problem and
/// random direction in these tests is the same on every run.
struct ImplicitTestRandom: RandomNumberGenerator {
  private var generator: SplitMix64

  init(seed: UInt64) { generator = SplitMix64(seed: seed) }

  mutating func next() -> UInt64 { generator.next() }
  mutating func uniform(_ range: ClosedRange<Double> = -1...1) -> Double {
    Double.random(in: range, using: &self)
  }
  mutating func vector(_ count: Int, _ range: ClosedRange<Double> = -1...1) -> [Double] {
    (0..<count).map { _ in uniform(range) }
  }
  /// A row-major rows × columns matrix of uniform entries.
  mutating func matrix(_ rows: Int, _ columns: Int) -> [[Double]] {
    (0..<rows).map { _ in vector(columns) }
  }
}

/// Small dense helpers for the closed-form references (row-major [[Double]]).
enum Dense {
  static func transpose(_ a: [[Double]]) -> [[Double]] {
    guard let first = a.first else { return [] }
    return (0..<first.count).map { j in a.map { $0[j] } }
  }
  static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    a.map { row in (0..<b[0].count).map { j in zip(row, b).reduce(0) { $0 + $1.0 * $1.1[j] } } }
  }
  static func multiply(_ a: [[Double]], _ v: [Double]) -> [Double] {
    a.map { dot($0, v) }
  }
  static func dot(_ u: [Double], _ v: [Double]) -> Double { zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } }
  static func norm(_ v: [Double]) -> Double { dot(v, v).squareRoot() }
  static func identity(_ n: Int) -> [[Double]] {
    (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
  }
  /// Solves A·x = b by LAPACK's LU (the LinearAlgebra module's factorisation).
  static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    try! LUFactorization(DenseMatrix(rows: a)).solve(b)
  }
  /// Solves A·X = B column by column.
  static func solve(_ a: [[Double]], matrix b: [[Double]]) -> [[Double]] {
    let columns = transpose(b).map { solve(a, $0) }
    return transpose(columns)
  }
  static func maximumDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
    zip(a, b).map { maximumDifference($0, $1) }.max() ?? 0
  }
  static func maximumDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "comparing \(a.count) with \(b.count) components")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
  }
  static func column(_ a: [[Double]], _ j: Int) -> [Double] { a.map { $0[j] } }
}

/// Checks JVPs (every unit tangent) and VJPs (every unit cotangent) of a solution against a
/// reference Jacobian `reference[i][j] = ∂x*ᵢ/∂θⱼ`.
func expectDerivativesMatch(
  _ solution: ImplicitSolution, _ reference: [[Double]], tolerance: Double,
  linearSolver: (any LinearSolver)? = nil, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let d = reference.count
  let n = reference[0].count
  for j in 0..<n {
    var unit = [Double](repeating: 0, count: n)
    unit[j] = 1
    let tangent = try solution.jacobianVectorProduct(along: unit, linearSolver: linearSolver).value
    let error = Dense.maximumDifference(tangent, Dense.column(reference, j))
    #expect(error <= tolerance, "JVP along θ\(j): error \(error)", sourceLocation: sourceLocation)
  }
  for i in 0..<d {
    var unit = [Double](repeating: 0, count: d)
    unit[i] = 1
    let cotangent = try solution.vectorJacobianProduct(unit, linearSolver: linearSolver).value
    let error = Dense.maximumDifference(cotangent, reference[i])
    #expect(error <= tolerance, "VJP of x*\(i): error \(error)", sourceLocation: sourceLocation)
  }
}

/// Central differences (x*(θ + h eⱼ) − x*(θ − h eⱼ)) / 2h of a solver that re-solves tightly.
func centralDifferenceJacobian(
  at θ: [Double], step h: Double = 1e-5, solve: ([Double]) throws -> [Double]
) rethrows -> [[Double]] {
  var columns = [[Double]]()
  for j in θ.indices {
    var plus = θ
    plus[j] += h
    var minus = θ
    minus[j] -= h
    let forward = try solve(plus)
    let backward = try solve(minus)
    columns.append(zip(forward, backward).map { ($0 - $1) / (2 * h) })
  }
  return Dense.transpose(columns)
}

/// Soft thresholding, the proximal operator of λ‖x‖₁ with λ = parameters[0]: a local stand-in so
/// these tests do not depend on the proximal-operator library.
struct TestSoftThreshold: ProximalOperator {
  func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S], scaling η: S) -> [S] {
    let threshold = η * parameters[0]
    return y.map { value in
      if value > threshold { return value - threshold }
      if value < -threshold { return value + threshold }
      return S(0)
    }
  }
}

/// The least-squares objective ½‖X x − y‖² (+ ½ ridge ‖x‖²) with the targets y as parameters θ
/// (followed by any further parameters, ignored here).
struct LeastSquares: Objective {
  let design: [[Double]]
  var ridge: Double = 0
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> S {
    var total = S(0)
    for (row, features) in design.enumerated() {
      var prediction = -θ[row]
      for (column, feature) in features.enumerated() { prediction += S.scaled(x[column], by: feature) }
      total += prediction * prediction
    }
    for value in x { total += S.scaled(value * value, by: ridge) }
    return S.scaled(total, by: 0.5)
  }
}

/// ½ xᵀQx − θ[0..<d]ᵀx: a strongly convex quadratic with linear term from the parameters.
struct Quadratic: Objective {
  let matrix: [[Double]]
  func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> S {
    var total = S(0)
    for i in x.indices {
      var row = S(0)
      for j in x.indices { row += S.scaled(x[j], by: matrix[i][j]) }
      total += S.scaled(x[i] * row, by: 0.5) - θ[i] * x[i]
    }
    return total
  }
}

/// A random symmetric positive definite matrix MᵀM + shift·I.
func randomPositiveDefinite(_ n: Int, shift: Double, using random: inout ImplicitTestRandom) -> [[Double]] {
  let m = random.matrix(n, n)
  var q = Dense.multiply(Dense.transpose(m), m)
  for i in 0..<n { q[i][i] += shift }
  return q
}
