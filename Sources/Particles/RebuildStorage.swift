/// The scratch arrays of a neighbour-list rebuild, kept from one rebuild to the next.
///
/// A rebuild bins, sorts and scans through several arrays of N entries. Allocated afresh each time,
/// their pages are handed back to the kernel when freed and faulted in again, zero-filled, by the
/// next rebuild: on this project's virtual machines that took a third of a two-thread rebuild at
/// N = 10⁵, and grew with the thread count (concurrent faults contend in the kernel). Kept here,
/// they are written in place. A ``NeighbourList`` owns one; a copy of the list that rebuilds while
/// the storage is shared takes a fresh one, so copies never write each other's scratch.
@usableFromInline
final class RebuildStorage: @unchecked Sendable {
  /// Cell index of every particle.
  @usableFromInline var cellOfParticle: [Int] = []
  /// Integer cell coordinates, three per particle.
  @usableFromInline var cellCoordinates: [Int32] = []
  /// Per-chunk cell counts, then next free slots, of the counting sort.
  @usableFromInline var sortCounters: [Int] = []
  @usableFromInline var cellStart: [Int] = []
  @usableFromInline var particles: [Int] = []
  @usableFromInline var slotOfParticle: [Int] = []
  @usableFromInline var slotPositions: [Double] = []
  /// Each chunk's rows, written before the offsets are known (pointer and capacity).
  @usableFromInline var rowBuffers: [(pointer: UnsafeMutablePointer<Int32>, capacity: Int)] = []

  @usableFromInline init() {}

  deinit {
    for buffer in rowBuffers { buffer.pointer.deallocate() }
  }

  /// Makes room for `chunks` row buffers (the first use of each allocates it).
  @usableFromInline
  func prepareRowBuffers(chunks: Int) {
    while rowBuffers.count < chunks { rowBuffers.append((.allocate(capacity: 1), 1)) }
  }
}

/// `array` with exactly `count` entries, reusing its storage when the count is unchanged (the
/// entries are then stale: callers overwrite every one).
@inlinable
func resize<Element>(_ array: inout [Element], to count: Int, filling value: Element) {
  if array.count != count { array = [Element](repeating: value, count: count) }
}
