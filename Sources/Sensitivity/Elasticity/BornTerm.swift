import Models
import Particles

extension ParticleModel {
  /// The affine (Born) part of the strain responses, ∂²U/∂γₐ∂γ_b at fixed reference positions for
  /// the strain Σ γₐ eᵃ of the cell (energy units, not yet divided by the volume), pair by pair:
  ///
  ///     ∂r/∂γₐ = d·(eᵃd)/r,   ∂²r/∂γₐ∂γ_b = [(eᵃd)·(eᵇd) − (d·eᵃd)(d·eᵇd)/r²]/r,
  ///     ∂²U/∂γₐ∂γ_b = Σ_pairs U''(r) ∂r/∂γₐ ∂r/∂γ_b + U'(r) ∂²r/∂γₐ∂γ_b,
  ///
  /// with d the (deformed) separation and U', U'' from the pair energy on nested dual numbers. Every
  /// pair counts, rattlers' included (U is the whole system's energy).
  func bornResponses(at positions: [Double], neighbours: NeighbourList, strains: [StrainComponent]) -> [[Double]] {
    let kernels = kernels()
    let tensors = strains.map { $0.tensor(dimension: dimension) }
    let m = strains.count
    var born = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
    kernels.forEachInteractingPair(positions, neighbours) { pair in
      let derivatives = kernels.pairDerivatives(pair.distance, pair.diameter)
      let r = pair.distance
      let d = (0..<dimension).map { pair.separation[$0] }
      // eᵃd and d·eᵃd for every strain.
      let strained = tensors.map { e in (0..<dimension).map { a in (0..<dimension).reduce(0.0) { $0 + e[a][$1] * d[$1] } } }
      let stretch = strained.map { ed in zip(d, ed).reduce(0.0) { $0 + $1.0 * $1.1 } }
      for a in 0..<m {
        for b in a..<m {
          let overlap = zip(strained[a], strained[b]).reduce(0.0) { $0 + $1.0 * $1.1 }
          let value = derivatives.curvature * stretch[a] * stretch[b] / (r * r)
            + derivatives.slope * (overlap - stretch[a] * stretch[b] / (r * r)) / r
          born[a][b] += value
          if a != b { born[b][a] += value }
        }
      }
    }
    return born
  }
}
