import DualNumbers

/// A move Δ of every coordinate, formed on demand where it is added (x ← x + Δ).
///
/// A minimiser's step often depends on state it updates in the same breath: FIRE's move is
/// Δ = dt·v with v itself just kicked by the forces. Handing the step over as a function of the
/// coordinate index lets the landscape's displacing pass form it there, element by element, so the
/// step is never written to memory and read back: one pass over the particle arrays instead of two,
/// which matters because such passes are limited by memory bandwidth, not arithmetic.
public protocol Displacement {
  associatedtype Scalar: RealScalar

  /// Δₖ for flat coordinate index k (`[x₀, y₀, (z₀,) x₁, ...]`, length units). Called exactly once
  /// per coordinate, in increasing order within a particle, possibly from several threads for
  /// disjoint particles: a conformer may update per-coordinate state of its own at index k (and
  /// only there).
  func component(_ index: Int) -> Scalar
}

/// Δ = s·d: a direction d (a velocity, a force) scaled by a plain number s.
public struct ScaledDirection<Scalar: RealScalar>: Displacement {
  @usableFromInline let direction: UnsafeBufferPointer<Scalar>
  @usableFromInline let factor: Double

  /// `direction` must stay valid while the displacement is used (inside `withUnsafeBufferPointer`).
  @inlinable
  public init(_ direction: UnsafeBufferPointer<Scalar>, scaledBy factor: Double) {
    self.direction = direction
    self.factor = factor
  }

  @inlinable @inline(__always)
  public func component(_ index: Int) -> Scalar { Scalar.scaled(direction[index], by: factor) }
}
