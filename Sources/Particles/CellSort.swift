/// The particles sorted by cell (a counting sort): within a cell they keep increasing index, so the
/// result is the same for any number of threads.
///
/// With several threads each chunk of particles counts its own cells; cell c's slots then go to
/// chunk 0's particles first, then chunk 1's, and so on, which is the serial order.
@usableFromInline
enum CellSort {
  /// Sorts the particles of `storage.cellOfParticle` by cell into `storage`: `cellStart` (slots of
  /// cell c: `cellStart[c] ..< cellStart[c + 1]`), `particles` (the particle in every slot),
  /// `slotOfParticle` and `slotPositions` (the positions slot by slot, flat; with periodic `edges`
  /// wrapped into the box by `wrappedCoordinate(_:period:)`). Returns the population of the
  /// fullest cell.
  static func sort(cellCount: Int, positions: [Double], dimension: Int, edges: [Double]?, threads: Int,
                   storage: RebuildStorage) -> Int {
    let count = storage.cellOfParticle.count
    let chunks = max(1, min(threads, count / 16_384))
    let bounds = (0...chunks).map { count * $0 / chunks }
    // counters[chunk · cellCount + c]: first the chunk's population of cell c, then the slot its
    // next particle goes to.
    resize(&storage.sortCounters, to: chunks * cellCount, filling: 0)
    resize(&storage.cellStart, to: cellCount + 1, filling: 0)
    // Every slot is written once by the scatter below.
    resize(&storage.particles, to: count, filling: 0)
    resize(&storage.slotOfParticle, to: count, filling: 0)
    resize(&storage.slotPositions, to: count * dimension, filling: 0)
    var fullest = 0
    let (periodic, lengths) = (edges != nil, edges ?? [])
    storage.sortCounters.withUnsafeMutableBufferPointer { next in
      storage.cellOfParticle.withUnsafeBufferPointer { cellOf in
        nonisolated(unsafe) let (next, cellOf) = (next, cellOf)
        forEachChunk(of: chunks, threads: chunks, minimumChunk: 1) { chunk, _ in
          let counts = next.baseAddress! + chunk * cellCount
          counts.update(repeating: 0, count: cellCount)
          for i in bounds[chunk]..<bounds[chunk + 1] { counts[cellOf[i]] += 1 }
        }
        storage.cellStart.withUnsafeMutableBufferPointer { start in
          var slot = 0
          for cell in 0..<cellCount {
            start[cell] = slot
            for chunk in 0..<chunks {
              let population = next[chunk &* cellCount &+ cell]
              next[chunk &* cellCount &+ cell] = slot
              slot &+= population
            }
            fullest = max(fullest, slot - start[cell])
          }
          start[cellCount] = slot
        }
        storage.particles.withUnsafeMutableBufferPointer { particles in
          storage.slotOfParticle.withUnsafeMutableBufferPointer { slots in
            storage.slotPositions.withUnsafeMutableBufferPointer { slotPositions in
              positions.withUnsafeBufferPointer { positions in
                nonisolated(unsafe) let (particles, slots, slotPositions, positions) =
                  (particles, slots, slotPositions, positions)
                forEachChunk(of: chunks, threads: chunks, minimumChunk: 1) { chunk, _ in
                  let nextSlot = next.baseAddress! + chunk * cellCount
                  for i in bounds[chunk]..<bounds[chunk + 1] {
                    let slot = nextSlot[cellOf[i]]
                    nextSlot[cellOf[i]] = slot &+ 1
                    particles[slot] = i
                    slots[i] = slot
                    for k in 0..<dimension {
                      let x = positions[i &* dimension &+ k]
                      slotPositions[slot &* dimension &+ k] = periodic ? wrappedCoordinate(x, period: lengths[k]) : x
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return fullest
  }
}
