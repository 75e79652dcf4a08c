import DualNumbers

extension PairStiffness {
  /// result ← H·V for k vectors at once, in one pass over the pairs: each block Kᵢⱼ is read once
  /// and applied to every column,
  ///
  ///     (H·v_c)ᵢ = Σⱼ Kᵢⱼ (v_c,ᵢ − v_c,ⱼ),   c = 1 … k.
  ///
  /// The k vectors are interleaved particle by particle: component a of particle i in column c is
  /// `v[(i·k + c)·d + a]` (and likewise `result`). Each column's sums run in the same order as
  /// ``hessianVectorProduct(_:into:)``'s, so column c of the result equals the product with column
  /// c alone, bit for bit. `result` is reused when it already has the right size.
  @inlinable
  public func hessianMatrixProduct(_ v: [Double], columns k: Int, into result: inout [Double]) {
    precondition(k >= 1 && v.count == particleCount * Dimension.count * k, "v must hold k interleaved vectors")
    let count = v.count
    if result.count != count { result = [Double](repeating: 0, count: count) }
    let rows = particleCount
    let chunks = max(1, min(threads, rows / 2048))
    // The pair loop's partner terms are per (particle, column): a "particle" i·k + c of width d.
    let bounds = balancedRowBounds(rowStart, rows: rows, chunks: chunks).map { $0 * k }
    v.withUnsafeBufferPointer { v in
      result.withUnsafeMutableBufferPointer { result in
        nonisolated(unsafe) let result = result
        if chunks == 1 {
          var none = [PartnerTerm<Double>]()
          for index in 0..<count { result[index] = 0 }
          accumulate(rows: 0..<rows, columns: k, v: v, into: result, owned: EveryParticle(), outside: &none)
          return
        }
        _ = accumulateOwningRows(bounds: bounds, width: Dimension.count, into: result) { slots, owned, outside in
          accumulate(rows: (slots.lowerBound / k)..<(slots.upperBound / k), columns: k, v: v, into: result,
                     owned: owned, outside: &outside)
        }
      }
    }
  }

  @inlinable
  func accumulate<Owned: ParticleOwnership>(
    rows: Range<Int>, columns k: Int, v: UnsafeBufferPointer<Double>, into result: UnsafeMutableBufferPointer<Double>,
    owned: Owned, outside: inout [PartnerTerm<Double>]
  ) {
    let d = Dimension.count
    rowStart.withUnsafeBufferPointer { rowStart in
      partners.withUnsafeBufferPointer { partners in
        blocks.withUnsafeBufferPointer { blocks in
          for i in rows {
            for c in 0..<k {
              var onI = SpatialVector<Double>.zero
              let vi = SpatialVector(v, particle: i &* k &+ c, Dimension.self)
              for slot in Int(rowStart[i])..<Int(rowStart[i + 1]) {
                let j = Int(partners[slot])
                let vj = SpatialVector(v, particle: j &* k &+ c, Dimension.self)
                let base = slot &* d &* d
                var term = SpatialVector<Double>.zero
                for a in 0..<d {
                  var sum = 0.0
                  for b in 0..<d { sum += blocks[base &+ a &* d &+ b] * (vi[b] - vj[b]) }
                  term[a] = sum
                  onI[a] += sum
                }
                if owned.contains(j &* k) {
                  for a in 0..<d { result[(j &* k &+ c) &* d &+ a] -= term[a] }
                } else {
                  outside.append(PartnerTerm(particle: j &* k &+ c, value: term))
                }
              }
              for a in 0..<d { result[(i &* k &+ c) &* d &+ a] += onI[a] }
            }
          }
        }
      }
    }
  }
}
