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
  /// Cell offsets (−1, 0, +1 per axis, coded in base 3, axis 0 fastest) that come after (0, 0, 0) in
  /// lexicographic order from the last axis: visiting only these, plus the later particles of the
  /// own cell, meets every pair of adjacent cells exactly once.
  @usableFromInline let forwardOffsets: [Int]

  @usableFromInline
  init(positions: [Double], dimension: Int, geometry: CellGeometry, cellSize: Double) {
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
    var population = [Int](repeating: 0, count: counts.reduce(1, *) + 1)
    for i in 0..<count {
      var cell = 0
      for k in (0..<dimension).reversed() {
        // Non-finite or far-away coordinates (a diverging run) still get a cell: the forces will
        // report the problem, the cell list must not trap on it.
        let scaled = ((positions[i * dimension + k] - origin[k]) / widths[k]).rounded(.down)
        var index = scaled.isFinite ? Int(max(-1e15, min(1e15, scaled))) : 0
        if edges != nil {
          index %= counts[k]
          if index < 0 { index += counts[k] }
        } else {
          index = min(max(index, 0), counts[k] - 1)
        }
        cell = cell * counts[k] + index
      }
      cellOf[i] = cell
      population[cell + 1] += 1
    }
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
      if let last = shifts.lastIndex(where: { $0 != 0 }), shifts[last] > 0 { forward.append(code) }
    }
    self.forwardOffsets = forward
  }

  /// Appends to `found` every partner j of i within cutoffRatio·σᵢⱼ + skin, from a half stencil:
  /// the particles after i in its own cell and every particle of the forward adjacent cells, so that
  /// over all i each pair is met once. This is the inner loop of every rebuild, so it reads through
  /// buffer pointers (`tables`) and unrolls the dimension.
  @inlinable
  func appendPartners<D: SpatialDimension, Diameters: InteractionDiameters>(
    of i: Int, _: D.Type, tables: Tables, cutoffRatio: Double, skin: Double, diameters: Diameters,
    into found: inout [Int32]
  ) {
    let cell = cellOfParticle[i]
    scan(slotOfParticle[i] + 1..<tables.cellStart[cell + 1], from: i, D.self, tables: tables,
         cutoffRatio: cutoffRatio, skin: skin, diameters: diameters, into: &found)
    var coordinates = (0, 0, 0)
    var rest = cell
    coordinates.0 = rest % cellCounts[0]
    rest /= cellCounts[0]
    coordinates.1 = rest % cellCounts[1]
    rest /= cellCounts[1]
    if D.count == 3 { coordinates.2 = rest % cellCounts[2] }
    for offset in forwardOffsets {
      var neighbour = 0
      var stride = 1
      var code = offset
      var outside = false
      for k in 0..<D.count {
        let shift = code % 3 - 1
        code /= 3
        var index = (k == 0 ? coordinates.0 : k == 1 ? coordinates.1 : coordinates.2) + shift
        if edges != nil {
          if index < 0 { index += cellCounts[k] } else if index >= cellCounts[k] { index -= cellCounts[k] }
        } else if index < 0 || index >= cellCounts[k] {
          outside = true
          break
        }
        neighbour += index * stride
        stride *= cellCounts[k]
      }
      if outside { continue }
      scan(tables.cellStart[neighbour]..<tables.cellStart[neighbour + 1], from: i, D.self, tables: tables,
           cutoffRatio: cutoffRatio, skin: skin, diameters: diameters, into: &found)
    }
  }

  /// The arrays the inner loop reads, as buffer pointers valid inside ``withTables(_:)``.
  @usableFromInline
  struct Tables {
    @usableFromInline let positions: UnsafeBufferPointer<Double>
    @usableFromInline let particles: UnsafeBufferPointer<Int>
    @usableFromInline let cellStart: UnsafeBufferPointer<Int>
    /// Box edges (periodic) and their halves; empty in free space.
    @usableFromInline let edges: (Double, Double, Double)
    @usableFromInline let halfEdges: (Double, Double, Double)
    @usableFromInline let periodic: Bool

    @inlinable
    init(positions: UnsafeBufferPointer<Double>, particles: UnsafeBufferPointer<Int>,
         cellStart: UnsafeBufferPointer<Int>, edges: [Double]?) {
      self.positions = positions
      self.particles = particles
      self.cellStart = cellStart
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
          body(Tables(positions: positions, particles: particles, cellStart: cellStart, edges: edges))
        }
      }
    }
  }

  /// The partners of i among `particles[slots]`.
  @inlinable @inline(__always)
  func scan<D: SpatialDimension, Diameters: InteractionDiameters>(
    _ slots: Range<Int>, from i: Int, _: D.Type, tables: Tables, cutoffRatio: Double, skin: Double,
    diameters: Diameters, into found: inout [Int32]
  ) {
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
      if squared < reach * reach { found.append(Int32(truncatingIfNeeded: j)) }
    }
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
