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
    list.update(positions: positions, boundary: boundary,
                cutoffRatio: potential.cutoffRatio * boundary.neighbourReachScale, diameters: diameters)
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
    guard let specialised = potential.specialised else {
      return self.forces(positions, neighbours: neighbours, into: &forces, as: potential)
    }
    return self.forces(positions, neighbours: neighbours, into: &forces, as: specialised)
  }

  /// The force loop on `potential`, this interaction's own or its specialised form.
  @inlinable
  func forces<Pair: PairPotential>(_ positions: [Scalar], neighbours: NeighbourList, into forces: inout [Scalar],
                                   as potential: Pair) -> Scalar where Pair.Scalar == Scalar {
    let count = positions.count
    if forces.count != count { forces = [Scalar](repeating: 0, count: count) }
    let rows = neighbours.particleCount
    let chunks = max(1, min(threads, rows / 2048))
    if chunks == 1 {
      for index in 0..<count { forces[index] = 0 }
      return positions.withUnsafeBufferPointer { positions in
        forces.withUnsafeMutableBufferPointer { forces in
          var none = [PartnerTerm<Scalar>]()
          return accumulate(rows: 0..<rows, positions: positions, neighbours: neighbours, forces: forces,
                            withForces: true, owned: EveryParticle(), outside: &none, potential: potential)
        }
      }
    }
    // Pair forces act on both partners. Each thread owns the forces of the particles of its rows and
    // writes them in place; a partner outside that range (near a chunk boundary: a few per cent of
    // the pairs, the particles being numbered cell by cell) is set aside and added once the threads
    // have joined, chunk by chunk. No locks, no races, no second force array to sum.
    return positions.withUnsafeBufferPointer { positions in
      forces.withUnsafeMutableBufferPointer { forces in
        // Rows may hold unequal numbers of pairs (the brute-force list's row i holds N − 1 − i):
        // split at equal pair counts, not equal row counts.
        let bounds = balancedRowBounds(neighbours.rowStart, rows: rows, chunks: chunks)
        nonisolated(unsafe) let forces = forces
        return accumulateOwningRows(bounds: bounds, width: Dimension.count, into: forces) { rows, owned, outside in
          accumulate(rows: rows, positions: positions, neighbours: neighbours, forces: forces, withForces: true,
                     owned: owned, outside: &outside, potential: potential)
        }.reduce(0, +)
      }
    }
  }

  /// The pair loop over rows i ∈ `rows` of the neighbour list.
  @inlinable
  func accumulate(
    rows: Range<Int>, positions: UnsafeBufferPointer<Scalar>, neighbours: NeighbourList,
    forces: UnsafeMutableBufferPointer<Scalar>, withForces: Bool
  ) -> Scalar {
    var none = [PartnerTerm<Scalar>]()
    return accumulate(rows: rows, positions: positions, neighbours: neighbours, forces: forces,
                      withForces: withForces, owned: EveryParticle(), outside: &none, potential: potential)
  }

  /// The pair loop over rows i ∈ `rows` with the pair energy of `potential`, writing the force on a
  /// partner j directly only when j is `owned` and appending it to `outside` otherwise.
  @inlinable
  func accumulate<Owned: ParticleOwnership, Pair: PairPotential>(
    rows: Range<Int>, positions: UnsafeBufferPointer<Scalar>, neighbours: NeighbourList,
    forces: UnsafeMutableBufferPointer<Scalar>, withForces: Bool, owned: Owned,
    outside: inout [PartnerTerm<Scalar>], potential: Pair
  ) -> Scalar where Pair.Scalar == Scalar {
    // Local copies: the force stores below go through a pointer the compiler cannot tell apart from
    // `self`, so fields read through `self` would be loaded again for every pair.
    let boundary = boundary, diameters = diameters
    let cutoffRatio = potential.cutoffRatio
    var energy: Scalar = 0
    let interiorPairs = neighbours.hasInteriorPairs(in: boundary.cellGeometry)
    // Every stored pair evaluated and those beyond the cutoff masked, rather than skipped by a
    // branch mispredicted on about half of them (a Verlet list holds the skin's pairs too), where
    // the potential allows it and the loop owns every particle. In a thread's loop, which tests
    // each partner's owner and writes its force, the masked pairs' extra tests and stores cost
    // more than the mispredictions they save (docs/benchmarks.md, "Issue 18, twelfth session").
    let masked = Pair.isFiniteBeyondCutoff && Owned.ownsEveryParticle
    neighbours.rowStart.withUnsafeBufferPointer { rowStart in
      neighbours.neighbours.withUnsafeBufferPointer { partners in
        neighbours.interiorEnd.withUnsafeBufferPointer { interiorEnd in
          for i in rows {
            let ri = SpatialVector(positions, particle: i, Dimension.self)
            var forceOnI = SpatialVector<Scalar>.zero
            // The term of the pair in `slot`; an interior pair's separation needs no image.
            @inline(__always) func addPair(_ slot: Int, interior: Bool) {
              let j = Int(partners[slot])
              var d = ri
              let rj = SpatialVector(positions, particle: j, Dimension.self)
              for k in 0..<Dimension.count { d[k] -= rj[k] }
              if interior { boundary.interiorSeparation(&d) } else { boundary.minimumImage(&d) }
              let squared = d.squaredLength(Dimension.self)
              let σ = diameters.diameter(i, j)
              let reach = cutoffRatio * σ.primalValue
              let inside = squared.primalValue < reach * reach
              if !masked && !inside { return }
              let r = Scalar.sqrt(squared)
              // 1/r as r·(1/r²): the division starts from r² beside the root instead of waiting
              // for it, and the two long-latency operations overlap on the pair's critical path.
              let inverseSquared = 1 / squared
              // dU/dr from the pair energy on a dual number: the only derivative in the loop.
              let u = potential.energy(distance: Dual(r, tangent: 1), diameter: Dual(constant: σ),
                                       inverseDiameter: diameters.inverseDiameter(i, j), lift: { Dual(constant: $0) })
              // Masked, a pair beyond the cutoff adds its terms times zero: ±0, which changes no sum.
              let weight: Double = inside ? 1 : 0
              energy += masked ? Scalar.scaled(u.value, by: weight) : u.value
              guard withForces else { return }
              let scale = masked ? Scalar.scaled(-u.tangent * (r * inverseSquared), by: weight)
                : -u.tangent * (r * inverseSquared)
              var f = SpatialVector<Scalar>.zero
              for k in 0..<Dimension.count {
                f[k] = scale * d[k]
                forceOnI[k] += f[k]
              }
              if owned.contains(j) {
                let base = j &* Dimension.count
                for k in 0..<Dimension.count { forces[base &+ k] -= f[k] }
              } else {
                outside.append(PartnerTerm(particle: j, value: f))
              }
            }
            // Two loops, so that the interior pairs' loop holds no minimum image (nor the box edges
            // it would keep in registers).
            let firstImaged = interiorPairs ? Int(interiorEnd[i]) : Int(rowStart[i])
            for slot in Int(rowStart[i])..<firstImaged { addPair(slot, interior: true) }
            for slot in firstImaged..<Int(rowStart[i + 1]) { addPair(slot, interior: false) }
            if withForces {
              let base = i &* Dimension.count
              for k in 0..<Dimension.count { forces[base &+ k] += forceOnI[k] }
            }
          }
        }
      }
    }
    return energy
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
    displacement.withUnsafeBufferPointer { displacement in
      _ = displace(&positions, by: ScaledDirection(displacement, scaledBy: 1), measuringDriftFrom: nil)
    }
  }

  /// x ← x + Δ mapped into the primary cell, and in the same pass the test of the Verlet list
  /// `neighbours`: returns whether the list still holds every interacting pair, i.e. the two
  /// particles that moved most since the build moved no more than the skin together (false when the
  /// list was not built for these particles). A minimiser's step then needs no separate pass to
  /// decide whether the list must be rebuilt.
  @inlinable
  public func displace(_ positions: inout [Scalar], by displacement: [Scalar],
                       keeping neighbours: NeighbourList) -> Bool {
    displace(&positions, along: displacement, scaledBy: 1, keeping: neighbours)
  }

  /// As `displace(_:by:keeping:)` with Δ = s·d, formed element by element (no array Δ).
  @inlinable
  public func displace(_ positions: inout [Scalar], along direction: [Scalar], scaledBy factor: Double,
                       keeping neighbours: NeighbourList) -> Bool {
    precondition(positions.count == direction.count, "a displacement must match the positions")
    return direction.withUnsafeBufferPointer { direction in
      displace(&positions, by: ScaledDirection(direction, scaledBy: factor), keeping: neighbours)
    }
  }

  /// As ``displace(_:by:keeping:)`` with Δ formed coordinate by coordinate in the displacing pass
  /// (a minimiser's step that updates its own state as it goes: see ``Displacement``).
  @inlinable
  public func displace<Step: Displacement>(_ positions: inout [Scalar], by step: Step,
                                           keeping neighbours: NeighbourList) -> Bool
  where Step.Scalar == Scalar {
    let count = positions.count / Dimension.count
    guard neighbours.isBuilt(forParticleCount: count, dimension: Dimension.count) else {
      _ = displace(&positions, by: step, measuringDriftFrom: nil)
      return false
    }
    return neighbours.withReferencePositions { reference in
      displace(&positions, by: step,
               measuringDriftFrom: (reference, DriftTest(skin: neighbours.skin, geometry: boundary.cellGeometry)))
    }
  }

  /// The displacing pass, x ← x + Δ mapped into the primary cell; with a reference it returns
  /// whether the list stays valid (``DriftTest``).
  @inlinable
  func displace<Step: Displacement>(_ positions: inout [Scalar], by step: Step,
                                    measuringDriftFrom drift: (reference: UnsafeBufferPointer<Double>, test: DriftTest)?)
    -> Bool where Step.Scalar == Scalar
  {
    let count = positions.count / Dimension.count
    return positions.withUnsafeMutableBufferPointer { positions in
      nonisolated(unsafe) let x = positions
      // Split as FIRE's vector passes are (2,048 particles, 4,096 or more coordinates per thread).
      let largest = mapChunks(of: count, threads: threads, minimumChunk: 2048) { particles in
        var largest = LargestDisplacements()
        for i in particles {
          let base = i &* Dimension.count
          var r = SpatialVector(UnsafeBufferPointer(x), particle: i, Dimension.self)
          for k in 0..<Dimension.count { r[k] += step.component(base &+ k) }
          boundary.wrap(&r)
          for k in 0..<Dimension.count { x[base &+ k] = r[k] }
          if let drift {
            largest.include(drift.test.squaredDisplacement(r, particle: i, from: drift.reference, Dimension.self))
          }
        }
        return largest
      }.reduce(LargestDisplacements()) { $0.merged(with: $1) }
      return drift?.test.keepsList(largest) ?? true
    }
  }
}
