import DualNumbers

/// The Hessian of a pair interaction at one configuration, kept pair by pair: for every pair within
/// the cutoff the d×d block Kᵢⱼ = ∂²U(|d|)/∂d∂d of its energy with respect to the separation
/// d = rᵢ − rⱼ, so that
///
///     (H·v)ᵢ = Σⱼ Kᵢⱼ (vᵢ − vⱼ)
///
/// costs a few multiplications per pair. The blocks come from the pair energy evaluated once per
/// pair on second-order dual numbers in r = |d| (no hand-written derivative), assembled as
/// Kᵢⱼ = U″ n̂n̂ᵀ + (U′/r)(I − n̂n̂ᵀ) with n̂ = d/r, the Hessian of any radial U(|d|);
/// they are computed once, at the configuration, and serve every product of a linear solve — the
/// dual-number force loop would re-derive them at every product.
///
/// The full d·N × d·N matrix is never formed: storage is one small block per interacting pair.
public struct PairStiffness<Dimension: SpatialDimension>: Sendable {
  /// Row offsets and partners of the pairs within the cutoff (the neighbour list's, less the pairs
  /// of its skin).
  public let rowStart: [Int32]
  public let partners: [Int32]
  /// Kᵢⱼ of pair p, row-major d×d, at `blocks[p·d² ..< (p+1)·d²]` (energy / length²).
  public let blocks: [Double]
  public var threads: Int

  /// Blocks of the pairs of `neighbours` within the cutoff at `positions`.
  ///
  /// A Verlet list also holds the pairs of its skin, about half of its pairs in a 3D packing; their
  /// blocks vanish, so they are left out rather than stored as zeros, and every product then
  /// streams only the contacts' blocks.
  @inlinable
  public init<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>(
    _ interaction: PairInteraction<Space, Potential, Diameters>, positions: [Double], neighbours: NeighbourList
  ) where Space.Scalar == Double, Space.Dimension == Dimension {
    typealias Second = Dual<Dual<Double>>
    let d = Dimension.count
    let threads = interaction.threads
    self.threads = threads
    let cutoffRatio = interaction.potential.cutoffRatio
    // Each chunk of rows keeps its own pairs, joined in row order afterwards: the same arrays
    // whatever the number of threads.
    let pieces = positions.withUnsafeBufferPointer { positions in
      mapChunks(of: neighbours.particleCount, threads: threads, minimumChunk: 2048) { rows in
        var counts = [Int32](), partners = [Int32](), blocks = [Double]()
        counts.reserveCapacity(rows.count)
        for i in rows {
          let ri = SpatialVector(positions, particle: i, Dimension.self)
          var count: Int32 = 0
          for slot in Int(neighbours.rowStart[i])..<Int(neighbours.rowStart[i + 1]) {
            let j = Int(neighbours.neighbours[slot])
            var separation = ri
            let rj = SpatialVector(positions, particle: j, Dimension.self)
            for k in 0..<d { separation[k] -= rj[k] }
            interaction.boundary.minimumImage(&separation)
            let σ = interaction.diameters.diameter(i, j)
            let reach = cutoffRatio * σ
            let squared = separation.squaredLength(Dimension.self)
            guard squared < reach * reach else { continue }
            // U′(r) and U″(r) from one evaluation on second-order duals in r, then
            // K = U″ n̂n̂ᵀ + (U′/r)(I − n̂n̂ᵀ), n̂ = d/r: the Hessian of any radial U(|d|).
            let r = squared.squareRoot()
            let u = interaction.potential.energy(
              distance: Second(Dual(r, tangent: 1), tangent: Dual(1, tangent: 0)), diameter: Second(σ),
              lift: { Second(constant: Dual(constant: $0)) })
            let (first, second) = (u.tangent.value, u.tangent.tangent)
            let transverse = first / r
            for a in 0..<d {
              for b in 0..<d {
                // dₐd_b = d_bdₐ to the bit: the block is exactly symmetric.
                let normal = separation[a] * separation[b] / squared
                blocks.append(second * normal + transverse * ((a == b ? 1 : 0) - normal))
              }
            }
            partners.append(Int32(j))
            count += 1
          }
          counts.append(count)
        }
        return (counts: counts, partners: partners, blocks: blocks)
      }
    }
    var rowStart = [Int32]()
    rowStart.reserveCapacity(neighbours.particleCount + 1)
    rowStart.append(0)
    for piece in pieces {
      for count in piece.counts { rowStart.append(rowStart[rowStart.count - 1] + count) }
    }
    self.rowStart = rowStart
    partners = pieces.count == 1 ? pieces[0].partners : pieces.flatMap(\.partners)
    blocks = pieces.count == 1 ? pieces[0].blocks : pieces.flatMap(\.blocks)
  }

  /// The number of particles.
  public var particleCount: Int { rowStart.count - 1 }

  /// diag(H) (energy / length², length d·N): the block of H on particle i is Hᵢᵢ = Σⱼ Kᵢⱼ over its
  /// partners, each pair's block appearing on both partners (∂²U(rᵢ − rⱼ)/∂rᵢ² = ∂²U/∂rⱼ² = Kᵢⱼ),
  /// so that
  ///
  ///     Hᵢₐ,ᵢₐ = Σⱼ (Kᵢⱼ)ₐₐ.
  ///
  /// The Jacobi preconditioner's diagonal, from the blocks already computed for H·v.
  public var diagonal: [Double] {
    var result = [Double]()
    diagonal(into: &result)
    return result
  }

  /// result ← diag(H) (see ``diagonal``); `result` is resized to d·N only if its length differs.
  public func diagonal(into result: inout [Double]) {
    let d = Dimension.count
    let count = particleCount * d
    if result.count != count { result = [Double](repeating: 0, count: count) }
    result.withUnsafeMutableBufferPointer { result in
      for index in 0..<count { result[index] = 0 }
      rowStart.withUnsafeBufferPointer { rowStart in
        partners.withUnsafeBufferPointer { partners in
          blocks.withUnsafeBufferPointer { blocks in
            for i in 0..<particleCount {
              for slot in Int(rowStart[i])..<Int(rowStart[i + 1]) {
                let j = Int(partners[slot])
                for a in 0..<d {
                  let curvature = blocks[slot &* d &* d &+ a &* d &+ a]
                  result[i &* d &+ a] += curvature
                  result[j &* d &+ a] += curvature
                }
              }
            }
          }
        }
      }
    }
  }

  /// result ← H·v (length of both: d·N).
  @inlinable
  public func hessianVectorProduct(_ v: [Double], into result: inout [Double]) {
    let count = v.count
    if result.count != count { result = [Double](repeating: 0, count: count) }
    let rows = particleCount
    let chunks = max(1, min(threads, rows / 2048))
    let bounds = balancedRowBounds(rowStart, rows: rows, chunks: chunks)
    // As in the force loop: each thread writes the rows of its own particles in place and sets
    // aside the terms for partners another thread owns, subtracted after the join in chunk order.
    v.withUnsafeBufferPointer { v in
      result.withUnsafeMutableBufferPointer { result in
        nonisolated(unsafe) let result = result
        if chunks == 1 {
          var none = [PartnerTerm<Double>]()
          for index in 0..<count { result[index] = 0 }
          accumulate(rows: 0..<rows, v: v, into: result, owned: EveryParticle(), outside: &none)
          return
        }
        _ = accumulateOwningRows(bounds: bounds, width: Dimension.count, into: result) { rows, owned, outside in
          accumulate(rows: rows, v: v, into: result, owned: owned, outside: &outside)
        }
      }
    }
  }

  @inlinable
  func accumulate<Owned: ParticleOwnership>(
    rows: Range<Int>, v: UnsafeBufferPointer<Double>, into result: UnsafeMutableBufferPointer<Double>,
    owned: Owned, outside: inout [PartnerTerm<Double>]
  ) {
    let d = Dimension.count
    rowStart.withUnsafeBufferPointer { rowStart in
      partners.withUnsafeBufferPointer { partners in
        blocks.withUnsafeBufferPointer { blocks in
          for i in rows {
            var onI = SpatialVector<Double>.zero
            let vi = SpatialVector(v, particle: i, Dimension.self)
            for slot in Int(rowStart[i])..<Int(rowStart[i + 1]) {
              let j = Int(partners[slot])
              let vj = SpatialVector(v, particle: j, Dimension.self)
              let base = slot &* d &* d
              var term = SpatialVector<Double>.zero
              for a in 0..<d {
                var sum = 0.0
                for b in 0..<d { sum += blocks[base &+ a &* d &+ b] * (vi[b] - vj[b]) }
                term[a] = sum
                onI[a] += sum
              }
              if owned.contains(j) {
                for a in 0..<d { result[j &* d &+ a] -= term[a] }
              } else {
                outside.append(PartnerTerm(particle: j, value: term))
              }
            }
            for a in 0..<d { result[i &* d &+ a] += onI[a] }
          }
        }
      }
    }
  }
}
