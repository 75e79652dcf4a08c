import Models
import Particles

/// B = ∂F/∂d for one diameter per particle, σᵢⱼ = (dᵢ + dⱼ)/2, as passes over the pairs.
///
/// The force on i from j is fᵢⱼ = −U'(r; σᵢⱼ) d/r (d = rᵢ − rⱼ), so ∂fᵢⱼ/∂σ = −(∂²U/∂r∂σ) d/r, with
/// ∂²U/∂r∂σ from the pair energy on nested dual numbers. Then
///
///     B·u:   Ḟᵢ += ∂fᵢⱼ/∂σ · (uᵢ + uⱼ)/2,   Ḟⱼ −= the same;
///     Bᵀ·w:  (Bᵀw)ₖ = Σ over pairs containing k of ½ (wᵢ − wⱼ)·∂fᵢⱼ/∂σ,
///
/// and the explicit ∂E/∂dₖ = Σ over pairs containing k of ½ ∂U/∂σ.
struct DiameterDerivative {
  let kernels: ModelKernels
  let positions: [Double]
  let neighbours: NeighbourList
  let dimension: Int

  var particleCount: Int { positions.count / dimension }

  /// Calls `body(i, j, ∂fᵢⱼ/∂σ, ∂U/∂σ)` for every interacting pair.
  private func forEachPair(_ body: (_ i: Int, _ j: Int, _ forceSlope: SpatialVector<Double>, _ energySlope: Double) -> Void) {
    kernels.forEachInteractingPair(positions, neighbours) { pair in
      let derivatives = kernels.pairDerivatives(pair.distance, pair.diameter)
      var forceSlope = SpatialVector<Double>.zero
      for k in 0..<dimension { forceSlope[k] = -derivatives.mixedSlope * pair.separation[k] / pair.distance }
      body(pair.first, pair.second, forceSlope, derivatives.diameterSlope)
    }
  }

  /// B·u (full d·N, energy / length per unit of u).
  func apply(_ u: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: positions.count)
    forEachPair { i, j, forceSlope, _ in
      let rate = (u[i] + u[j]) / 2
      for k in 0..<dimension {
        result[i * dimension + k] += forceSlope[k] * rate
        result[j * dimension + k] -= forceSlope[k] * rate
      }
    }
    return result
  }

  /// Bᵀ·w (one number per particle) for w full d·N (zero at rattlers).
  func applyTranspose(_ w: [Double]) -> [Double] {
    var products = [Double](repeating: 0, count: particleCount)
    forEachPair { i, j, forceSlope, _ in
      var contraction = 0.0
      for k in 0..<dimension { contraction += (w[i * dimension + k] - w[j * dimension + k]) * forceSlope[k] }
      products[i] += 0.5 * contraction
      products[j] += 0.5 * contraction
    }
    return products
  }

  /// ∂E/∂dₖ for every particle (energy / length).
  func energySlopes() -> [Double] {
    var slopes = [Double](repeating: 0, count: particleCount)
    forEachPair { i, j, _, energySlope in
      slopes[i] += 0.5 * energySlope
      slopes[j] += 0.5 * energySlope
    }
    return slopes
  }

  var parameterDerivative: ParameterDerivative {
    ParameterDerivative(count: particleCount, apply: apply, applyTranspose: applyTranspose)
  }
}
