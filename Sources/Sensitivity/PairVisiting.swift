import DualNumbers
import Particles

extension PairInteraction where Scalar == Double {
  /// Calls `body(i, j, d, r, σᵢⱼ)` for every pair of `neighbours` within the potential's cutoff, with
  /// d = rᵢ − rⱼ the minimum-image displacement and r = |d| (length units): the same pairs, in the same
  /// geometry, as the force loop, for per-pair quantities the loop does not return (contacts,
  /// ∂F/∂σᵢⱼ of the adjoint, the Hessian diagonal).
  @inlinable
  func forEachInteractingPair(
    _ positions: [Double], neighbours: NeighbourList,
    _ body: (_ i: Int, _ j: Int, _ d: SpatialVector<Double>, _ r: Double, _ σ: Double) -> Void
  ) {
    let cutoffRatio = potential.cutoffRatio
    positions.withUnsafeBufferPointer { positions in
      for i in 0..<neighbours.particleCount {
        let ri = SpatialVector(positions, particle: i, Dimension.self)
        for slot in Int(neighbours.rowStart[i])..<Int(neighbours.rowStart[i + 1]) {
          let j = Int(neighbours.neighbours[slot])
          let rj = SpatialVector(positions, particle: j, Dimension.self)
          var d = ri
          for k in 0..<Dimension.count { d[k] -= rj[k] }
          boundary.minimumImage(&d)
          let squared = d.squaredLength(Dimension.self)
          let σ = diameters.diameter(i, j)
          let reach = cutoffRatio * σ
          if squared >= reach * reach { continue }
          body(i, j, d, squared.squareRoot(), σ)
        }
      }
    }
  }
}
