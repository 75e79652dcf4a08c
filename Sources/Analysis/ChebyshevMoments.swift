import LinearAlgebra
import RandomNumbers

/// Stochastic Chebyshev moments of a symmetric operator's spectrum, the input of the kernel
/// polynomial method (Weiße, Wellein, Alvermann and Fehske, Rev. Mod. Phys. 78, 275 (2006)).
///
/// The spectrum is mapped into [−1, 1] by H̃ = (H − c)/h with c = (b + a)/2, h = (b − a)/2 for an
/// interval [a, b] that contains it. For n modes the moments are
///
///     μₘ = (1/n) tr Tₘ(H̃) = (1/n) Σᵢ Tₘ(λ̃ᵢ),
///
/// estimated with R random sign vectors r (Hutchinson: E[rᵀ A r] = tr A) from the recurrence
/// v₀ = r, v₁ = H̃ r, vₖ₊₁ = 2H̃vₖ − vₖ₋₁ and the doubling relations μ₂ₖ = 2vₖᵀvₖ − μ₀,
/// μ₂ₖ₊₁ = 2vₖ₊₁ᵀvₖ − μ₁ (M moments for M/2 products per vector). Each vector gives one sample
/// of every moment; their spread over the R vectors is the statistical error, σₘ/√R.
public struct ChebyshevMoments: Sendable {
  /// The interval [a, b] mapped to [−1, 1] (the operator's units).
  public let lower: Double
  public let upper: Double
  /// μₘ averaged over the vectors, m = 0 ..< M.
  public let mean: [Double]
  /// The standard error of every moment, sample standard deviation / √R.
  public let standardError: [Double]
  /// Every vector's moments (R rows of M), for errors of quantities linear in μ.
  public let samples: [[Double]]

  /// `count` moments of the operator restricted to the range of `projection` (an orthogonal
  /// projector commuting with it, or nil), normalised by `modeCount` (the dimension of that range),
  /// from `vectors` random sign vectors drawn with `seed`.
  public init(of operator: some LinearOperator, interval: (lower: Double, upper: Double), count: Int,
              vectors: Int, modeCount: Int, seed: UInt64 = 0xD05,
              projection: (([Double]) -> [Double])? = nil) {
    precondition(count >= 2 && vectors >= 1 && interval.upper > interval.lower, "need two moments, a vector and an interval")
    let dimension = `operator`.columnCount
    let centre = (interval.upper + interval.lower) / 2
    let halfWidth = (interval.upper - interval.lower) / 2
    var generator = SplitMix64(seed: seed)
    var product = [Double](repeating: 0, count: dimension)
    /// result ← H̃ v.
    func scaled(_ v: [Double], into result: inout [Double]) {
      `operator`.apply(v, into: &product)
      if result.count != dimension { result = [Double](repeating: 0, count: dimension) }
      for index in 0..<dimension { result[index] = (product[index] - centre * v[index]) / halfWidth }
    }
    var samples = [[Double]]()
    for _ in 0..<vectors {
      var start = (0..<dimension).map { _ in generator.next() & 1 == 0 ? 1.0 : -1.0 }
      if let projection { start = projection(start) }
      var moments = [Double](repeating: 0, count: count)
      var previous = start
      var current = [Double]()
      scaled(start, into: &current)
      let μ0 = VectorOperations.dot(start, start)
      let μ1 = VectorOperations.dot(current, start)
      moments[0] = μ0
      moments[1] = μ1
      var next = [Double](repeating: 0, count: dimension)
      // vₖ = previous, vₖ₊₁ = current: μ₂ₖ₊₂ = 2vₖ₊₁ᵀvₖ₊₁ − μ₀, μ₂ₖ₊₁ = 2vₖ₊₁ᵀvₖ − μ₁.
      var k = 0
      while true {
        if 2 * k + 1 < count, k > 0 { moments[2 * k + 1] = 2 * VectorOperations.dot(current, previous) - μ1 }
        if 2 * k + 2 < count { moments[2 * k + 2] = 2 * VectorOperations.dot(current, current) - μ0 }
        if 2 * k + 3 >= count { break }
        scaled(current, into: &next)
        for index in 0..<dimension { next[index] = 2 * next[index] - previous[index] }
        swap(&previous, &current)
        swap(&current, &next)
        k += 1
      }
      samples.append(moments.map { $0 / Double(modeCount) })
    }
    lower = interval.lower
    upper = interval.upper
    self.samples = samples
    let r = Double(vectors)
    let mean = (0..<count).map { m in samples.reduce(0) { $0 + $1[m] } / r }
    self.mean = mean
    standardError = (0..<count).map { m in
      guard vectors > 1 else { return .infinity }
      let variance = samples.reduce(0) { $0 + ($1[m] - mean[m]) * ($1[m] - mean[m]) } / (r - 1)
      return (variance / r).squareRoot()
    }
  }

  public var count: Int { mean.count }

  /// λ̃ = (λ − c)/h.
  public func scaled(_ λ: Double) -> Double { (λ - (upper + lower) / 2) / ((upper - lower) / 2) }

  /// The exact moments (1/n) Σᵢ Tₘ(λ̃ᵢ) of known eigenvalues on the same interval (the dense reference).
  public func exactMoments(of eigenvalues: [Double]) -> [Double] {
    var sums = [Double](repeating: 0, count: count)
    for λ in eigenvalues {
      let x = scaled(λ)
      var (previous, current) = (1.0, x)
      sums[0] += 1
      if count > 1 { sums[1] += x }
      for m in 2..<max(2, count) {
        (previous, current) = (current, 2 * x * current - previous)
        sums[m] += current
      }
    }
    return sums.map { $0 / Double(eigenvalues.count) }
  }
}
