import DualNumbers

/// The total potential energy E = Σ_{i<j} U(|rᵢ − rⱼ|; σᵢⱼ) of particles interacting through one
/// pair potential, in one geometry, with one rule for σᵢⱼ — and its forces Fᵢ = −∂E/∂rᵢ.
///
/// Forces come from the pair energy evaluated on a dual number in r (dU/dr), never from a
/// hand-written derivative. With `Scalar` itself a dual number (positions seeded with a direction v)
/// the same loop returns −H·v in the tangents: the Hessian-vector product; with a parameter seeded,
/// ∂F/∂θ.
///
/// Positions are flat: [x₀, y₀, (z₀,) x₁, ...] in length units.
public struct PairInteraction<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters>:
  Sendable
where Space.Scalar == Potential.Scalar, Potential.Scalar == Diameters.Scalar {
  public typealias Scalar = Space.Scalar
  public typealias Dimension = Space.Dimension

  public var boundary: Space
  public var potential: Potential
  public var diameters: Diameters
  /// Threads for the force loop.
  public var threads: Int

  public init(boundary: Space, potential: Potential, diameters: Diameters,
              threads: Int = ThreadCount.available) {
    self.boundary = boundary
    self.potential = potential
    self.diameters = diameters
    self.threads = threads
  }

  public var particleCount: Int { diameters.particleCount }

  /// Keeps `list` valid for `positions` (rebuilding through the cell list when needed).
  @inlinable
  public func updateNeighbours(_ list: inout NeighbourList, positions: [Scalar]) {
    list.update(positions: positions, boundary: boundary, cutoffRatio: potential.cutoffRatio,
                diameters: diameters)
  }

  /// E(positions) over the pairs of `neighbours` (energy units).
  @inlinable
  public func energy(_ positions: [Scalar], neighbours: NeighbourList) -> Scalar {
    var energy: Scalar = 0
    var unused = [Scalar]()
    positions.withUnsafeBufferPointer { positions in
      unused.withUnsafeMutableBufferPointer { forces in
        energy = accumulate(rows: 0..<neighbours.particleCount, positions: positions,
                            neighbours: neighbours, forces: forces, withForces: false)
      }
    }
    return energy
  }

  /// Writes Fᵢ = −∂E/∂rᵢ into `forces` (resized to match) and returns E.
  @inlinable
  @discardableResult
  public func forces(_ positions: [Scalar], neighbours: NeighbourList, into forces: inout [Scalar]) -> Scalar {
    let count = positions.count
    if forces.count != count { forces = [Scalar](repeating: 0, count: count) }
    let rows = neighbours.particleCount
    let chunks = max(1, min(threads, rows / 2048))
    if chunks == 1 {
      for index in 0..<count { forces[index] = 0 }
      return positions.withUnsafeBufferPointer { positions in
        forces.withUnsafeMutableBufferPointer { forces in
          accumulate(rows: 0..<rows, positions: positions, neighbours: neighbours, forces: forces,
                     withForces: true)
        }
      }
    }
    // Pair forces act on both partners, so each thread accumulates into its own buffer (the
    // first one being `forces` itself) and the buffers are summed: no locks, no races.
    var extra = [Scalar](repeating: 0, count: count * (chunks - 1))
    var energies = [Scalar](repeating: 0, count: chunks)
    positions.withUnsafeBufferPointer { positions in
      forces.withUnsafeMutableBufferPointer { first in
        extra.withUnsafeMutableBufferPointer { extra in
          energies.withUnsafeMutableBufferPointer { energies in
            nonisolated(unsafe) let first = first
            nonisolated(unsafe) let extra = extra
            nonisolated(unsafe) let energies = energies
            // Rows may hold unequal numbers of pairs (the brute-force list's row i holds N − 1 − i):
            // split at equal pair counts, not equal row counts.
            let bounds = balancedRowBounds(neighbours.rowStart, rows: rows, chunks: chunks)
            forEachChunk(of: chunks, threads: chunks, minimumChunk: 1) { chunk, _ in
              let range = bounds[chunk]..<bounds[chunk + 1]
              let buffer = chunk == 0
                ? first
                : UnsafeMutableBufferPointer(rebasing: extra[(chunk - 1) * count ..< chunk * count])
              if chunk == 0 { for index in 0..<count { buffer[index] = 0 } }
              energies[chunk] = accumulate(rows: range, positions: positions, neighbours: neighbours,
                                           forces: buffer, withForces: true)
            }
            // The sum of the buffers, split by components over the same threads.
            forEachChunk(of: chunks, threads: chunks, minimumChunk: 1) { chunk, _ in
              let components = (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
              for other in 1..<chunks {
                let offset = (other - 1) * count
                for index in components { first[index] += extra[offset + index] }
              }
            }
          }
        }
      }
    }
    return energies.reduce(0, +)
  }

  /// The pair loop over rows i ∈ `rows` of the neighbour list, in blocks of ``pairBlockSize``
  /// pairs and three stages per block:
  ///
  /// 1. gather: the minimum-image separation dᵢⱼ, |dᵢⱼ|² and σᵢⱼ of each listed pair, kept only if
  ///    |dᵢⱼ| < r_c(σᵢⱼ) (a compaction without branches: about a third of a Verlet list lies in the
  ///    skin, unpredictably, and a mispredicted branch costs more than the gathering);
  /// 2. evaluate: U and dU/dr of every kept pair from the potential on a dual number;
  /// 3. scatter: Fᵢ += s·dᵢⱼ, Fⱼ −= s·dᵢⱼ with s = −U′(r)/r.
  ///
  /// Separating the stages keeps each loop small: the potential's branches and library calls
  /// (a general exponent, an exponential) no longer force the gather and scatter loops to keep their
  /// state in memory, and the square roots and divisions of stage 2 run back to back.
  @inlinable
  func accumulate(
    rows: Range<Int>, positions: UnsafeBufferPointer<Scalar>, neighbours: NeighbourList,
    forces: UnsafeMutableBufferPointer<Scalar>, withForces: Bool
  ) -> Scalar {
    let capacity = pairBlockSize
    let cutoffRatio = potential.cutoffRatio
    var energy: Scalar = 0
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * capacity) { pairs in
      withUnsafeTemporaryAllocation(of: Scalar.self, capacity: (Dimension.count + 2) * capacity) { block in
        let pairs = pairs.baseAddress!
        let block = block.baseAddress!
        // Component k of the separations at block[k·capacity ...]; then |d|² and σ.
        let squared = block + Dimension.count * capacity
        let diameter = squared + capacity
        var count = 0
        var row = RowForce<Scalar>()
        neighbours.rowStart.withUnsafeBufferPointer { rowStart in
          neighbours.neighbours.withUnsafeBufferPointer { partners in
            for i in rows {
              let ri = SpatialVector(positions, particle: i, Dimension.self)
              for slot in Int(rowStart[i])..<Int(rowStart[i + 1]) {
                let j = Int(partners[slot])
                var d = ri
                let rj = SpatialVector(positions, particle: j, Dimension.self)
                for k in 0..<Dimension.count { d[k] -= rj[k] }
                boundary.minimumImage(&d)
                let σ = diameters.diameter(i, j)
                let reach = cutoffRatio * σ.primalValue
                let distanceSquared = d.squaredLength(Dimension.self)
                pairs[2 &* count] = Int32(truncatingIfNeeded: i)
                pairs[2 &* count &+ 1] = Int32(truncatingIfNeeded: j)
                for k in 0..<Dimension.count { block[k &* capacity &+ count] = d[k] }
                squared[count] = distanceSquared
                diameter[count] = σ
                // The comparison's bit, added as an integer: LLVM would turn `? 1 : 0` into a branch.
                let kept = distanceSquared.primalValue < reach * reach
                count &+= Int(unsafeBitCast(kept, to: UInt8.self))
                if count == capacity {
                  evaluate(count: count, pairs: pairs, block: block, forces: forces, withForces: withForces,
                           energy: &energy, row: &row)
                  count = 0
                }
              }
            }
          }
        }
        evaluate(count: count, pairs: pairs, block: block, forces: forces, withForces: withForces,
                 energy: &energy, row: &row)
        if withForces { row.add(to: forces, Dimension.self) }
      }
    }
    return energy
  }

  /// Pairs gathered per block: small enough for the first-level cache, large enough that the
  /// stage loops run long.
  @inlinable
  var pairBlockSize: Int { 64 }

  /// Stages 2 and 3 of ``accumulate(rows:positions:neighbours:forces:withForces:)`` for the
  /// first `count` gathered pairs, adding their energy to `energy`.
  ///
  /// The sums run in the order of the neighbour list, as one loop over the pairs would: the
  /// energy pair by pair, Fⱼ pair by pair, Fᵢ summed over its row first (`row`, carried from block
  /// to block) — so blocking changes no rounding and results stay reproducible bit for bit.
  @inlinable
  func evaluate(
    count: Int, pairs: UnsafeMutablePointer<Int32>, block: UnsafeMutablePointer<Scalar>,
    forces: UnsafeMutableBufferPointer<Scalar>, withForces: Bool, energy: inout Scalar,
    row: inout RowForce<Scalar>
  ) {
    let capacity = pairBlockSize
    let squared = block + Dimension.count * capacity
    let diameter = squared + capacity
    // Stage 2 overwrites |d|² with s = −U′(r)/r, which is all stage 3 needs.
    for p in 0..<count {
      let r = Scalar.sqrt(squared[p])
      // dU/dr from the pair energy on a dual number: the only derivative in the loop.
      let u = potential.energy(distance: Dual(r, tangent: 1), diameter: Dual(constant: diameter[p]),
                               lift: { Dual(constant: $0) })
      energy += u.value
      squared[p] = -u.tangent / r
    }
    guard withForces else { return }
    for p in 0..<count {
      let scale = squared[p]
      let i = Int(pairs[2 &* p])
      if i != row.particle {
        row.add(to: forces, Dimension.self)
        row = RowForce(particle: i)
      }
      let j = Int(pairs[2 &* p &+ 1]) &* Dimension.count
      for k in 0..<Dimension.count {
        let f = scale * block[k &* capacity &+ p]
        row.force[k] += f
        forces[j &+ k] -= f
      }
    }
  }

  /// Maps every position into the primary cell of the boundary.
  @inlinable
  public func wrap(_ positions: inout [Scalar]) {
    let zero = [Scalar](repeating: 0, count: positions.count)
    displace(&positions, by: zero)
  }

  /// x ← x + Δ for every particle, mapped into the primary cell: one pass, split over the threads
  /// for large systems.
  @inlinable
  public func displace(_ positions: inout [Scalar], by displacement: [Scalar]) {
    precondition(positions.count == displacement.count, "a displacement must match the positions")
    let count = positions.count / Dimension.count
    positions.withUnsafeMutableBufferPointer { positions in
      displacement.withUnsafeBufferPointer { displacement in
        nonisolated(unsafe) let (x, move) = (positions, displacement)
        forEachChunk(of: count, threads: threads, minimumChunk: 8192) { _, particles in
          for i in particles {
            let base = i &* Dimension.count
            var r = SpatialVector(UnsafeBufferPointer(x), particle: i, Dimension.self)
            for k in 0..<Dimension.count { r[k] += move[base &+ k] }
            boundary.wrap(&r)
            for k in 0..<Dimension.count { x[base &+ k] = r[k] }
          }
        }
      }
    }
  }
}
