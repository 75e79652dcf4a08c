import Models

extension ParticleModel {
  /// The virial (potential) pressure at `positions`, energy / length^d:
  ///
  ///     p = −(1 / (d V)) Σ_{i<j} rᵢⱼ U′(rᵢⱼ),
  ///
  /// which equals −dE/dV when the box and every position are scaled together (affine compression);
  /// with no kinetic term, as at a minimum. Positive for compressed soft spheres (U′ < 0).
  public func pressure(at positions: [Double]) -> Double {
    let kernels = kernels()
    var virial = 0.0
    kernels.forEachInteractingPair(positions, neighbourList(at: positions)) { pair in
      virial += pair.distance * kernels.pairDerivatives(pair.distance, pair.diameter).slope
    }
    return -virial / (Double(dimension) * boxVolume)
  }
}
