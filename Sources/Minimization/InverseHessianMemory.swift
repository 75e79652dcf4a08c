import DualNumbers
import Particles

/// The limited-memory BFGS approximation H ≈ (∇²E)⁻¹ from the last m steps sᵢ = xᵢ₊₁ − xᵢ and
/// force changes yᵢ = Fᵢ − Fᵢ₊₁ = ∇Eᵢ₊₁ − ∇Eᵢ, applied by the two-loop recursion (Nocedal 1980;
/// Nocedal & Wright, *Numerical Optimization*, Algorithm 7.4):
///
///     q ← v;  for i = newest … oldest:  aᵢ = ρᵢ sᵢ·q,  q ← q − aᵢ yᵢ          (ρᵢ = 1/(sᵢ·yᵢ))
///     r ← γ q,  γ = s·y / y·y of the newest pair
///     for i = oldest … newest:  bᵢ = ρᵢ yᵢ·r,  r ← r + (aᵢ − bᵢ) sᵢ;   H v = r
///
/// A pair with s·y ≤ 0 (curvature not positive along the step: a contact opened, a saddle crossed)
/// would make H indefinite and is not stored. Storage is 2m vectors of the coordinates' length,
/// reused in a ring so that no iteration allocates. γ has units length²/energy.
///
/// `Storage` decides the type the 2m vectors are kept in (``FullPrecisionPairs``, ``NarrowPairs``);
/// the recursion itself runs in `Storage.Scalar`, with ρᵢ and γ computed from the vectors as stored.
///
/// Every pass is split over `threads` threads for long vectors (as FIRE's passes are), its dot
/// products summed chunk by chunk in a fixed order: results depend on the number of threads only
/// through that order.
public struct InverseHessianMemory<Storage: PairStorage> {
  public typealias Scalar = Storage.Scalar
  public typealias Element = Storage.Element
  /// m, the number of pairs kept.
  public let capacity: Int
  /// Threads the passes may split over.
  public let threads: Int
  @usableFromInline var steps: [[Element]]
  @usableFromInline var changes: [[Element]]
  @usableFromInline var inverseCurvatures: [Scalar]
  @usableFromInline var newest = -1
  @usableFromInline var storedCount = 0
  @usableFromInline var scale: Scalar
  /// Pairs currently stored (≤ m).
  public var count: Int { storedCount }
  /// γ, the scale of H₀ = γ I: s·y / y·y of the newest pair, or the value given before any pair.
  public var initialScale: Scalar { scale }
  @usableFromInline var coefficients: [Scalar]
  /// sₙ·b, the newest step times the vector b it was stored with (nil when the latest pair was
  /// refused or the memory forgotten): the first product of H b, formed where the pair was.
  @usableFromInline var newestStepTimesB: Scalar?

  /// An empty memory of `capacity` pairs for vectors of `length` coordinates; H = `initialScale`·I
  /// until the first pair arrives.
  public init(capacity: Int, length: Int, initialScale: Double, threads: Int = 1) {
    precondition(capacity >= 1, "L-BFGS needs room for at least one pair")
    self.capacity = capacity
    self.threads = max(1, threads)
    steps = Array(repeating: Array(repeating: Storage.stored(0), count: length), count: capacity)
    changes = steps
    inverseCurvatures = Array(repeating: 0, count: capacity)
    coefficients = Array(repeating: 0, count: capacity)
    scale = Scalar(initialScale)
  }

  /// Stores the pair (s, y) unless s·y ≤ 0; returns whether it was stored. The oldest pair gives
  /// way once m are stored. (A convenience for given vectors; minimisers use
  /// ``remember(step:scaledBy:change:minus:)``, which forms s and y where it stores them.)
  @discardableResult @inlinable
  public mutating func remember(step: [Scalar], change: [Scalar]) -> Bool {
    remember(step: step, scaledBy: 1, change: change, minus: [Scalar](repeating: 0, count: change.count)).stored
  }

  /// Stores s = t·d and y = a − b (for a minimiser, a = F before the step and b = F after it; for
  /// gradients, a = ∇f after and b = ∇f before) in one pass, unless s·y ≤ 0; returns whether the pair
  /// was stored, and max |bₖ| and whether b is finite, measured in the same pass (for a minimiser,
  /// the convergence test on its new forces without a pass of its own; for gradients, b is the old
  /// gradient). The pair is formed in the slot
  /// after the newest, so with the memory full a refused pair costs the oldest one. s·y and y·y are
  /// those of the vectors as stored.
  @discardableResult @inlinable
  public mutating func remember(step direction: [Scalar], scaledBy factor: Double, change a: [Scalar],
                                minus b: [Scalar]) -> (stored: Bool, maximumOfB: Double, bIsFinite: Bool) {
    precondition(direction.count == a.count && b.count == a.count && a.count == steps[0].count,
                 "vectors of different lengths")
    let slot = (newest + 1) % capacity
    let threads = self.threads
    let (measured, stepTimesB) = direction.withUnsafeBufferPointer { d in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          steps[slot].withUnsafeMutableBufferPointer { s in
            changes[slot].withUnsafeMutableBufferPointer { y in
              nonisolated(unsafe) let (s, y) = (s, y)
              return mapChunks(of: s.count, threads: threads, minimumChunk: inverseHessianPassChunk) { range in
                // Four lanes, coordinate k in lane k mod 4, as in `DirectionMeasure`; every load before
                // any store (see `subtractMultiple`).
                var pair = PairMeasure<Scalar>()
                let end = range.upperBound
                var k = range.lowerBound
                while k &+ 4 <= end {
                  let after = (b[k], b[k &+ 1], b[k &+ 2], b[k &+ 3])
                  let step = (Storage.stored(Scalar.scaled(d[k], by: factor)), Storage.stored(Scalar.scaled(d[k &+ 1], by: factor)),
                              Storage.stored(Scalar.scaled(d[k &+ 2], by: factor)), Storage.stored(Scalar.scaled(d[k &+ 3], by: factor)))
                  let change = (Storage.stored(a[k] - after.0), Storage.stored(a[k &+ 1] - after.1),
                                Storage.stored(a[k &+ 2] - after.2), Storage.stored(a[k &+ 3] - after.3))
                  (s[k], s[k &+ 1], s[k &+ 2], s[k &+ 3]) = step
                  (y[k], y[k &+ 1], y[k &+ 2], y[k &+ 3]) = change
                  pair.include((Storage.loaded(step.0), Storage.loaded(step.1), Storage.loaded(step.2), Storage.loaded(step.3)),
                               (Storage.loaded(change.0), Storage.loaded(change.1), Storage.loaded(change.2),
                                Storage.loaded(change.3)),
                               after: after)
                  k &+= 4
                }
                while k < end {
                  let (step, change) = (Storage.stored(Scalar.scaled(d[k], by: factor)), Storage.stored(a[k] - b[k]))
                  (s[k], y[k]) = (step, change)
                  pair.include(Storage.loaded(step), Storage.loaded(change), after: b[k])
                  k &+= 1
                }
                // Each chunk's sₙ·b joined as `dotProduct` joins its chunks, to the same bits.
                return (pair, pair.stepTimesB)
              }.reduce((PairMeasure(), Scalar.zero)) { ($0.0.merged(with: $1.0), $0.1 + $1.1) }
            }
          }
        }
      }
    }
    let (curvature, changeSquared, largest, finite) = measured.result
    newestStepTimesB = nil
    guard curvature.primalValue > 0, curvature.isFinite, changeSquared.isFinite else {
      if storedCount == capacity { storedCount -= 1 }
      return (false, largest, finite)
    }
    newestStepTimesB = stepTimesB
    inverseCurvatures[slot] = 1 / curvature
    scale = curvature / changeSquared
    newest = slot
    storedCount = min(storedCount + 1, capacity)
    return (true, largest, finite)
  }

  /// Drops every pair (γ is kept): H = γ I again.
  public mutating func forget() {
    storedCount = 0
    newest = -1
    newestStepTimesB = nil
  }

  /// v ← H v by the two-loop recursion (see ``apply(_:into:)``).
  @inlinable
  public mutating func apply(to vector: inout [Scalar]) {
    let given = vector
    apply(given, into: &vector)
  }

  /// d ← H v by the two-loop recursion, returning what a minimiser's step asks of d: d·v, max |dᵢ|
  /// and whether d is finite (`direction` is resized to match v). Each update of d is fused with the
  /// dot product the next coefficient needs, and the measurement with the last update, so that d
  /// streams through memory once per stored pair and loop.
  @inlinable @discardableResult
  public mutating func apply(_ vector: [Scalar], into direction: inout [Scalar])
    -> (slope: Scalar, longest: Double, finite: Bool)
  {
    apply(vector, into: &direction, startingFrom: nil)
  }

  /// As ``apply(_:into:)`` with H₀ = γ M⁻¹, `preconditioner` applying r ← M⁻¹ r in place (M
  /// symmetric positive definite), γ still s·y / y·y: M⁻¹ is of order one on the stiff modes that
  /// dominate y (``LandscapePreconditioner``). The product with the oldest y that the fused pass
  /// formed is taken again after M⁻¹.
  @inlinable @discardableResult
  public mutating func apply(_ vector: [Scalar], into direction: inout [Scalar],
                             preconditioner: (inout [Scalar]) -> Void)
    -> (slope: Scalar, longest: Double, finite: Bool)
  {
    withoutActuallyEscaping(preconditioner) { apply(vector, into: &direction, startingFrom: $0) }
  }

  /// As ``apply(_:into:)`` for v = b, the vector the newest pair was stored with (a minimiser's
  /// forces after its latest step): the first loop's first product sₙ·b was formed in
  /// ``remember(step:scaledBy:change:minus:)``'s pass, to the same bits, and is not taken again.
  /// Without a stored pair this is ``apply(_:into:)``.
  @inlinable @discardableResult
  public mutating func apply(toLatestB vector: [Scalar], into direction: inout [Scalar])
    -> (slope: Scalar, longest: Double, finite: Bool)
  {
    apply(vector, into: &direction, startingFrom: nil, newestProduct: productWithLatestB(vector))
  }

  /// As ``apply(toLatestB:into:)`` with H₀ = γ M⁻¹ (see ``apply(_:into:preconditioner:)``).
  @inlinable @discardableResult
  public mutating func apply(toLatestB vector: [Scalar], into direction: inout [Scalar],
                             preconditioner: (inout [Scalar]) -> Void)
    -> (slope: Scalar, longest: Double, finite: Bool)
  {
    let known = productWithLatestB(vector)
    return withoutActuallyEscaping(preconditioner) {
      apply(vector, into: &direction, startingFrom: $0, newestProduct: known)
    }
  }

  /// sₙ·b as remembered, checked against v in debug builds.
  @inlinable
  func productWithLatestB(_ vector: [Scalar]) -> Scalar? {
    assert(newestStepTimesB == nil || newestStepTimesB == Self.dotProduct(steps[newest], vector, threads: threads),
           "v is not the b the newest pair was stored with")
    return newestStepTimesB
  }

  @inlinable
  mutating func apply(_ vector: [Scalar], into direction: inout [Scalar],
                      startingFrom preconditioner: ((inout [Scalar]) -> Void)?, newestProduct: Scalar? = nil)
    -> (slope: Scalar, longest: Double, finite: Bool)
  {
    if direction.count != vector.count { direction = [Scalar](repeating: 0, count: vector.count) }
    let pairs = storedCount
    func slot(_ age: Int) -> Int { (newest - age + capacity) % capacity }
    if pairs == 0 {
      Self.copy(vector, into: &direction, scaledBy: scale, threads: threads)
      preconditioner?(&direction)
      return Self.measure(direction, against: vector, threads: threads)
    }
    // First loop, newest to oldest: aᵢ = ρᵢ sᵢ·q, then q ← q − aᵢ yᵢ together with sᵢ₋₁·q; the first
    // update reads q = v where it stands, so that v is never copied.
    var product = newestProduct ?? Self.dotProduct(steps[slot(0)], vector, threads: threads)
    for age in 0..<pairs {
      let current = slot(age)
      let a = inverseCurvatures[current] * product
      coefficients[current] = a
      let start = age == 0 ? vector : nil
      if age + 1 < pairs {
        product = Self.subtractMultiple(a, of: changes[current], from: start, into: &direction,
                                        thenDotWith: steps[slot(age + 1)], threads: threads)
      } else {
        // The last update, then r = γ q (r = γ M⁻¹ q), and y of the oldest pair · r for the second loop.
        product = Self.subtractMultiple(a, of: changes[current], from: start, into: &direction, thenScaleBy: scale,
                                        thenDotWith: changes[current], threads: threads)
        if let preconditioner {
          preconditioner(&direction)
          product = Self.dotProduct(changes[current], direction, threads: threads)
        }
      }
    }
    // Second loop, oldest to newest: bᵢ = ρᵢ yᵢ·r, then r ← r + (aᵢ − bᵢ) sᵢ together with yᵢ₊₁·r.
    for age in stride(from: pairs - 1, through: 1, by: -1) {
      let current = slot(age)
      let b = inverseCurvatures[current] * product
      product = Self.subtractMultiple(-(coefficients[current] - b), of: steps[current], into: &direction,
                                      thenDotWith: changes[slot(age - 1)], threads: threads)
    }
    let b = inverseCurvatures[slot(0)] * product
    return Self.addMultiple(coefficients[slot(0)] - b, of: steps[slot(0)], to: &direction, measuringAgainst: vector,
                            threads: threads)
  }
}

/// Elements per thread below which the passes stay serial (FIRE's threshold, `firePassChunk`).
@usableFromInline let inverseHessianPassChunk = 4096

extension InverseHessianMemory {
  /// v ← (q − c·u)·scale with q = `start` (nil: v itself), then returns w·v, in one pass over the
  /// vectors.
  @inlinable
  static func subtractMultiple(_ factor: Scalar, of u: [Element], from start: [Scalar]? = nil,
                               into vector: inout [Scalar], thenScaleBy scale: Scalar = 1, thenDotWith w: [Element],
                               threads: Int) -> Scalar {
    precondition(u.count == vector.count && w.count == vector.count && (start?.count ?? vector.count) == vector.count,
                 "vectors of different lengths")
    return u.withUnsafeBufferPointer { u in
      w.withUnsafeBufferPointer { w in
        (start ?? []).withUnsafeBufferPointer { given in
          vector.withUnsafeMutableBufferPointer { v in
            nonisolated(unsafe) let v = v
            nonisolated(unsafe) let q = start == nil ? UnsafeBufferPointer(v) : given
            return mapChunks(of: v.count, threads: threads, minimumChunk: inverseHessianPassChunk) { range in
              // Four coordinates at a time, every load before any store: v may alias u or w as far as
              // the compiler knows, and a store between loads would keep it from packing them.
              var sums = (Scalar.zero, Scalar.zero, Scalar.zero, Scalar.zero)
              let end = range.upperBound
              var k = range.lowerBound
              while k &+ 4 <= end {
                let (u0, u1, u2, u3) = (Storage.loaded(u[k]), Storage.loaded(u[k &+ 1]),
                                        Storage.loaded(u[k &+ 2]), Storage.loaded(u[k &+ 3]))
                let (w0, w1, w2, w3) = (Storage.loaded(w[k]), Storage.loaded(w[k &+ 1]),
                                        Storage.loaded(w[k &+ 2]), Storage.loaded(w[k &+ 3]))
                let v0 = (q[k] - factor * u0) * scale
                let v1 = (q[k &+ 1] - factor * u1) * scale
                let v2 = (q[k &+ 2] - factor * u2) * scale
                let v3 = (q[k &+ 3] - factor * u3) * scale
                (v[k], v[k &+ 1], v[k &+ 2], v[k &+ 3]) = (v0, v1, v2, v3)
                sums.0 += w0 * v0
                sums.1 += w1 * v1
                sums.2 += w2 * v2
                sums.3 += w3 * v3
                k &+= 4
              }
              while k < end {
                v[k] = (q[k] - factor * Storage.loaded(u[k])) * scale
                sums.0 += Storage.loaded(w[k]) * v[k]
                k &+= 1
              }
              return (sums.0 + sums.1) + (sums.2 + sums.3)
            }.reduce(Scalar.zero, +)
          }
        }
      }
    }
  }

  /// d ← d + c·u, then d·v, max |dᵢ| and whether d is finite, in one pass.
  @inlinable
  static func addMultiple(_ factor: Scalar, of u: [Element], to direction: inout [Scalar],
                          measuringAgainst vector: [Scalar], threads: Int)
    -> (slope: Scalar, longest: Double, finite: Bool)
  {
    precondition(u.count == direction.count && vector.count == direction.count, "vectors of different lengths")
    return u.withUnsafeBufferPointer { u in
      vector.withUnsafeBufferPointer { v in
        direction.withUnsafeMutableBufferPointer { d in
          nonisolated(unsafe) let d = d
          return mapChunks(of: d.count, threads: threads, minimumChunk: inverseHessianPassChunk) { range in
            // Four coordinates at a time, every load before any store (see `subtractMultiple`).
            var measured = DirectionMeasure<Scalar>()
            let end = range.upperBound
            var k = range.lowerBound
            while k &+ 4 <= end {
              let (u0, u1, u2, u3) = (Storage.loaded(u[k]), Storage.loaded(u[k &+ 1]),
                                      Storage.loaded(u[k &+ 2]), Storage.loaded(u[k &+ 3]))
              let updated = (d[k] + factor * u0, d[k &+ 1] + factor * u1, d[k &+ 2] + factor * u2,
                             d[k &+ 3] + factor * u3)
              (d[k], d[k &+ 1], d[k &+ 2], d[k &+ 3]) = updated
              measured.include(updated, against: (v[k], v[k &+ 1], v[k &+ 2], v[k &+ 3]))
              k &+= 4
            }
            while k < end {
              let updated = d[k] + factor * Storage.loaded(u[k])
              d[k] = updated
              measured.include(updated, against: v[k])
              k &+= 1
            }
            return measured
          }.reduce(DirectionMeasure()) { $0.merged(with: $1) }.result
        }
      }
    }
  }

  /// d·v, max |dᵢ| and whether d is finite, in one pass of its own.
  @inlinable
  static func measure(_ direction: [Scalar], against vector: [Scalar], threads: Int)
    -> (slope: Scalar, longest: Double, finite: Bool)
  {
    direction.withUnsafeBufferPointer { d in
      vector.withUnsafeBufferPointer { v in
        mapChunks(of: d.count, threads: threads, minimumChunk: inverseHessianPassChunk) { range in
          var measured = DirectionMeasure<Scalar>()
          let end = range.upperBound
          var k = range.lowerBound
          while k &+ 4 <= end {
            measured.include((d[k], d[k &+ 1], d[k &+ 2], d[k &+ 3]), against: (v[k], v[k &+ 1], v[k &+ 2], v[k &+ 3]))
            k &+= 4
          }
          while k < end {
            measured.include(d[k], against: v[k])
            k &+= 1
          }
          return measured
        }.reduce(DirectionMeasure()) { $0.merged(with: $1) }.result
      }
    }
  }

  /// a·b over all coordinates, in four interleaved partial sums (k mod 4) added at the end: the four
  /// are independent, so they pipeline and vectorise, where one running sum would serialise on the
  /// latency of each addition.
  @inlinable
  static func dotProduct(_ a: [Element], _ b: [Scalar], threads: Int) -> Scalar {
    precondition(a.count == b.count, "vectors of different lengths")
    return a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        mapChunks(of: a.count, threads: threads, minimumChunk: inverseHessianPassChunk) { range in
          var sums = (Scalar.zero, Scalar.zero, Scalar.zero, Scalar.zero)
          let end = range.upperBound
          var k = range.lowerBound
          while k &+ 4 <= end {
            sums.0 += Storage.loaded(a[k]) * b[k]
            sums.1 += Storage.loaded(a[k &+ 1]) * b[k &+ 1]
            sums.2 += Storage.loaded(a[k &+ 2]) * b[k &+ 2]
            sums.3 += Storage.loaded(a[k &+ 3]) * b[k &+ 3]
            k &+= 4
          }
          while k < end {
            sums.0 += Storage.loaded(a[k]) * b[k]
            k &+= 1
          }
          return (sums.0 + sums.1) + (sums.2 + sums.3)
        }.reduce(Scalar.zero, +)
      }
    }
  }

  /// d ← c·v.
  @inlinable
  static func copy(_ vector: [Scalar], into direction: inout [Scalar], scaledBy factor: Scalar, threads: Int) {
    vector.withUnsafeBufferPointer { v in
      direction.withUnsafeMutableBufferPointer { d in
        nonisolated(unsafe) let d = d
        forEachChunk(of: d.count, threads: threads, minimumChunk: inverseHessianPassChunk) { _, range in
          for k in range { d[k] = factor * v[k] }
        }
      }
    }
  }
}
