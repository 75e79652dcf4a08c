import DualNumbers

/// Particles binned into cells at least as wide as the longest interaction range plus skin, so
/// that every partner within range of a particle lies in its own or an adjacent cell.
///
/// Along a periodic axis with fewer than three cells, adjacent cells would repeat (−1 and +1 are the
/// same cell), so such an axis gets a single cell and the minimum image finds the partner: small
/// boxes and tiny systems need no separate code path.
///
/// The particles are stored cell by cell ("slots"), with a copy of their positions in that order:
/// the half stencil of a particle is then a few runs of consecutive slots (the scan in
/// `CellListScan.swift`), read as contiguous memory.
@usableFromInline
struct CellList {
  @usableFromInline let dimension: Int
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
  /// The positions of `particles`, slot by slot (flat, `dimension` per slot).
  @usableFromInline let slotPositions: [Double]
  @usableFromInline let cellOfParticle: [Int]
  /// Where each particle sits in `particles`.
  @usableFromInline let slotOfParticle: [Int]
  /// The cell's integer coordinates of every particle (three per particle, the third 0 in 2D):
  /// neighbour cells then follow by additions, never by dividing a cell index.
  @usableFromInline let cellCoordinates: [Int32]
  /// Cell shifts (−1, 0, +1 per axis; three per shift, the third 0 in 2D) that come after
  /// (0, 0, 0) in lexicographic order from the last axis: visiting only these, plus the later
  /// particles of the own cell, meets every pair of adjacent cells exactly once. Without a periodic
  /// wrap they lead to increasing cell indices, so cells that follow each other merge into one run.
  @usableFromInline let forwardShifts: [Int]
  /// An upper bound on the partners one particle can have: the fullest cell's population times
  /// the cells of a half stencil (so a row can be written without checking capacity per pair).
  @usableFromInline let maximumCandidates: Int

  /// Bins and sorts `positions`, writing through the arrays of `storage` (reused from the last
  /// rebuild when the counts are unchanged) and keeping references to them.
  @usableFromInline
  init(positions: [Double], dimension: Int, geometry: CellGeometry, cellSize: Double, threads: Int = 1,
       storage: RebuildStorage) {
    self.dimension = dimension
    let count = positions.count / dimension
    let grid = Self.grid(positions: positions, dimension: dimension, geometry: geometry, cellSize: cellSize)
    self.edges = grid.edges
    self.cellCounts = grid.counts
    self.origin = grid.origin
    self.cellWidths = grid.widths
    let counts = grid.counts

    // Binning divides for every coordinate, so it is split over the threads; it writes every entry
    // of both arrays.
    let periodic = grid.edges != nil
    let (origin, widths, edges) = (grid.origin, grid.widths, grid.edges ?? [])
    resize(&storage.cellOfParticle, to: count, filling: 0)
    resize(&storage.cellCoordinates, to: 3 * count, filling: 0)
    storage.cellOfParticle.withUnsafeMutableBufferPointer { cellOf in
      storage.cellCoordinates.withUnsafeMutableBufferPointer { coordinates in
        positions.withUnsafeBufferPointer { positions in
          nonisolated(unsafe) let (cellOf, coordinates, positions) = (cellOf, coordinates, positions)
          forEachChunk(of: count, threads: threads, minimumChunk: 16_384) { _, particles in
            for i in particles {
              var cell = 0
              for k in (0..<dimension).reversed() {
                // Non-finite or far-away coordinates (a diverging run) still get a cell: the forces
                // will report the problem, the cell list must not trap on it.
                var index: Int
                if periodic {
                  // The cell of the coordinate as the slots store it, wrapped into the box (see
                  // `wrappedCoordinate`), so that a cell's slots lie in the cell.
                  let scaled = wrappedCoordinate(positions[i &* dimension &+ k], period: edges[k]) / widths[k]
                  index = scaled.isFinite ? min(Int(max(0, scaled)), counts[k] - 1) : 0
                } else {
                  let scaled = (positions[i &* dimension &+ k] - origin[k]) / widths[k]
                  // ⌊scaled⌋ by truncation (no libm call), clamped to the grid.
                  let truncated = scaled.isFinite ? Int(max(-1e15, min(1e15, scaled))) : 0
                  index = Double(truncated) > scaled ? truncated - 1 : truncated
                  index = min(max(index, 0), counts[k] - 1)
                }
                coordinates[3 &* i &+ k] = Int32(truncatingIfNeeded: index)
                cell = cell &* counts[k] &+ index
              }
              for k in dimension..<3 { coordinates[3 &* i &+ k] = 0 }
              cellOf[i] = cell
            }
          }
        }
      }
    }
    let fullest = CellSort.sort(cellCount: counts.reduce(1, *), positions: positions, dimension: dimension,
                                edges: grid.edges, threads: threads, storage: storage)
    self.cellStart = storage.cellStart
    self.particles = storage.particles
    self.slotPositions = storage.slotPositions
    self.slotOfParticle = storage.slotOfParticle
    self.cellOfParticle = storage.cellOfParticle
    self.cellCoordinates = storage.cellCoordinates
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
    self.maximumCandidates = fullest * (forward.count / 3 + 1)
  }

  /// The cell grid: cells per axis, their widths and the grid's lower corner.
  static func grid(positions: [Double], dimension: Int, geometry: CellGeometry, cellSize: Double)
    -> (edges: [Double]?, counts: [Int], origin: [Double], widths: [Double])
  {
    let count = positions.count / dimension
    var counts = [Int](repeating: 1, count: dimension)
    var origin = [Double](repeating: 0, count: dimension)
    var widths = [Double](repeating: 1, count: dimension)
    var periodicEdges: [Double]? = nil
    switch geometry {
    case .periodic(let edges):
      periodicEdges = edges
      for k in 0..<dimension {
        let fit = cellSize > 0 ? Int(min(edges[k] / cellSize, Double(1 << 20)).rounded(.down)) : 1
        counts[k] = fit >= 3 ? fit : 1
        widths[k] = edges[k] / Double(counts[k])
      }
    case .free:
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
      if let edges = periodicEdges {
        widths[widest] = edges[widest] / Double(counts[widest])
        if counts[widest] < 3 {
          counts[widest] = 1
          widths[widest] = edges[widest]
        }
      } else {
        widths[widest] *= 2
      }
    }
    return (periodicEdges, counts, origin, widths)
  }
}
