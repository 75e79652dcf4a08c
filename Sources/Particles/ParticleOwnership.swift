import DualNumbers

// Pair loops over a half neighbour list add each pair's term to both particles. Split over threads
// by rows, each thread owns the entries of its rows' particles and writes them in place; a term for
// a partner owned by another thread (near a chunk boundary: a few per cent of the pairs when the
// particles are numbered cell by cell) is set aside and applied after the join, chunk by chunk, so
// that the result depends on the number of chunks but never on thread timing.

/// A pair term (a force, a Hessian-product contribution) due to a partner particle whose entries
/// another thread owns: subtracted from them after the threads join.
@usableFromInline
struct PartnerTerm<Scalar: RealScalar> {
  @usableFromInline let particle: Int
  /// Subtracted from `particle`'s entries.
  @usableFromInline let value: SpatialVector<Scalar>

  @inlinable
  init(particle: Int, value: SpatialVector<Scalar>) {
    self.particle = particle
    self.value = value
  }
}

/// Which particles' entries a pair loop may write in place.
@usableFromInline
protocol ParticleOwnership {
  func contains(_ particle: Int) -> Bool
  /// Whether `contains` holds for every particle (the serial loop).
  static var ownsEveryParticle: Bool { get }
}

/// All of them: the serial loop (the test folds away).
@usableFromInline
struct EveryParticle: ParticleOwnership {
  @inlinable init() {}
  @inlinable @inline(__always) func contains(_ particle: Int) -> Bool { true }
  @inlinable static var ownsEveryParticle: Bool { true }
}

/// The particles of one thread's rows.
@usableFromInline
struct ParticleRange: ParticleOwnership {
  @usableFromInline let start: Int
  @usableFromInline let count: UInt

  @inlinable init(_ range: Range<Int>) {
    start = range.lowerBound
    count = UInt(bitPattern: range.count)
  }

  /// One unsigned comparison: a particle before `start` wraps around to a huge offset.
  @inlinable @inline(__always) func contains(_ particle: Int) -> Bool {
    UInt(bitPattern: particle &- start) < count
  }

  @inlinable static var ownsEveryParticle: Bool { false }
}

/// Runs `accumulate(rows, owned, &outside)` for every chunk of rows `bounds[c] ..< bounds[c + 1]`,
/// each on its own thread, after zeroing the chunk's own entries of `result` (`width` per
/// particle); then subtracts the set-aside partner terms chunk by chunk. Returns each chunk's
/// partial result (an energy, say) in chunk order.
@inlinable
func accumulateOwningRows<Scalar: RealScalar, Partial>(
  bounds: [Int], width: Int, into result: UnsafeMutableBufferPointer<Scalar>,
  _ accumulate: (_ rows: Range<Int>, _ owned: ParticleRange, _ outside: inout [PartnerTerm<Scalar>]) -> Partial
) -> [Partial] {
  let chunks = bounds.count - 1
  var setAside = [[PartnerTerm<Scalar>]](repeating: [], count: chunks)
  let partials = setAside.withUnsafeMutableBufferPointer { setAside in
    nonisolated(unsafe) let setAside = setAside
    return mapChunks(of: chunks, threads: chunks, minimumChunk: 1) { chunks in
      let chunk = chunks.lowerBound
      let rows = bounds[chunk]..<bounds[chunk + 1]
      for index in (rows.lowerBound &* width)..<(rows.upperBound &* width) { result[index] = 0 }
      var outside = [PartnerTerm<Scalar>]()
      let partial = accumulate(rows, ParticleRange(rows), &outside)
      setAside[chunk] = outside
      return partial
    }
  }
  for terms in setAside {
    for partner in terms {
      let base = partner.particle &* width
      for k in 0..<width { result[base &+ k] -= partner.value[k] }
    }
  }
  return partials
}
