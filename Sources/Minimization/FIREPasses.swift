import DualNumbers
import Particles

// FIRE's passes over the particle vectors, each one loop through buffer pointers, split over the
// landscape's threads for large systems. The sums are combined chunk by chunk in a fixed order.
//
// These passes are limited by memory traffic, not arithmetic, so a step touches each array as few
// times as it can: the velocities hold the half-kicked v(t + dt/2) between steps. The pass that
// completes a step's velocity-Verlet update, v(t + dt) = v(t + dt/2) + (dt/2)·F(t + dt), only
// reads (the sums FIRE steers with); the next step's kick completes it again, element by element,
// with the same arithmetic, just before turning and kicking, and the landscape's displacing pass
// does that kick while it moves the particles.

/// Elements per thread below which FIRE's vector passes stay serial. The worker pool starts a chunk
/// within about a microsecond, and a pass over 4,096 elements takes a few. Splitting mid-sized
/// systems matters beyond the pass itself: a serial pass after a two-thread force loop reads half
/// of its arrays out of the other core's cache. At N = 10⁴ in 3D a threshold of 16,384 left the
/// passes serial, and two threads made a FIRE step 1.53x faster than one (median of six runs);
/// split, 2.09x.
@usableFromInline let firePassChunk = 4096

/// The end of a FIRE step, applied at the start of the next: complete the velocity-Verlet update,
/// v ← v + (dt/2)·F, then turn, v ← v + α(F·s − v) with the steering s = |v|/|F|, and set v ← 0
/// when the power was negative.
@usableFromInline
struct VelocityTurn<S: RealScalar> {
  /// The previous step's dt/2.
  @usableFromInline let halfStep: Double
  @usableFromInline let steering: S
  @usableFromInline let mixing: Double
  /// P < 0: the velocities are zeroed after the turn.
  @usableFromInline let stop: Bool

  @inlinable
  init(halfStep: Double, steering: S, mixing: Double, stop: Bool) {
    self.halfStep = halfStep
    self.steering = steering
    self.mixing = mixing
    self.stop = stop
  }
}

/// One coordinate's velocity at the start of a step: the previous step's `turn` (if any) applied
/// to the stored half-step velocity `velocity`, then v ← v + (dt/2)·F, F being the force at the
/// current positions.
@inlinable @inline(__always)
func kickedVelocity<S: RealScalar>(_ velocity: S, force: S, after turn: VelocityTurn<S>?, halfStep: Double) -> S {
  var velocity = velocity
  if let turn {
    velocity += S.scaled(force, by: turn.halfStep)
    velocity = turn.stop ? 0 : velocity + S.scaled(force * turn.steering - velocity, by: turn.mixing)
  }
  return velocity + S.scaled(force, by: halfStep)
}

/// FIRE's move as a ``Displacement``: the landscape's displacing pass kicks each velocity
/// (``kickedVelocity(_:force:after:halfStep:)``), stores it, and moves by Δ = dt·v.
@usableFromInline
struct KickAndDrift<S: RealScalar>: Displacement {
  @usableFromInline let velocities: UnsafeMutableBufferPointer<S>
  /// F at the positions before the move.
  @usableFromInline let forces: UnsafeBufferPointer<S>
  @usableFromInline let turn: VelocityTurn<S>?
  @usableFromInline let halfStep: Double
  @usableFromInline let timeStep: Double

  @inlinable
  init(velocities: UnsafeMutableBufferPointer<S>, forces: UnsafeBufferPointer<S>, after turn: VelocityTurn<S>?,
       halfStep: Double, timeStep: Double) {
    self.velocities = velocities
    self.forces = forces
    self.turn = turn
    self.halfStep = halfStep
    self.timeStep = timeStep
  }

  @inlinable @inline(__always)
  func component(_ index: Int) -> S {
    let velocity = kickedVelocity(velocities[index], force: forces[index], after: turn, halfStep: halfStep)
    velocities[index] = velocity
    return S.scaled(velocity, by: timeStep)
  }
}

/// The kick alone, as a pass of its own: for a step that must see every velocity before it moves
/// (one limited to a largest displacement).
@inlinable
func kick<S: RealScalar>(
  _ velocities: inout [S], forces: [S], after turn: VelocityTurn<S>?, halfStep: Double, threads: Int
) {
  velocities.withUnsafeMutableBufferPointer { velocities in
    forces.withUnsafeBufferPointer { forces in
      nonisolated(unsafe) let (v, f) = (velocities, forces)
      forEachChunk(of: v.count, threads: threads, minimumChunk: firePassChunk) { _, range in
        for index in range { v[index] = kickedVelocity(v[index], force: f[index], after: turn, halfStep: halfStep) }
      }
    }
  }
}

/// The sums FIRE steers with, of the velocities that complete the velocity-Verlet step.
@usableFromInline
struct FIRESums<S: RealScalar> {
  @usableFromInline var squaredForce: S = 0
  @usableFromInline var squaredVelocity: S = 0
  /// P = F·v.
  @usableFromInline var power: S = 0
  /// max |Fᵢₖ| (primal values).
  @usableFromInline var largestForce = 0.0

  @inlinable init() {}

  /// Adds one coordinate's force and (completed) velocity.
  @inlinable @inline(__always)
  mutating func add(force: S, velocity: S) {
    squaredForce += force * force
    squaredVelocity += velocity * velocity
    power += force * velocity
    largestForce = max(largestForce, Swift.abs(force.primalValue))
  }

  @inlinable
  static func + (left: FIRESums, right: FIRESums) -> FIRESums {
    var total = left
    total.squaredForce += right.squaredForce
    total.squaredVelocity += right.squaredVelocity
    total.power += right.power
    total.largestForce = max(left.largestForce, right.largestForce)
    return total
  }
}

/// ΣF², Σv², F·v and max |F| with v = v(t + dt/2) + (dt/2)·F(t + dt), the velocities at the end of
/// the step (formed here, not stored: the next step's kick forms them again).
///
/// Each chunk sums into four interleaved partial sums (coordinate k into lane k mod 4), combined
/// as (s₀ + s₁) + (s₂ + s₃), and the chunks in order: one running sum would chain every addition to
/// the one before, and the pass would wait on floating-point latency instead of memory.
@inlinable
func completedStepSums<S: RealScalar>(velocities: [S], forces: [S], halfStep: Double, threads: Int) -> FIRESums<S> {
  let partials = velocities.withUnsafeBufferPointer { velocities in
    forces.withUnsafeBufferPointer { forces in
      nonisolated(unsafe) let (v, f) = (velocities, forces)
      return mapChunks(of: v.count, threads: threads, minimumChunk: firePassChunk) { range in
        var lanes = (FIRESums<S>(), FIRESums<S>(), FIRESums<S>(), FIRESums<S>())
        @inline(__always) func completed(_ index: Int) -> (force: S, velocity: S) {
          let force = f[index]
          return (force, v[index] + S.scaled(force, by: halfStep))
        }
        var index = range.lowerBound
        while index &+ 4 <= range.upperBound {
          let (f0, v0) = completed(index)
          let (f1, v1) = completed(index &+ 1)
          let (f2, v2) = completed(index &+ 2)
          let (f3, v3) = completed(index &+ 3)
          lanes.0.add(force: f0, velocity: v0)
          lanes.1.add(force: f1, velocity: v1)
          lanes.2.add(force: f2, velocity: v2)
          lanes.3.add(force: f3, velocity: v3)
          index &+= 4
        }
        while index < range.upperBound {
          let (force, velocity) = completed(index)
          lanes.0.add(force: force, velocity: velocity)
          index &+= 1
        }
        return (lanes.0 + lanes.1) + (lanes.2 + lanes.3)
      }
    }
  }
  return partials.dropFirst().reduce(partials[0], +)
}
