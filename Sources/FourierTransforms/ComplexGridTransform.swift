import CFFTW

/// A complex field on a periodic d-dimensional grid of `sizes` points (row-major, the last axis
/// fastest) and its two in-place discrete Fourier transforms,
///
///     forward:   f̂[m] = Σₙ f[n] exp(−2πi Σₐ mₐnₐ/Gₐ),
///     backward:  f[n] = Σₘ f̂[m] exp(+2πi Σₐ mₐnₐ/Gₐ)   (unnormalised: backward ∘ forward = G·1),
///
/// planned once (FFTW, under ``FFTWPlanner``'s lock) for repeated use on the same buffer, as an
/// iterative method applies the same convolution every iteration.
///
/// A transform made for several `pieces` also splits ``filter(by:preparingColumns:running:)`` into
/// that many independent parts per stage (columns along the first axis, slabs of it, columns), for
/// the caller to run on its threads.
public final class ComplexGridTransform: @unchecked Sendable {
  /// Grid points along each axis.
  public let sizes: [Int]
  /// G = ∏ sizes, the number of grid points.
  public let count: Int
  /// The independent parts each stage of ``filter(by:preparingColumns:running:)`` splits into (1:
  /// the whole-grid transforms).
  public let pieces: Int
  /// The field, (real, imaginary) per grid point: written before ``forward()``, read after
  /// ``backward()``.
  public let values: UnsafeMutableBufferPointer<(Double, Double)>
  private let forwardPlan: fftw_plan?
  private let backwardPlan: fftw_plan?
  /// Per piece: the transforms over axes 1..<d of a slab of the first axis, and along the first
  /// axis of a range of columns (the flattened index over the other axes).
  private let slabPlans: [(forward: fftw_plan?, backward: fftw_plan?)]
  private let columnPlans: [(forward: fftw_plan?, backward: fftw_plan?)]
  private let slabBounds: [Int]
  private let columnBounds: [Int]

  /// - Parameters:
  ///   - sizes: points along each axis (each ≥ 1); products of small primes transform fastest
  ///     (``fastSize(atLeast:)``). The field starts at zero.
  ///   - pieces: the parts ``filter(by:preparingColumns:running:)`` may split into (at most the
  ///     points along the first axis and the columns; a one-axis grid is never split).
  public init(sizes: [Int], pieces: Int = 1) {
    precondition(!sizes.isEmpty && sizes.allSatisfy { $0 >= 1 }, "a grid needs at least one point per axis")
    self.sizes = sizes
    count = sizes.reduce(1, *)
    let columns = count / sizes[0]
    self.pieces = sizes.count == 1 ? 1 : max(1, min(pieces, sizes[0], columns))
    let storage = fftw_alloc_complex(count)!
    storage.initialize(repeating: (0, 0), count: count)
    values = UnsafeMutableBufferPointer(start: storage, count: count)
    var dimensions = sizes.map { Int32($0) }
    let split = self.pieces
    let slabBounds = (0...split).map { sizes[0] * $0 / split }
    let columnBounds = (0...split).map { columns * $0 / split }
    (self.slabBounds, self.columnBounds) = (slabBounds, columnBounds)
    // FFTW_ESTIMATE: FFTW_MEASURE times candidate algorithms, which costs more than the transforms of
    // a whole minimisation on these small grids and, choosing by timing, lets two runs of the same
    // input round differently (docs/benchmarks.md, "Issue 18, sixth session").
    let flags = UInt32(FFTW_ESTIMATE)
    (forwardPlan, backwardPlan, slabPlans, columnPlans) = FFTWPlanner.planning {
      let whole = (fftw_plan_dft(Int32(dimensions.count), &dimensions, storage, storage, FFTW_FORWARD, flags),
                   fftw_plan_dft(Int32(dimensions.count), &dimensions, storage, storage, FFTW_BACKWARD, flags))
      guard split > 1 else { return (whole.0, whole.1, [], []) }
      var inner = Array(dimensions.dropFirst())
      var first = dimensions[0]
      let slabs = (0..<split).map { piece in
        let start = storage + slabBounds[piece] * columns
        let howMany = Int32(slabBounds[piece + 1] - slabBounds[piece])
        return [FFTW_FORWARD, FFTW_BACKWARD].map { sign in
          fftw_plan_many_dft(Int32(inner.count), &inner, howMany, start, nil, 1, Int32(columns),
                             start, nil, 1, Int32(columns), sign, flags)
        }
      }
      let columnRuns = (0..<split).map { piece in
        let start = storage + columnBounds[piece]
        let howMany = Int32(columnBounds[piece + 1] - columnBounds[piece])
        return [FFTW_FORWARD, FFTW_BACKWARD].map { sign in
          fftw_plan_many_dft(1, &first, howMany, start, nil, Int32(columns), 1,
                             start, nil, Int32(columns), 1, sign, flags)
        }
      }
      return (whole.0, whole.1, slabs.map { ($0[0], $0[1]) }, columnRuns.map { ($0[0], $0[1]) })
    }
    precondition(forwardPlan != nil && backwardPlan != nil, "FFTW could not plan a \(sizes) transform")
    precondition((slabPlans + columnPlans).allSatisfy { $0.forward != nil && $0.backward != nil },
                 "FFTW could not plan a \(sizes) transform in \(split) pieces")
  }

  deinit {
    FFTWPlanner.planning {
      fftw_destroy_plan(forwardPlan)
      fftw_destroy_plan(backwardPlan)
      for plan in slabPlans + columnPlans {
        fftw_destroy_plan(plan.forward)
        fftw_destroy_plan(plan.backward)
      }
    }
    fftw_free(values.baseAddress)
  }

  /// f ← f̂ in place.
  public func forward() { fftw_execute(forwardPlan) }

  /// f̂ ← f in place (unnormalised).
  public func backward() { fftw_execute(backwardPlan) }

  /// f ← backward(b ⊙ forward(f)): the periodic convolution whose kernel has the transform b/G
  /// (`multiplier`, one real b[m] per grid point in the field's order).
  ///
  /// With several ``pieces`` it runs as three stages of independent parts, each stage a call
  /// `run(pieces, part)` that must call `part(p)` once for every p in 0..<pieces, in any order or
  /// concurrently, and return when all have: per range of columns (column k: the points r·C + k,
  /// r < sizes[0], C = G/sizes[0]) the forward transform along the first axis; per slab of the
  /// first axis the forward transform over the other axes, the product and the backward one; per
  /// range of columns the backward transform along the first axis. The result is deterministic for
  /// a given number of pieces; it differs from the whole-grid transforms' in the last bits (another
  /// order of the same sums).
  ///
  /// `prepare(columns)`, when given, is called for each range of columns just before its first
  /// transform (for all of them with one piece): the place to finish writing f column by column, on
  /// the thread that transforms those columns. A caller whose threads own ranges of the last axes
  /// (particles numbered with the last coordinate slowest) finds its own data in the first and the
  /// last stage; only the middle one moves data between threads.
  public func filter(by multiplier: UnsafeBufferPointer<Double>,
                     preparingColumns prepare: ((Range<Int>) -> Void)? = nil,
                     running run: (_ pieces: Int, _ part: (Int) -> Void) -> Void) {
    precondition(multiplier.count == count, "one multiplier per grid point")
    let values = values
    let columns = count / sizes[0]
    func multiply(_ points: Range<Int>) {
      for k in points { values[k] = (values[k].0 * multiplier[k], values[k].1 * multiplier[k]) }
    }
    guard pieces > 1 else {
      prepare?(0..<columns)
      forward()
      multiply(0..<count)
      backward()
      return
    }
    run(pieces) { piece in
      prepare?(columnBounds[piece]..<columnBounds[piece + 1])
      fftw_execute(columnPlans[piece].forward)
    }
    run(pieces) { piece in
      fftw_execute(slabPlans[piece].forward)
      multiply((slabBounds[piece] &* columns)..<(slabBounds[piece + 1] &* columns))
      fftw_execute(slabPlans[piece].backward)
    }
    run(pieces) { fftw_execute(columnPlans[$0].backward) }
  }

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
