import DualNumbers
import Particles

// FIRE's passes over the particle vectors, each one loop through buffer pointers, split over the
// landscape's threads for large systems. The sums are combined chunk by chunk in a fixed order.

/// Elements per thread below which FIRE's vector passes stay serial (a thread hand-off costs about
/// as much as a pass over this many elements).
@usableFromInline let firePassChunk = 16_384

/// The end of a FIRE step, applied at the start of the next: v ← v + α(F·s − v) with the steering
/// s = |v|/|F|, then v ← 0 when the power was negative.
@usableFromInline
struct VelocityTurn<S: RealScalar> {
  @usableFromInline let steering: S
  @usableFromInline let mixing: Double
  /// P < 0: the velocities are zeroed after the turn.
  @usableFromInline let stop: Bool

  @inlinable
  init(steering: S, mixing: Double, stop: Bool) {
    self.steering = steering
    self.mixing = mixing
    self.stop = stop
  }
}

/// The previous step's `turn` (if any), then v ← v + (dt/2)·F: the first half of the
/// velocity-Verlet step (the move Δ = dt·v is formed in the displacing pass). Returns whether every
/// velocity is finite.
@inlinable
func halfKick<S: RealScalar>(
  _ velocities: inout [S], forces: [S], after turn: VelocityTurn<S>?, halfStep: Double, threads: Int
) -> Bool {
  velocities.withUnsafeMutableBufferPointer { velocities in
    forces.withUnsafeBufferPointer { forces in
      nonisolated(unsafe) let (v, f) = (velocities, forces)
      // Finiteness is tracked inside the loop the step needs anyway: finite velocities move finite
      // positions to finite positions.
      return mapChunks(of: v.count, threads: threads, minimumChunk: firePassChunk) { range in
        var finite = true
        for index in range {
          var velocity = v[index]
          if let turn {
            velocity = turn.stop ? 0 : velocity + S.scaled(f[index] * turn.steering - velocity, by: turn.mixing)
          }
          velocity += S.scaled(f[index], by: halfStep)
          v[index] = velocity
          if !velocity.isFinite { finite = false }
        }
        return finite
      }.allSatisfy { $0 }
    }
  }
}

/// The sums FIRE steers with, gathered in the pass that completes the velocity-Verlet step.
@usableFromInline
struct FIRESums<S: RealScalar> {
  @usableFromInline var squaredForce: S = 0
  @usableFromInline var squaredVelocity: S = 0
  /// P = F·v.
  @usableFromInline var power: S = 0
  /// max |Fᵢₖ| (primal values).
  @usableFromInline var largestForce = 0.0

  @inlinable init() {}
}

/// v ← v + (dt/2)·F at the new forces, and ΣF², Σv², F·v, max |F| of the result.
@inlinable
func secondHalfKick<S: RealScalar>(
  _ velocities: inout [S], forces: [S], halfStep: Double, threads: Int
) -> FIRESums<S> {
  let partials = velocities.withUnsafeMutableBufferPointer { velocities in
    forces.withUnsafeBufferPointer { forces in
      nonisolated(unsafe) let (v, f) = (velocities, forces)
      return mapChunks(of: v.count, threads: threads, minimumChunk: firePassChunk) { range in
        var sums = FIRESums<S>()
        for index in range {
          let force = f[index]
          let velocity = v[index] + S.scaled(force, by: halfStep)
          v[index] = velocity
          sums.squaredForce += force * force
          sums.squaredVelocity += velocity * velocity
          sums.power += force * velocity
          sums.largestForce = max(sums.largestForce, Swift.abs(force.primalValue))
        }
        return sums
      }
    }
  }
  var total = partials[0]
  for partial in partials.dropFirst() {
    total.squaredForce += partial.squaredForce
    total.squaredVelocity += partial.squaredVelocity
    total.power += partial.power
    total.largestForce = max(total.largestForce, partial.largestForce)
  }
  return total
}
