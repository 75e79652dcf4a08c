import Models

/// The radial distribution function g(r) of a configuration, from the pairs the cell list finds:
///
///     g(r) = V / (N (N − 1) / 2) · n(r) / v_shell(r),
///
/// n(r) the number of pairs i < j with a minimum-image distance in the shell [r, r + Δr) and
/// v_shell its area (2D) or volume (3D); g → 1 at large r in an uncorrelated system.
public struct PairCorrelation: Sendable {
  /// Shell centres (length units).
  public let distances: [Double]
  public let values: [Double]

  /// g(r) of `model`'s particles at `positions` on `bins` shells up to `maximumDistance`.
  public init(model: ParticleModel, positions: [Double], maximumDistance: Double, bins: Int = 200) {
    // A soft sphere of diameter r_max between every pair makes the neighbour list (cell list) and
    // the force loop's geometry visit exactly the pairs closer than r_max.
    var reach = model
    reach.diameters = .particles([Double](repeating: maximumDistance, count: model.particleCount))
    reach.potential = .softSphere(epsilon: 1, alpha: 2)
    let width = maximumDistance / Double(bins)
    var counts = [Double](repeating: 0, count: bins)
    let kernels = reach.kernels()
    kernels.forEachInteractingPair(positions, reach.neighbourList(at: positions, skin: 0.01 * maximumDistance)) { pair in
      let bin = Int(pair.distance / width)
      if bin < bins { counts[bin] += 1 }
    }
    let n = Double(model.particleCount)
    let pairDensity = n * (n - 1) / 2 / model.boxVolume
    distances = (0..<bins).map { (Double($0) + 0.5) * width }
    values = (0..<bins).map { bin in
      let (inner, outer) = (Double(bin) * width, Double(bin + 1) * width)
      let shell = model.dimension == 2
        ? Double.pi * (outer * outer - inner * inner)
        : 4 * Double.pi / 3 * (outer * outer * outer - inner * inner * inner)
      return counts[bin] / (pairDensity * shell)
    }
  }
}
