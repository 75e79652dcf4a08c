import DualNumbers

/// A Verlet list: every pair closer than r_c(i, j) + skin when the list was built, stored once (in
/// the row of one of its two particles, as a half stencil of the cell list finds it), row by row
/// (compressed sparse rows). Within a row, the partners closer than r_c(i, j) at the build come
/// first and those only within the skin after them, each group in the cell list's order: the pair
/// loop's test r < r_c then meets a run of hits followed by a run of misses, which the branch
/// predictor follows, instead of an unpredictable mix (in 3D a large share of the listed pairs lie
/// in the skin, whose shell is wide against the contact sphere).
///
/// Before that order comes another: a row holds its interior pairs first, up to ``interiorEnd``
/// (their separation needs no periodic image while the list holds; see `InteriorPairs`), then the
/// others, each group ordered as above.
///
/// The list stays valid, in the sense that it contains every pair closer than r_c(i, j), until the
/// two particles that moved most since the build have together moved more than the skin (no gap
/// has then closed by more than the skin; see `DriftTest`).
/// ``update(positions:boundary:cutoffRatio:diameters:)`` checks that and rebuilds through a cell
/// list. Storage grows with the number of pairs, so there is no fixed capacity to overflow.
public struct NeighbourList: Sendable {
  /// Extra range beyond each pair's cutoff (length units).
  public let skin: Double
  /// Row offsets: the neighbours of particle i are `neighbours[rowStart[i] ..< rowStart[i+1]]`.
  public internal(set) var rowStart: [Int32]
  /// Partner indices, row by row; each pair appears in exactly one of its two rows.
  public internal(set) var neighbours: [Int32]
  /// Row i's interior pairs are `neighbours[rowStart[i] ..< interiorEnd[i]]` (`InteriorPairs`); empty
  /// when the pairs were not sorted so (a list assembled by hand or filtered).
  public internal(set) var interiorEnd: [Int32] = []
  /// The cell the interior pairs were found in: they are interior only in that cell.
  @usableFromInline var interiorGeometry: CellGeometry?
  /// How many times the list has been built (for reports and tests).
  public internal(set) var buildCount = 0
  /// Positions (primal values, flat) at the last build: displacements are measured from here.
  @usableFromInline var referencePositions: [Double] = []
  /// Threads used for building.
  public var threads: Int
  /// Scratch arrays kept between rebuilds (see ``RebuildStorage``).
  @usableFromInline var storage = RebuildStorage()

  /// An empty list; the first ``update(positions:boundary:cutoffRatio:diameters:)`` builds it.
  public init(skin: Double, threads: Int = ThreadCount.available) {
    precondition(skin >= 0 && skin.isFinite, "the neighbour-list skin must be finite and non-negative")
    self.skin = skin
    self.threads = threads
    self.rowStart = [0]
    self.neighbours = []
  }

  /// Every pair i < j, no distance test: the brute-force reference of tests.
  public static func allPairs(particleCount: Int) -> NeighbourList {
    var list = NeighbourList(skin: .infinity.nextDown, threads: 1)
    list.rowStart = [0]
    list.neighbours = []
    for i in 0..<particleCount {
      for j in (i + 1)..<max(i + 1, particleCount) { list.neighbours.append(Int32(j)) }
      list.rowStart.append(Int32(list.neighbours.count))
    }
    list.buildCount = 1
    return list
  }

  /// The number of particles the list was built for.
  public var particleCount: Int { rowStart.count - 1 }

  /// The same list without any pair that involves one of `excluded`: evaluating forces with it
  /// describes the system with those particles taken out (their pair terms dropped from everyone
  /// else's forces and Hessian blocks). Meant for evaluations at the configuration it was built for;
  /// an ``update(positions:boundary:cutoffRatio:diameters:)`` that rebuilds restores every pair.
  public func removingPairs(involving excluded: some Sequence<Int>) -> NeighbourList {
    var isExcluded = [Bool](repeating: false, count: particleCount)
    for particle in excluded where isExcluded.indices.contains(particle) { isExcluded[particle] = true }
    var list = self
    var start: [Int32] = [0]
    start.reserveCapacity(rowStart.count)
    var kept = [Int32]()
    kept.reserveCapacity(neighbours.count)
    for i in 0..<particleCount {
      if !isExcluded[i] {
        for slot in Int(rowStart[i])..<Int(rowStart[i + 1]) where !isExcluded[Int(neighbours[slot])] {
          kept.append(neighbours[slot])
        }
      }
      start.append(Int32(kept.count))
    }
    list.rowStart = start
    list.neighbours = kept
    list.interiorEnd = []
    list.interiorGeometry = nil
    return list
  }

  /// Whether the rows start with interior pairs that hold in the cell `geometry` (the one they were
  /// found in).
  @inlinable
  public func hasInteriorPairs(in geometry: CellGeometry) -> Bool {
    interiorEnd.count == particleCount && interiorGeometry == geometry
  }

  /// The number of stored pairs.
  public var pairCount: Int { neighbours.count }

  /// Rebuilds the list when it is empty, when the particle count changed, or when the two particles
  /// that moved most since the last build moved more than the skin together. Returns whether it
  /// rebuilt.
  @inlinable @discardableResult
  public mutating func update<B: Boundary, R: InteractionDiameters>(
    positions: [B.Scalar], boundary: B, cutoffRatio: Double, diameters: R
  ) -> Bool {
    let dimension = B.Dimension.count
    let count = positions.count / dimension
    if buildCount > 0 && count == particleCount && referencePositions.count == positions.count
      && !movedTooFar(positions, boundary: boundary) {
      return false
    }
    storeReference(positions)
    build(positions: referencePositions, geometry: boundary.cellGeometry, B.Dimension.self,
          cutoffRatio: cutoffRatio, diameters: diameters)
    return true
  }

  /// Copies the primal values of `positions` into ``referencePositions``, in place when the count is
  /// unchanged (no fresh pages to fault in) and split over the threads.
  @inlinable
  mutating func storeReference<Scalar: RealScalar>(_ positions: [Scalar]) {
    if referencePositions.count != positions.count {
      referencePositions = [Double](repeating: 0, count: positions.count)
    }
    positions.withUnsafeBufferPointer { positions in
      referencePositions.withUnsafeMutableBufferPointer { reference in
        nonisolated(unsafe) let (source, reference) = (positions, reference)
        forEachChunk(of: source.count, threads: threads, minimumChunk: 32_768) { _, range in
          for index in range { reference[index] = source[index].primalValue }
        }
      }
    }
  }

  /// d₁ + d₂ > skin for the two largest minimum-image displacements since the build (`DriftTest`);
  /// split over the threads for large systems.
  @inlinable
  func movedTooFar<B: Boundary>(_ positions: [B.Scalar], boundary: B) -> Bool {
    let dimension = B.Dimension.count
    let test = DriftTest(skin: skin, geometry: boundary.cellGeometry)
    let largest = positions.withUnsafeBufferPointer { current in
      referencePositions.withUnsafeBufferPointer { reference in
        nonisolated(unsafe) let (current, reference) = (current, reference)
        return mapChunks(of: current.count / dimension, threads: threads, minimumChunk: 16_384) { particles in
          var largest = LargestDisplacements()
          for i in particles {
            let position = SpatialVector(current, particle: i, B.Dimension.self)
            largest.include(test.squaredDisplacement(position, particle: i, from: reference, B.Dimension.self,
                                                      wrapped: false))
          }
          return largest
        }.reduce(LargestDisplacements()) { $0.merged(with: $1) }
      }
    }
    return !test.keepsList(largest)
  }

  /// Whether the list was built for `count` particles (so that a drift can be measured against it).
  @inlinable
  public func isBuilt(forParticleCount count: Int, dimension: Int) -> Bool {
    buildCount > 0 && particleCount == count && referencePositions.count == count * dimension
  }

  /// Runs `body` with the positions of the last build (flat, primal values).
  @inlinable
  func withReferencePositions<Result>(_ body: (UnsafeBufferPointer<Double>) -> Result) -> Result {
    referencePositions.withUnsafeBufferPointer(body)
  }

  @inlinable
  mutating func build<D: SpatialDimension, R: InteractionDiameters>(
    positions: [Double], geometry: CellGeometry, _: D.Type, cutoffRatio: Double, diameters: R
  ) {
    if !isKnownUniquelyReferenced(&storage) { storage = RebuildStorage() }
    let storage = self.storage
    let dimension = D.count
    let cells = CellList(positions: positions, dimension: dimension, geometry: geometry,
                         cellSize: cutoffRatio * diameters.largestDiameter + skin, threads: threads, storage: storage)
    let count = positions.count / dimension
    let skin = self.skin
    let chunks = max(1, min(threads, count / 2048))
    let bounds = (0...chunks).map { count * $0 / chunks }
    // Row lengths first (rowStart[i + 1] = length of row i, summed afterwards); each chunk of
    // particles writes its rows into its own buffer, copied into place once the offsets are known.
    // Both the buffers and the list's own arrays are reused from the last build.
    var start = takeRowStart()
    resize(&start, to: count + 1, filling: 0)
    start[0] = 0
    var interior = takeInteriorEnd()
    resize(&interior, to: count, filling: 0)
    let interiorPairs = InteriorPairs(skin: skin, geometry: geometry)
    var lengths = [Int](repeating: 0, count: chunks)
    storage.prepareRowBuffers(chunks: chunks)
    let initialCapacity = neighbours.count * 5 / (4 * max(1, count)) + 8
    start.withUnsafeMutableBufferPointer { start in
      lengths.withUnsafeMutableBufferPointer { lengths in
        storage.rowBuffers.withUnsafeMutableBufferPointer { buffers in
          interior.withUnsafeMutableBufferPointer { interior in
            positions.withUnsafeBufferPointer { positions in
              nonisolated(unsafe) let (start, lengths, buffers) = (start, lengths, buffers)
              nonisolated(unsafe) let (interior, positions) = (interior, positions)
              forEachChunk(of: chunks, threads: chunks, minimumChunk: 1) { chunk, _ in
                let range = bounds[chunk]..<bounds[chunk + 1]
                // Rows are written through a pointer with room for the fullest possible row ahead.
                let reserve = cells.maximumCandidates
                if buffers[chunk].capacity < range.count * initialCapacity + reserve {
                  buffers[chunk].pointer.deallocate()
                  let capacity = range.count * initialCapacity + reserve
                  buffers[chunk] = (.allocate(capacity: capacity), capacity)
                }
                var (found, capacity) = buffers[chunk]
                var total = 0
                // Scratch for a row's partners within the skin only, appended after those in range.
                let skinOnly = UnsafeMutablePointer<Int32>.allocate(capacity: reserve)
                defer { skinOnly.deallocate() }
                cells.withTables { tables in
                  for i in range {
                    if total + reserve > capacity {
                      let larger = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * capacity)
                      larger.update(from: found, count: total)
                      found.deallocate()
                      found = larger
                      capacity *= 2
                      buffers[chunk] = (found, capacity)
                    }
                    let before = total
                    total = cells.appendPartners(of: i, D.self, tables: tables, cutoffRatio: cutoffRatio, skin: skin,
                                                 diameters: diameters, into: found, count: total, skinOnly: skinOnly)
                    start[i + 1] = Int32(total - before)
                    // The scratch of the skin-only partners is free again: it takes the row's others.
                    interior[i] = !interiorPairs.isInterior(particle: i, in: positions, D.self) ? 0
                      : Int32(interiorPairs.partition(found + before, count: total - before, of: i, positions: positions,
                                                      D.self, scratch: skinOnly))
                  }
                }
                lengths[chunk] = total
              }
              for i in 0..<count {
                interior[i] &+= start[i]
                start[i + 1] &+= start[i]
              }
            }
          }
        }
      }
    }
    let total = Int(start[count])
    var flat = takeNeighbours()
    if flat.count != total {
      flat.removeAll(keepingCapacity: true)
      flat.append(contentsOf: repeatElement(0, count: total))
    }
    flat.withUnsafeMutableBufferPointer { flat in
      storage.rowBuffers.withUnsafeBufferPointer { buffers in
        nonisolated(unsafe) let (flat, buffers) = (flat, buffers)
        let offsets = bounds.map { Int(start[$0]) }
        forEachChunk(of: chunks, threads: chunks, minimumChunk: 1) { chunk, _ in
          (flat.baseAddress! + offsets[chunk]).update(from: buffers[chunk].pointer, count: lengths[chunk])
        }
      }
    }
    install(rowStart: start, neighbours: flat, interiorEnd: interior, geometry: geometry)
  }

  /// The row offsets, moved out (the list is empty until ``install(rowStart:neighbours:)``) so that
  /// a rebuild writes into their storage without a copy.
  @usableFromInline
  mutating func takeRowStart() -> [Int32] {
    var taken = [Int32]()
    swap(&taken, &rowStart)
    return taken
  }

  /// The interior ends, moved out as ``takeRowStart()``.
  @usableFromInline
  mutating func takeInteriorEnd() -> [Int32] {
    var taken = [Int32]()
    swap(&taken, &interiorEnd)
    return taken
  }

  /// The partner indices, moved out as ``takeRowStart()``.
  @usableFromInline
  mutating func takeNeighbours() -> [Int32] {
    var taken = [Int32]()
    swap(&taken, &neighbours)
    return taken
  }

  /// Stores a freshly built list (the setters are not part of the inlinable interface).
  @usableFromInline
  mutating func install(rowStart start: [Int32], neighbours flat: [Int32], interiorEnd ends: [Int32],
                        geometry: CellGeometry) {
    rowStart = start
    neighbours = flat
    interiorEnd = ends
    interiorGeometry = geometry
    buildCount += 1
  }
}
