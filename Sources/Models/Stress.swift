import Particles

extension ParticleModel {
  /// The stress of the configuration (energy / length^d, symmetric d×d):
  ///
  ///     σ_ab = (1/V) Σ_pairs U'(r) d_a d_b / r = (1/V) ∂U/∂ε_ab,
  ///
  /// the virial of the pair forces with d = rᵢ − rⱼ the (deformed) minimum-image separation and V the
  /// cell's volume; equivalently the derivative of the energy with respect to a strain ε of the cell,
  /// F → (I + ε)F, at fixed reference positions. Sign: negative in compression (repulsive contacts,
  /// U' < 0), so that the pressure is p = −tr(σ)/d > 0 there.
  public func stress(at positions: [Double]) -> [[Double]] {
    let kernels = kernels()
    let volume = boxVolume
    return kernels.virial(positions, neighbourList(at: positions)).map { $0.map { $0 / volume } }
  }

  /// p = −tr(σ)/d (energy / length^d): positive when the particles push the walls apart.
  public func pressure(at positions: [Double]) -> Double { Self.pressure(of: stress(at: positions)) }

  /// p = −tr(σ)/d of a stress.
  public static func pressure(of stress: [[Double]]) -> Double {
    -stress.indices.reduce(0) { $0 + stress[$1][$1] } / Double(stress.count)
  }
}
