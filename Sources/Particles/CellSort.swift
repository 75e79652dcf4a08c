/// The particles sorted by cell (a counting sort): within a cell they keep increasing index, so the
/// result is the same for any number of threads.
///
/// With several threads each chunk of particles counts its own cells; cell c's slots then go to
/// chunk 0's particles first, then chunk 1's, and so on, which is the serial order.
@usableFromInline
struct CellSort {
  /// Slots of cell c: `cellStart[c] ..< cellStart[c + 1]`.
  let cellStart: [Int]
  /// The particle in every slot.
  let particles: [Int]
  let slotOfParticle: [Int]
  /// The positions of `particles`, slot by slot (flat).
  let slotPositions: [Double]
  /// The population of the fullest cell.
  let fullestCell: Int

  init(cellOfParticle cellOf: [Int], cellCount: Int, positions: [Double], dimension: Int, threads: Int) {
    let count = cellOf.count
    let chunks = max(1, min(threads, count / 16_384))
    let bounds = (0...chunks).map { count * $0 / chunks }
    // next[chunk · cellCount + c]: first the chunk's population of cell c, then the slot its next
    // particle goes to.
    var next = [Int](repeating: 0, count: chunks * cellCount)
    next.withUnsafeMutableBufferPointer { next in
      cellOf.withUnsafeBufferPointer { cellOf in
        nonisolated(unsafe) let (next, cellOf) = (next, cellOf)
        forEachChunk(of: chunks, threads: chunks, minimumChunk: 1) { chunk, _ in
          let counts = next.baseAddress! + chunk * cellCount
          for i in bounds[chunk]..<bounds[chunk + 1] { counts[cellOf[i]] += 1 }
        }
      }
    }
    var start = [Int](repeating: 0, count: cellCount + 1)
    var slot = 0
    var fullest = 0
    for cell in 0..<cellCount {
      start[cell] = slot
      for chunk in 0..<chunks {
        let population = next[chunk * cellCount + cell]
        next[chunk * cellCount + cell] = slot
        slot += population
      }
      fullest = max(fullest, slot - start[cell])
    }
    start[cellCount] = slot
    // Every slot is written once by the scatter below, so the arrays are not zero-filled first.
    var particles = [Int](), slots = [Int](), slotPositions = [Double]()
    next.withUnsafeMutableBufferPointer { next in
      cellOf.withUnsafeBufferPointer { cellOf in
        positions.withUnsafeBufferPointer { positions in
          nonisolated(unsafe) let (next, cellOf, positions) = (next, cellOf, positions)
          particles = [Int](unsafeUninitializedCapacity: count) { particles, particlesWritten in
            slots = [Int](unsafeUninitializedCapacity: count) { slots, slotsWritten in
              slotPositions = [Double](unsafeUninitializedCapacity: count * dimension) { slotPositions, positionsWritten in
                nonisolated(unsafe) let (particles, slots, slotPositions) = (particles, slots, slotPositions)
                forEachChunk(of: chunks, threads: chunks, minimumChunk: 1) { chunk, _ in
                  let nextSlot = next.baseAddress! + chunk * cellCount
                  for i in bounds[chunk]..<bounds[chunk + 1] {
                    let slot = nextSlot[cellOf[i]]
                    nextSlot[cellOf[i]] = slot &+ 1
                    particles[slot] = i
                    slots[i] = slot
                    for k in 0..<dimension { slotPositions[slot &* dimension &+ k] = positions[i &* dimension &+ k] }
                  }
                }
                positionsWritten = count * dimension
              }
              slotsWritten = count
            }
            particlesWritten = count
          }
        }
      }
    }
    self.cellStart = start
    self.particles = particles
    self.slotOfParticle = slots
    self.slotPositions = slotPositions
    self.fullestCell = fullest
  }
}
