import Foundation

/// The ranges a system file's numbers must lie in, checked when the file is read so that a value
/// which would overflow, underflow or exhaust memory later is named at once instead of surfacing as
/// "positions contain NaN" after a thousand steps.
extension ParticleSystem {
  /// Lengths (diameters, σ table, box edges) in 10⁻¹⁰ … 10¹⁰: the squares, fourth powers and
  /// cell counts built from them stay finite and normal in double precision.
  public static let lengthRange: ClosedRange<Double> = 1e-10...1e10
  /// Energies ε in 10⁻³⁰ … 10³⁰: N ε (1 − r/σ)^α and its derivatives stay finite for any N that fits
  /// in memory.
  public static let energyRange: ClosedRange<Double> = 1e-30...1e30

  /// Species per system: the σ table has one entry per pair of them.
  public static let maximumSpeciesCount = 1024

  /// Bytes one particle needs at the least while minimising: positions, velocities, forces, the
  /// neighbour list's reference positions and rows, the cell sort: lower bounds of the peak
  /// measured at N = 10⁶ (docs/benchmarks.md, "Memory per particle").
  static func minimumBytesPerParticle(dimension: Int) -> Int { dimension == 2 ? 256 : 384 }

  static func checkLength(_ value: Double, field: String) throws(SystemError) {
    guard value.isFinite, lengthRange.contains(value) else {
      throw SystemError("\(field) must be a length from \(lengthRange.lowerBound) to \(lengthRange.upperBound), got \(value)")
    }
  }

  static func checkEnergy(_ value: Double, field: String) throws(SystemError) {
    guard value.isFinite, energyRange.contains(value) else {
      throw SystemError("\(field) must be an energy from \(energyRange.lowerBound) to \(energyRange.upperBound), got \(value)")
    }
  }

  /// Σ counts, refusing a sum that does not fit in an Int.
  static func particleCount(_ counts: [Int]) throws(SystemError) -> Int {
    var total = 0
    for count in counts {
      let (sum, overflow) = total.addingReportingOverflow(count)
      guard !overflow else { throw SystemError("species: the counts add up to more than \(Int.max) particles") }
      total = sum
    }
    return total
  }

  /// Refuses a system whose arrays alone could not fit in this machine's memory, before any of
  /// them is allocated (an allocation of terabytes aborts the process instead of throwing).
  static func checkMemory(particleCount: Int, dimension: Int) throws(SystemError) {
    let (needed, overflow) = particleCount.multipliedReportingOverflow(by: minimumBytesPerParticle(dimension: dimension))
    let available = physicalMemory()
    guard overflow || needed > available else { return }
    let amount = overflow ? "more than \(Int.max) bytes" : "at least \(needed) bytes (\(gibibytes(needed)) GiB)"
    throw SystemError("species: \(particleCount) particles need \(amount) of memory; this machine has \(available) bytes (\(gibibytes(available)) GiB)")
  }

  static func physicalMemory() -> Int {
    let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, size > 0 else { return Int.max }
    let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
    return overflow ? Int.max : bytes
  }

  private static func gibibytes(_ bytes: Int) -> String {
    String(format: "%.1f", Double(bytes) / Double(1 << 30))
  }
}
