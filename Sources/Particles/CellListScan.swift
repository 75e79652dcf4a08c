import DualNumbers

// The inner loop of every neighbour-list rebuild: the partners of one particle from the half
// stencil of its cell.

extension CellList {
  /// Writes to `found[count...]` every partner j of i within cutoffRatio·σᵢⱼ + skin and returns the
  /// new count, from a half stencil: the particles after i in its own cell and every particle of the
  /// forward adjacent cells, so that over all i each pair is met once. The partners within
  /// cutoffRatio·σᵢⱼ come first, those only within the skin after them (gathered in `skinOnly` on the
  /// way; see ``NeighbourList``). `found` and `skinOnly` must have room for ``maximumCandidates`` more
  /// entries.
  ///
  /// Cells whose indices follow each other are consecutive in slot order, so they are scanned as one
  /// run: in 2D the own cell and its +x neighbour form one run and the three cells of the next row
  /// another (two loops instead of five), in 3D five runs instead of fourteen. Each short loop ends
  /// in a mispredicted branch, which costs more than the few candidates it scans. The runs visit the
  /// cells in the same order as one loop per cell, so the rows are the same.
  @inlinable
  func appendPartners<D: SpatialDimension, Diameters: InteractionDiameters>(
    of i: Int, _: D.Type, tables: Tables, cutoffRatio: Double, skin: Double, diameters: Diameters,
    into found: UnsafeMutablePointer<Int32>, count: Int, skinOnly: UnsafeMutablePointer<Int32>
  ) -> Int {
    var skinOnlyCount = 0
    let cell = tables.cellOfParticle[i]
    let ownSlot = tables.slotOfParticle[i]
    var count = count
    var run = (ownSlot + 1)..<tables.cellStart[cell + 1]
    var lastCell = cell
    let x = Int(tables.cellCoordinates[3 &* i])
    let y = Int(tables.cellCoordinates[3 &* i &+ 1])
    let z = Int(tables.cellCoordinates[3 &* i &+ 2])
    let (countX, countY, countZ) = tables.cellCounts
    let shifts = tables.forwardShifts
    let (edgeX, edgeY, edgeZ) = tables.edges
    // The image of a run's cells: partners in a cell reached across a periodic face lie one edge
    // away along that axis (the slots hold positions wrapped into the box), the same for the run.
    var image = (0.0, 0.0, 0.0)
    var runImage = image
    var offset = 0
    while offset < shifts.count {
      var nx = x &+ shifts[offset]
      var ny = y &+ shifts[offset &+ 1]
      var nz = z &+ shifts[offset &+ 2]
      offset &+= 3
      if tables.periodic {
        image = (0, 0, 0)
        if nx < 0 { nx &+= countX; image.0 = -edgeX } else if nx >= countX { nx &-= countX; image.0 = edgeX }
        if ny < 0 { ny &+= countY; image.1 = -edgeY } else if ny >= countY { ny &-= countY; image.1 = edgeY }
        if D.count == 3 {
          if nz < 0 { nz &+= countZ; image.2 = -edgeZ } else if nz >= countZ { nz &-= countZ; image.2 = edgeZ }
        }
      } else if nx < 0 || nx >= countX || ny < 0 || ny >= countY || (D.count == 3 && (nz < 0 || nz >= countZ)) {
        continue
      }
      let neighbour = nx &+ countX &* (ny &+ countY &* nz)
      if neighbour == lastCell &+ 1 && image == runImage {
        run = run.lowerBound..<tables.cellStart[neighbour &+ 1]
      } else {
        count = scan(run, image: runImage, from: i, slot: ownSlot, D.self, tables: tables, cutoffRatio: cutoffRatio,
                     skin: skin, diameters: diameters, into: found, count: count, skinOnly: skinOnly,
                     skinOnlyCount: &skinOnlyCount)
        run = tables.cellStart[neighbour]..<tables.cellStart[neighbour &+ 1]
        runImage = image
      }
      lastCell = neighbour
    }
    count = scan(run, image: runImage, from: i, slot: ownSlot, D.self, tables: tables, cutoffRatio: cutoffRatio,
                 skin: skin, diameters: diameters, into: found, count: count, skinOnly: skinOnly,
                 skinOnlyCount: &skinOnlyCount)
    (found + count).update(from: skinOnly, count: skinOnlyCount)
    return count &+ skinOnlyCount
  }

  /// The arrays the inner loop reads, as buffer pointers valid inside ``withTables(_:)``.
  @usableFromInline
  struct Tables {
    @usableFromInline let slotPositions: UnsafeBufferPointer<Double>
    @usableFromInline let particles: UnsafeBufferPointer<Int>
    @usableFromInline let cellStart: UnsafeBufferPointer<Int>
    @usableFromInline let cellOfParticle: UnsafeBufferPointer<Int>
    @usableFromInline let slotOfParticle: UnsafeBufferPointer<Int>
    @usableFromInline let cellCoordinates: UnsafeBufferPointer<Int32>
    @usableFromInline let forwardShifts: UnsafeBufferPointer<Int>
    /// Cells along each axis (1 for an absent third axis).
    @usableFromInline let cellCounts: (Int, Int, Int)
    /// Box edges (periodic); zero in free space.
    @usableFromInline let edges: (Double, Double, Double)
    @usableFromInline let periodic: Bool
    /// Periodic with a single cell along some axis (a box under three reaches wide).
    @usableFromInline let folded: Bool

    @inlinable
    init(slotPositions: UnsafeBufferPointer<Double>, particles: UnsafeBufferPointer<Int>,
         cellStart: UnsafeBufferPointer<Int>, cellOfParticle: UnsafeBufferPointer<Int>,
         slotOfParticle: UnsafeBufferPointer<Int>, cellCoordinates: UnsafeBufferPointer<Int32>,
         forwardShifts: UnsafeBufferPointer<Int>, cellCounts: [Int], edges: [Double]?) {
      self.slotPositions = slotPositions
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
      self.periodic = edges != nil
      self.folded = edges != nil && cellCounts.contains(1)
    }
  }

  /// Runs `body` with the tables of this cell list.
  @inlinable
  func withTables<Result>(_ body: (Tables) -> Result) -> Result {
    slotPositions.withUnsafeBufferPointer { slotPositions in
      particles.withUnsafeBufferPointer { particles in
        cellStart.withUnsafeBufferPointer { cellStart in
          cellOfParticle.withUnsafeBufferPointer { cellOfParticle in
            slotOfParticle.withUnsafeBufferPointer { slotOfParticle in
              cellCoordinates.withUnsafeBufferPointer { cellCoordinates in
                forwardShifts.withUnsafeBufferPointer { forwardShifts in
                  body(Tables(slotPositions: slotPositions, particles: particles, cellStart: cellStart,
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

  /// The partners of i (in slot `slot`) among the particles of `slots`, whose cells lie across the
  /// periodic faces `image` (signed edges, zero where no face is crossed).
  ///
  /// With three or more cells along every periodic axis the cells are at least a reach wide and at
  /// most a third of the box, so a candidate within reach is d − image away, which is then its
  /// minimum image bit for bit, and a candidate d − image beyond reach is beyond it in every image:
  /// the run's image replaces a minimum image per candidate and axis. A box folded to one cell along
  /// an axis holds partners of several images in one cell; there the minimum image is taken per
  /// candidate.
  @inlinable @inline(__always)
  func scan<D: SpatialDimension, Diameters: InteractionDiameters>(
    _ slots: Range<Int>, image: (Double, Double, Double), from i: Int, slot: Int, _: D.Type, tables: Tables,
    cutoffRatio: Double, skin: Double, diameters: Diameters, into found: UnsafeMutablePointer<Int32>,
    count start: Int, skinOnly: UnsafeMutablePointer<Int32>, skinOnlyCount: inout Int
  ) -> Int {
    var count = start
    let base = slot &* D.count
    let xi = tables.slotPositions[base]
    let yi = tables.slotPositions[base &+ 1]
    let zi = D.count == 3 ? tables.slotPositions[base &+ 2] : 0
    let folded = tables.folded
    for slot in slots {
      let j = tables.particles[slot]
      let other = slot &* D.count
      var dx = xi - tables.slotPositions[other]
      var dy = yi - tables.slotPositions[other &+ 1]
      var dz = D.count == 3 ? zi - tables.slotPositions[other &+ 2] : 0
      if folded {
        dx = minimumImage(dx, period: tables.edges.0)
        dy = minimumImage(dy, period: tables.edges.1)
        if D.count == 3 { dz = minimumImage(dz, period: tables.edges.2) }
      } else {
        dx -= image.0
        dy -= image.1
        if D.count == 3 { dz -= image.2 }
      }
      let squared = dx * dx + dy * dy + dz * dz
      let cutoff = cutoffRatio * diameters.diameter(i, j).primalValue
      let reach = cutoff + skin
      // Written to both places always, kept by counting the comparisons' bits: a third or more of
      // the candidates are out of range, unpredictably, and a mispredicted branch costs more than
      // the stores.
      let withinCutoff = squared < cutoff * cutoff
      let withinReach = squared < reach * reach
      found[count] = Int32(truncatingIfNeeded: j)
      skinOnly[skinOnlyCount] = Int32(truncatingIfNeeded: j)
      count &+= Int(unsafeBitCast(withinCutoff, to: UInt8.self))
      skinOnlyCount &+= Int(unsafeBitCast(withinReach, to: UInt8.self) & (unsafeBitCast(withinCutoff, to: UInt8.self) ^ 1))
    }
    return count
  }
}
