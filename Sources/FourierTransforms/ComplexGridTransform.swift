import CFFTW

/// A complex field on a periodic d-dimensional grid of `sizes` points (row-major, the last axis
/// fastest) and its two in-place discrete Fourier transforms,
///
///     forward:   f̂[m] = Σₙ f[n] exp(−2πi Σₐ mₐnₐ/Gₐ),
///     backward:  f[n] = Σₘ f̂[m] exp(+2πi Σₐ mₐnₐ/Gₐ)   (unnormalised: backward ∘ forward = G·1),
///
/// planned once (FFTW, under ``FFTWPlanner``'s lock) for repeated use on the same buffer, as an
/// iterative method applies the same convolution every iteration.
public final class ComplexGridTransform: @unchecked Sendable {
  /// Grid points along each axis.
  public let sizes: [Int]
  /// G = ∏ sizes, the number of grid points.
  public let count: Int
  /// The field, (real, imaginary) per grid point: written before ``forward()``, read after
  /// ``backward()``.
  public let values: UnsafeMutableBufferPointer<(Double, Double)>
  private let forwardPlan: fftw_plan?
  private let backwardPlan: fftw_plan?

  /// - Parameter sizes: points along each axis (each ≥ 1); products of small primes transform fastest
  ///   (``fastSize(atLeast:)``). The field starts at zero.
  public init(sizes: [Int]) {
    precondition(!sizes.isEmpty && sizes.allSatisfy { $0 >= 1 }, "a grid needs at least one point per axis")
    self.sizes = sizes
    count = sizes.reduce(1, *)
    let storage = fftw_alloc_complex(count)!
    storage.initialize(repeating: (0, 0), count: count)
    values = UnsafeMutableBufferPointer(start: storage, count: count)
    var dimensions = sizes.map { Int32($0) }
    // FFTW_ESTIMATE: FFTW_MEASURE times candidate algorithms, which costs more than the transforms of
    // a whole minimisation on these small grids and, choosing by timing, lets two runs of the same
    // input round differently (docs/benchmarks.md, "Issue 18, sixth session").
    (forwardPlan, backwardPlan) = FFTWPlanner.planning {
      (fftw_plan_dft(Int32(dimensions.count), &dimensions, storage, storage, FFTW_FORWARD, UInt32(FFTW_ESTIMATE)),
       fftw_plan_dft(Int32(dimensions.count), &dimensions, storage, storage, FFTW_BACKWARD, UInt32(FFTW_ESTIMATE)))
    }
    precondition(forwardPlan != nil && backwardPlan != nil, "FFTW could not plan a \(sizes) transform")
  }

  deinit {
    FFTWPlanner.planning {
      fftw_destroy_plan(forwardPlan)
      fftw_destroy_plan(backwardPlan)
    }
    fftw_free(values.baseAddress)
  }

  /// f ← f̂ in place.
  public func forward() { fftw_execute(forwardPlan) }

  /// f̂ ← f in place (unnormalised).
  public func backward() { fftw_execute(backwardPlan) }

  /// The smallest n ≥ `minimum` with no prime factor above 5: the sizes FFTW transforms fastest.
  public static func fastSize(atLeast minimum: Int) -> Int {
    var candidate = max(1, minimum)
    while true {
      var rest = candidate
      for prime in [2, 3, 5] { while rest % prime == 0 { rest /= prime } }
      if rest == 1 { return candidate }
      candidate += 1
    }
  }
}
