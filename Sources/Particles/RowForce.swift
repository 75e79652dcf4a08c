import DualNumbers

/// The force on particle i summed over its row of the neighbour list before it is added to Fᵢ, as
/// a pair loop over rows accumulates it; the pair kernel carries it from one block of pairs to the
/// next.
@usableFromInline
struct RowForce<Scalar: RealScalar> {
  /// The row's particle, or −1 before the first row.
  @usableFromInline var particle: Int
  @usableFromInline var force: SpatialVector<Scalar>

  @inlinable
  init(particle: Int = -1) {
    self.particle = particle
    self.force = .zero
  }

  /// Fᵢ += the row's sum (nothing before the first row).
  @inlinable
  func add<D: SpatialDimension>(to forces: UnsafeMutableBufferPointer<Scalar>, _: D.Type) {
    guard particle >= 0 else { return }
    let base = particle &* D.count
    for k in 0..<D.count { forces[base &+ k] += force[k] }
  }
}
