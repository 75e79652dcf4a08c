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
    return virial(kernels, at: positions, neighbours: neighbourList(at: positions)).map { $0.map { $0 / volume } }
  }

  /// W_ab = Σ_pairs U'(r) d_a d_b / r = V σ_ab (energy units, symmetric d×d): the pair virial over the
  /// pairs of a neighbour list valid at `positions`, with this model's kernels (``kernels(seeding:)``).
  public func virial(_ kernels: ModelKernels, at positions: [Double], neighbours: NeighbourList) -> [[Double]] {
    var virial = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: dimension)
    kernels.forEachInteractingPair(positions, neighbours) { pair in
      let slope = kernels.pairDerivatives(pair.distance, pair.diameter).slope
      for a in 0..<dimension {
        for b in a..<dimension { virial[a][b] += slope * pair.separation[a] * pair.separation[b] / pair.distance }
      }
    }
    // Symmetric by construction: the lower triangle is the upper one.
    for a in 0..<dimension { for b in 0..<a { virial[a][b] = virial[b][a] } }
    return virial
  }

  /// p = −tr(σ)/d (energy / length^d): positive when the particles push the walls apart.
  public func pressure(at positions: [Double]) -> Double { Self.pressure(of: stress(at: positions)) }

  /// p = −tr(σ)/d of a stress.
  public static func pressure(of stress: [[Double]]) -> Double {
    -stress.indices.reduce(0) { $0 + stress[$1][$1] } / Double(stress.count)
  }
}
