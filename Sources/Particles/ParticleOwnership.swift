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
}

/// All of them: the serial loop (the test folds away).
@usableFromInline
struct EveryParticle: ParticleOwnership {
  @inlinable init() {}
  @inlinable @inline(__always) func contains(_ particle: Int) -> Bool { true }
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
}
