import DualNumbers

/// Particles binned into cells at least as wide as the longest interaction range plus skin, so
/// that every partner within range of a particle lies in its own or an adjacent cell.
///
/// Along a periodic axis with fewer than three cells, adjacent cells would repeat (−1 and +1 are the
/// same cell), so such an axis gets a single cell and the minimum image finds the partner: small
/// boxes and tiny systems need no separate code path.
@usableFromInline
struct CellList {
  @usableFromInline let dimension: Int
  @usableFromInline let positions: [Double]
  /// Periodic edge lengths, or nil in free space.
  @usableFromInline let edges: [Double]?
  /// Cells along each axis.
  @usableFromInline let cellCounts: [Int]
  /// Lower corner of the cell grid (free space: the particles' bounding box).
  @usableFromInline let origin: [Double]
  @usableFromInline let cellWidths: [Double]
  /// Particles of cell c: `particles[cellStart[c] ..< cellStart[c+1]]`.
  @usableFromInline let cellStart: [Int]
  @usableFromInline let particles: [Int]
  @usableFromInline let cellOfParticle: [Int]
  /// Where each particle sits in `particles`.
  @usableFromInline let slotOfParticle: [Int]
  /// The cell's integer coordinates of every particle (three per particle, the third 0 in 2D):
  /// neighbour cells then follow by additions, never by dividing a cell index.
  @usableFromInline let cellCoordinates: [Int32]
  /// Cell shifts (−1, 0, +1 per axis; three per shift, the third 0 in 2D) that come after
  /// (0, 0, 0) in lexicographic order from the last axis: visiting only these, plus the later
  /// particles of the own cell, meets every pair of adjacent cells exactly once.
  @usableFromInline let forwardShifts: [Int]
  /// An upper bound on the partners one particle can have: the fullest cell's population times
  /// the cells of a half stencil (so a row can be written without checking capacity per pair).
  @usableFromInline let maximumCandidates: Int

  @usableFromInline
  init(positions: [Double], dimension: Int, geometry: CellGeometry, cellSize: Double, threads: Int = 1) {
    self.dimension = dimension
    self.positions = positions
    let count = positions.count / dimension
    var counts = [Int](repeating: 1, count: dimension)
    var origin = [Double](repeating: 0, count: dimension)
    var widths = [Double](repeating: 1, count: dimension)
    switch geometry {
    case .periodic(let edges):
      self.edges = edges
      for k in 0..<dimension {
        let fit = cellSize > 0 ? Int(min(edges[k] / cellSize, Double(1 << 20)).rounded(.down)) : 1
        counts[k] = fit >= 3 ? fit : 1
        widths[k] = edges[k] / Double(counts[k])
      }
    case .free:
      self.edges = nil
      for k in 0..<dimension {
        var low = Double.infinity
        var high = -Double.infinity
        for i in 0..<count where positions[i * dimension + k].isFinite {
          low = min(low, positions[i * dimension + k])
          high = max(high, positions[i * dimension + k])
        }
        if low > high { (low, high) = (0, 0) }
        origin[k] = low
        let extent = max(high - low, 0)
        let fit = cellSize > 0 ? Int(min(extent / cellSize, Double(1 << 20)).rounded(.down)) : 1
        counts[k] = max(1, fit)
        widths[k] = max(extent / Double(counts[k]), .leastNormalMagnitude)
      }
    }
    // Bound the total cell count by the particle count: extra empty cells only cost memory.
    while counts.reduce(1, *) > max(8 * count, 27) {
      let widest = counts.indices.max { counts[$0] < counts[$1] }!
      counts[widest] = max(1, counts[widest] / 2)
      if let edges = self.edges {
        widths[widest] = edges[widest] / Double(counts[widest])
        if counts[widest] < 3 {
          counts[widest] = 1
          widths[widest] = edges[widest]
        }
      } else {
        widths[widest] *= 2
      }
    }
    self.cellCounts = counts
    self.origin = origin
    self.cellWidths = widths

    var cellOf = [Int](repeating: 0, count: count)
    var coordinates = [Int32](repeating: 0, count: 3 * count)
    var population = [Int](repeating: 0, count: counts.reduce(1, *) + 1)
    // Binning divides for every coordinate, so it is split over the threads; the counting sort that
    // follows is a serial pass of loads and stores.
    let periodic = edges != nil
    cellOf.withUnsafeMutableBufferPointer { cellOf in
      coordinates.withUnsafeMutableBufferPointer { coordinates in
        positions.withUnsafeBufferPointer { positions in
          nonisolated(unsafe) let (cellOf, coordinates, positions) = (cellOf, coordinates, positions)
          forEachChunk(of: count, threads: threads, minimumChunk: 16_384) { _, particles in
            for i in particles {
              var cell = 0
              for k in (0..<dimension).reversed() {
                // Non-finite or far-away coordinates (a diverging run) still get a cell: the forces
                // will report the problem, the cell list must not trap on it.
                let scaled = (positions[i &* dimension &+ k] - origin[k]) / widths[k]
                // ⌊scaled⌋ by truncation (no libm call): positions in the box are non-negative.
                let truncated = scaled.isFinite ? Int(max(-1e15, min(1e15, scaled))) : 0
                var index = Double(truncated) > scaled ? truncated - 1 : truncated
                if periodic {
                  if index < 0 || index >= counts[k] {
                    index %= counts[k]
                    if index < 0 { index += counts[k] }
                  }
                } else {
                  index = min(max(index, 0), counts[k] - 1)
                }
                coordinates[3 &* i &+ k] = Int32(truncatingIfNeeded: index)
                cell = cell &* counts[k] &+ index
              }
              cellOf[i] = cell
            }
          }
        }
      }
    }
    for cell in cellOf { population[cell + 1] += 1 }
    let fullestCell = population.max() ?? 0
    for c in 1..<population.count { population[c] += population[c - 1] }
    var fill = population
    var sorted = [Int](repeating: 0, count: count)
    var slots = [Int](repeating: 0, count: count)
    for i in 0..<count {
      sorted[fill[cellOf[i]]] = i
      slots[i] = fill[cellOf[i]]
      fill[cellOf[i]] += 1
    }
    self.cellStart = population
    self.particles = sorted
    self.cellOfParticle = cellOf
    self.slotOfParticle = slots
    self.cellCoordinates = coordinates
    var forward = [Int]()
    for code in 0..<(dimension == 3 ? 27 : 9) {
      var shifts = [Int]()
      var rest = code
      for _ in 0..<dimension {
        shifts.append(rest % 3 - 1)
        rest /= 3
      }
      // Skip shifts along single-cell axes: there the own cell already holds every partner.
      if shifts.indices.contains(where: { counts[$0] == 1 && shifts[$0] != 0 }) { continue }
      if let last = shifts.lastIndex(where: { $0 != 0 }), shifts[last] > 0 {
        forward.append(contentsOf: shifts + [Int](repeating: 0, count: 3 - dimension))
      }
    }
    self.forwardShifts = forward
    self.maximumCandidates = fullestCell * (forward.count / 3 + 1)
  }

  /// Writes to `found[count...]` every partner j of i within cutoffRatio·σᵢⱼ + skin and returns the
  /// new count, from a half stencil: the particles after i in its own cell and every particle of the
  /// forward adjacent cells, so that over all i each pair is met once. `found` must have room for
  /// ``maximumCandidates`` more entries. This is the inner loop of every rebuild, so it reads
  /// through buffer pointers (`tables`) and unrolls the dimension.
  @inlinable
  func appendPartners<D: SpatialDimension, Diameters: InteractionDiameters>(
    of i: Int, _: D.Type, tables: Tables, cutoffRatio: Double, skin: Double, diameters: Diameters,
    into found: UnsafeMutablePointer<Int32>, count: Int
  ) -> Int {
    let cell = tables.cellOfParticle[i]
    var count = scan(tables.slotOfParticle[i] + 1..<tables.cellStart[cell + 1], from: i, D.self, tables: tables,
                     cutoffRatio: cutoffRatio, skin: skin, diameters: diameters, into: found, count: count)
    let x = Int(tables.cellCoordinates[3 &* i])
    let y = Int(tables.cellCoordinates[3 &* i &+ 1])
    let z = Int(tables.cellCoordinates[3 &* i &+ 2])
    let (countX, countY, countZ) = tables.cellCounts
    let shifts = tables.forwardShifts
    var offset = 0
    while offset < shifts.count {
      var nx = x &+ shifts[offset]
      var ny = y &+ shifts[offset &+ 1]
      var nz = z &+ shifts[offset &+ 2]
      offset &+= 3
      if tables.periodic {
        if nx < 0 { nx &+= countX } else if nx >= countX { nx &-= countX }
        if ny < 0 { ny &+= countY } else if ny >= countY { ny &-= countY }
        if D.count == 3 { if nz < 0 { nz &+= countZ } else if nz >= countZ { nz &-= countZ } }
      } else if nx < 0 || nx >= countX || ny < 0 || ny >= countY || (D.count == 3 && (nz < 0 || nz >= countZ)) {
        continue
      }
      let neighbour = nx &+ countX &* (ny &+ countY &* nz)
      count = scan(tables.cellStart[neighbour]..<tables.cellStart[neighbour &+ 1], from: i, D.self,
                   tables: tables, cutoffRatio: cutoffRatio, skin: skin, diameters: diameters,
                   into: found, count: count)
    }
    return count
  }

  /// The arrays the inner loop reads, as buffer pointers valid inside ``withTables(_:)``.
  @usableFromInline
  struct Tables {
    @usableFromInline let positions: UnsafeBufferPointer<Double>
    @usableFromInline let particles: UnsafeBufferPointer<Int>
    @usableFromInline let cellStart: UnsafeBufferPointer<Int>
    @usableFromInline let cellOfParticle: UnsafeBufferPointer<Int>
    @usableFromInline let slotOfParticle: UnsafeBufferPointer<Int>
    @usableFromInline let cellCoordinates: UnsafeBufferPointer<Int32>
    @usableFromInline let forwardShifts: UnsafeBufferPointer<Int>
    /// Cells along each axis (1 for an absent third axis).
    @usableFromInline let cellCounts: (Int, Int, Int)
    /// Box edges (periodic) and their halves; empty in free space.
    @usableFromInline let edges: (Double, Double, Double)
    @usableFromInline let halfEdges: (Double, Double, Double)
    @usableFromInline let periodic: Bool

    @inlinable
    init(positions: UnsafeBufferPointer<Double>, particles: UnsafeBufferPointer<Int>,
         cellStart: UnsafeBufferPointer<Int>, cellOfParticle: UnsafeBufferPointer<Int>,
         slotOfParticle: UnsafeBufferPointer<Int>, cellCoordinates: UnsafeBufferPointer<Int32>,
         forwardShifts: UnsafeBufferPointer<Int>, cellCounts: [Int], edges: [Double]?) {
      self.positions = positions
      self.particles = particles
      self.cellStart = cellStart
      self.cellOfParticle = cellOfParticle
      self.slotOfParticle = slotOfParticle
      self.cellCoordinates = cellCoordinates
      self.forwardShifts = forwardShifts
      self.cellCounts = (cellCounts[0], cellCounts.count > 1 ? cellCounts[1] : 1,
                         cellCounts.count > 2 ? cellCounts[2] : 1)
      let lengths = edges ?? []
      let padded = lengths + [Double](repeating: 0, count: max(0, 3 - lengths.count))
      self.edges = (padded[0], padded[1], padded[2])
      self.halfEdges = (0.5 * padded[0], 0.5 * padded[1], 0.5 * padded[2])
      self.periodic = edges != nil
    }
  }

  /// Runs `body` with the tables of this cell list.
  @inlinable
  func withTables<Result>(_ body: (Tables) -> Result) -> Result {
    positions.withUnsafeBufferPointer { positions in
      particles.withUnsafeBufferPointer { particles in
        cellStart.withUnsafeBufferPointer { cellStart in
          cellOfParticle.withUnsafeBufferPointer { cellOfParticle in
            slotOfParticle.withUnsafeBufferPointer { slotOfParticle in
              cellCoordinates.withUnsafeBufferPointer { cellCoordinates in
                forwardShifts.withUnsafeBufferPointer { forwardShifts in
                  body(Tables(positions: positions, particles: particles, cellStart: cellStart,
                              cellOfParticle: cellOfParticle, slotOfParticle: slotOfParticle,
                              cellCoordinates: cellCoordinates, forwardShifts: forwardShifts,
                              cellCounts: cellCounts, edges: edges))
                }
              }
            }
          }
        }
      }
    }
  }

  /// The partners of i among `particles[slots]`.
  @inlinable @inline(__always)
  func scan<D: SpatialDimension, Diameters: InteractionDiameters>(
    _ slots: Range<Int>, from i: Int, _: D.Type, tables: Tables, cutoffRatio: Double, skin: Double,
    diameters: Diameters, into found: UnsafeMutablePointer<Int32>, count start: Int
  ) -> Int {
    var count = start
    let base = i &* D.count
    let xi = tables.positions[base]
    let yi = tables.positions[base &+ 1]
    let zi = D.count == 3 ? tables.positions[base &+ 2] : 0
    for slot in slots {
      let j = tables.particles[slot]
      let other = j &* D.count
      var dx = xi - tables.positions[other]
      var dy = yi - tables.positions[other &+ 1]
      var dz = D.count == 3 ? zi - tables.positions[other &+ 2] : 0
      if tables.periodic {
        dx = Self.image(dx, tables.edges.0, tables.halfEdges.0)
        dy = Self.image(dy, tables.edges.1, tables.halfEdges.1)
        if D.count == 3 { dz = Self.image(dz, tables.edges.2, tables.halfEdges.2) }
      }
      let squared = dx * dx + dy * dy + dz * dz
      let reach = cutoffRatio * diameters.diameter(i, j).primalValue + skin
      // Written always, kept by counting the comparison's bit: a third or more of the candidates
      // are out of range, unpredictably, and a mispredicted branch costs more than the store.
      found[count] = Int32(truncatingIfNeeded: j)
      count &+= Int(unsafeBitCast(squared < reach * reach, to: UInt8.self))
    }
    return count
  }

  /// The minimum image of a separation component: positions normally lie in [0, L), where one
  /// correction suffices (a compare, no division); anything farther takes the general rounding.
  @inlinable @inline(__always)
  static func image(_ d: Double, _ length: Double, _ half: Double) -> Double {
    if d > half {
      let corrected = d - length
      return corrected > half ? d - length * (d / length).rounded(.toNearestOrEven) : corrected
    }
    if d < -half {
      let corrected = d + length
      return corrected < -half ? d - length * (d / length).rounded(.toNearestOrEven) : corrected
    }
    return d
  }
}
