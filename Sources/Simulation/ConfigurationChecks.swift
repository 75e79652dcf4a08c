import Foundation

/// Checks of a configuration read from a file, made before anything is computed from it: a
/// coordinate far outside the box wraps to a meaningless number, and two particles at the same
/// place give r = 0 and a force of 0/0.
extension ParticleSystem {
  /// Coordinates may lie outside the box (they are wrapped), but not beyond this many box lengths:
  /// farther out, wrapping loses the digits that place the particle.
  public static let coordinateLimitInBoxLengths = 1e6

  /// Throws naming the first particle whose coordinate is not finite or lies beyond
  /// ``coordinateLimitInBoxLengths`` box lengths, or the first pair of particles at the same place
  /// (after wrapping into the box when periodic).
  public func checkConfiguration(_ positions: [Double], origin: String) throws(SystemError) {
    guard positions.count == particleCount * dimension else {
      throw SystemError("\(origin): \(positions.count / max(dimension, 1)) particles, the system has \(particleCount)")
    }
    for (index, coordinate) in positions.enumerated() {
      let edge = boxEdges[index % dimension]
      guard coordinate.isFinite, abs(coordinate) <= Self.coordinateLimitInBoxLengths * edge else {
        throw SystemError("\(origin): particle \(index / dimension) has coordinate \(index % dimension) = \(coordinate), farther than \(Self.coordinateLimitInBoxLengths) box lengths (\(edge)) from the box")
      }
    }
    if let (first, second) = coincidentPair(positions) {
      throw SystemError("\(origin): particles \(first) and \(second) are at the same place \(Array(positions[(first * dimension)..<((first + 1) * dimension)])); their pair force would be 0/0")
    }
  }

  /// The first two particles with identical (wrapped) coordinates, found by sorting: O(N log N).
  func coincidentPair(_ positions: [Double]) -> (Int, Int)? {
    let wrapped: [Double] = periodic
      ? positions.indices.map { index in
          let edge = boxEdges[index % dimension]
          let inside = positions[index] - edge * (positions[index] / edge).rounded(.down)
          return inside >= edge ? 0 : inside
        }
      : positions
    func coordinates(_ particle: Int) -> ArraySlice<Double> {
      wrapped[(particle * dimension)..<((particle + 1) * dimension)]
    }
    let order = (0..<particleCount).sorted { coordinates($0).lexicographicallyPrecedes(coordinates($1)) }
    for (a, b) in zip(order, order.dropFirst()) where coordinates(a) == coordinates(b) {
      return (min(a, b), max(a, b))
    }
    return nil
  }
}
