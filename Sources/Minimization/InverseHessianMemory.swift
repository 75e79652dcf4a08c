import DualNumbers

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
public struct InverseHessianMemory<Scalar: RealScalar> {
  /// m, the number of pairs kept.
  public let capacity: Int
  @usableFromInline var steps: [[Scalar]]
  @usableFromInline var changes: [[Scalar]]
  @usableFromInline var inverseCurvatures: [Scalar]
  @usableFromInline var newest = -1
  @usableFromInline var storedCount = 0
  @usableFromInline var scale: Scalar
  /// Pairs currently stored (≤ m).
  public var count: Int { storedCount }
  /// γ, the scale of H₀ = γ I: s·y / y·y of the newest pair, or the value given before any pair.
  public var initialScale: Scalar { scale }
  @usableFromInline var coefficients: [Scalar]

  /// An empty memory of `capacity` pairs for vectors of `length` coordinates; H = `initialScale`·I
  /// until the first pair arrives.
  public init(capacity: Int, length: Int, initialScale: Double) {
    precondition(capacity >= 1, "L-BFGS needs room for at least one pair")
    self.capacity = capacity
    steps = Array(repeating: Array(repeating: 0, count: length), count: capacity)
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
    remember(step: step, scaledBy: 1, change: change, minus: [Scalar](repeating: 0, count: change.count))
  }

  /// Stores s = t·d and y = a − b (for a minimiser, a = F before the step and b = F after it; for
  /// gradients, a = ∇f after and b = ∇f before) in one pass, unless s·y ≤ 0; returns whether the pair
  /// was stored. The pair is formed in the slot after the newest, so with the memory full a refused
  /// pair costs the oldest one.
  @discardableResult @inlinable
  public mutating func remember(step direction: [Scalar], scaledBy factor: Double, change a: [Scalar],
                                minus b: [Scalar]) -> Bool {
    precondition(direction.count == a.count && b.count == a.count, "vectors of different lengths")
    let slot = (newest + 1) % capacity
    var curvature = Scalar.zero
    var changeSquared = Scalar.zero
    direction.withUnsafeBufferPointer { d in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          steps[slot].withUnsafeMutableBufferPointer { s in
            changes[slot].withUnsafeMutableBufferPointer { y in
              for k in s.indices {
                s[k] = Scalar.scaled(d[k], by: factor)
                y[k] = a[k] - b[k]
                curvature += s[k] * y[k]
                changeSquared += y[k] * y[k]
              }
            }
          }
        }
      }
    }
    guard curvature.primalValue > 0, curvature.isFinite, changeSquared.isFinite else {
      if storedCount == capacity { storedCount -= 1 }
      return false
    }
    inverseCurvatures[slot] = 1 / curvature
    scale = curvature / changeSquared
    newest = slot
    storedCount = min(storedCount + 1, capacity)
    return true
  }

  /// Drops every pair (γ is kept): H = γ I again.
  public mutating func forget() {
    storedCount = 0
    newest = -1
  }

  /// v ← H v by the two-loop recursion. Each update of v is fused with the dot product the next
  /// coefficient needs, so that v streams through memory once per stored pair and loop.
  @inlinable
  public mutating func apply(to vector: inout [Scalar]) {
    let pairs = storedCount
    func slot(_ age: Int) -> Int { (newest - age + capacity) % capacity }
    if pairs == 0 {
      let scale = self.scale
      vector.withUnsafeMutableBufferPointer { v in for k in v.indices { v[k] *= scale } }
      return
    }
    // First loop, newest to oldest: aᵢ = ρᵢ sᵢ·q, then q ← q − aᵢ yᵢ together with sᵢ₋₁·q.
    var product = dotProduct(steps[slot(0)], vector)
    for age in 0..<pairs {
      let current = slot(age)
      let a = inverseCurvatures[current] * product
      coefficients[current] = a
      if age + 1 < pairs {
        product = subtractMultiple(a, of: changes[current], from: &vector, thenDotWith: steps[slot(age + 1)])
      } else {
        // The last update, then r = γ q, and y of the oldest pair · r for the second loop.
        product = subtractMultiple(a, of: changes[current], from: &vector, thenScaleBy: scale,
                                   thenDotWith: changes[current])
      }
    }
    // Second loop, oldest to newest: bᵢ = ρᵢ yᵢ·r, then r ← r + (aᵢ − bᵢ) sᵢ together with yᵢ₊₁·r.
    for age in stride(from: pairs - 1, through: 0, by: -1) {
      let current = slot(age)
      let b = inverseCurvatures[current] * product
      let factor = coefficients[current] - b
      if age > 0 {
        product = subtractMultiple(-factor, of: steps[current], from: &vector, thenDotWith: changes[slot(age - 1)])
      } else {
        addMultiple(factor, of: steps[current], to: &vector)
      }
    }
  }
}

/// v ← (v − c·u)·scale, then returns w·v, in one pass over the three vectors.
@inlinable
func subtractMultiple<Scalar: RealScalar>(_ factor: Scalar, of u: [Scalar], from vector: inout [Scalar],
                                          thenScaleBy scale: Scalar = 1, thenDotWith w: [Scalar]) -> Scalar {
  precondition(u.count == vector.count && w.count == vector.count, "vectors of different lengths")
  return u.withUnsafeBufferPointer { u in
    w.withUnsafeBufferPointer { w in
      vector.withUnsafeMutableBufferPointer { v in
        // Four coordinates at a time, every load before any store: v may alias u or w as far as
        // the compiler knows, and a store between loads would keep it from packing them.
        var sums = (Scalar.zero, Scalar.zero, Scalar.zero, Scalar.zero)
        let count = v.count
        var k = 0
        while k &+ 4 <= count {
          let (u0, u1, u2, u3) = (u[k], u[k &+ 1], u[k &+ 2], u[k &+ 3])
          let (w0, w1, w2, w3) = (w[k], w[k &+ 1], w[k &+ 2], w[k &+ 3])
          let v0 = (v[k] - factor * u0) * scale
          let v1 = (v[k &+ 1] - factor * u1) * scale
          let v2 = (v[k &+ 2] - factor * u2) * scale
          let v3 = (v[k &+ 3] - factor * u3) * scale
          (v[k], v[k &+ 1], v[k &+ 2], v[k &+ 3]) = (v0, v1, v2, v3)
          sums.0 += w0 * v0
          sums.1 += w1 * v1
          sums.2 += w2 * v2
          sums.3 += w3 * v3
          k &+= 4
        }
        while k < count {
          v[k] = (v[k] - factor * u[k]) * scale
          sums.0 += w[k] * v[k]
          k &+= 1
        }
        return (sums.0 + sums.1) + (sums.2 + sums.3)
      }
    }
  }
}

/// a·b over all coordinates, in four interleaved partial sums (k mod 4) added at the end: the four
/// are independent, so they pipeline and vectorise, where one running sum would serialise on the
/// latency of each addition.
@inlinable
func dotProduct<Scalar: RealScalar>(_ a: [Scalar], _ b: [Scalar]) -> Scalar {
  precondition(a.count == b.count, "vectors of different lengths")
  return a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      var sums = (Scalar.zero, Scalar.zero, Scalar.zero, Scalar.zero)
      let count = a.count
      var k = 0
      while k &+ 4 <= count {
        sums.0 += a[k] * b[k]
        sums.1 += a[k &+ 1] * b[k &+ 1]
        sums.2 += a[k &+ 2] * b[k &+ 2]
        sums.3 += a[k &+ 3] * b[k &+ 3]
        k &+= 4
      }
      while k < count {
        sums.0 += a[k] * b[k]
        k &+= 1
      }
      return (sums.0 + sums.1) + (sums.2 + sums.3)
    }
  }
}

/// v ← v + c·u.
@inlinable
func addMultiple<Scalar: RealScalar>(_ factor: Scalar, of u: [Scalar], to vector: inout [Scalar]) {
  precondition(u.count == vector.count, "vectors of different lengths")
  u.withUnsafeBufferPointer { u in
    vector.withUnsafeMutableBufferPointer { v in for k in v.indices { v[k] += factor * u[k] } }
  }
}
