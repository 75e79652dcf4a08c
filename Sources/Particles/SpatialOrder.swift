/// Particle orderings that keep neighbours close in memory.
///
/// The pair loop reads the positions of every particle's partners; with particles numbered at
/// random those reads miss the cache once the system outgrows it (from ~10⁵ particles in 2D the
/// cost per pair doubles). Numbering particles cell by cell, in the row-major order of a grid of
/// cells about one interaction range wide, puts most partners within a few hundred entries.
/// Minimised packings barely move after the first steps, so ordering once at the start suffices.
public enum SpatialOrder {
  /// A permutation p such that particle k of the reordered system is particle p[k] of the original,
  /// sorted by the cell (of side ≥ `cellSize`) each particle's position falls in.
  ///
  /// - Parameters:
  ///   - positions: flat [x₀, y₀, (z₀,) x₁, ...].
  ///   - dimension: d, 2 or 3.
  ///   - cellSize: the smallest cell side (length units), usually the cutoff plus the skin.
  ///   - edges: the box edges; positions outside [0, L) are wrapped for the purpose of sorting.
  public static func cellOrder(positions: [Double], dimension: Int, edges: [Double], cellSize: Double) -> [Int] {
    let count = positions.count / dimension
    let cellsPerAxis = edges.map { max(1, Int(($0 / max(cellSize, .leastNormalMagnitude)).rounded(.down))) }
    var keys = [Int](repeating: 0, count: count)
    for i in 0..<count {
      var key = 0
      for k in (0..<dimension).reversed() {
        let fraction = positions[i * dimension + k] / edges[k]
        let wrapped = fraction - fraction.rounded(.down)
        let index = fraction.isFinite ? min(cellsPerAxis[k] - 1, Int(wrapped * Double(cellsPerAxis[k]))) : 0
        key = key * cellsPerAxis[k] + index
      }
      keys[i] = key
    }
    // A stable sort keeps the original order within a cell: deterministic on every machine.
    return (0..<count).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
  }

  /// Applies a permutation to per-particle rows of `width` values: row k of the result is row p[k].
  public static func permuted<T>(_ values: [T], by permutation: [Int], width: Int = 1) -> [T] {
    var result = [T]()
    result.reserveCapacity(values.count)
    for source in permutation { result.append(contentsOf: values[(source * width)..<((source + 1) * width)]) }
    return result
  }

  /// Undoes ``permuted(_:by:width:)``: row p[k] of the result is row k of `values`.
  public static func restored<T>(_ values: [T], from permutation: [Int], width: Int = 1) -> [T] {
    var result = values
    for (target, source) in permutation.enumerated() {
      for offset in 0..<width { result[source * width + offset] = values[target * width + offset] }
    }
    return result
  }
}
