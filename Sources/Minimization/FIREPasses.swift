import DualNumbers
import Particles

// FIRE's fast path: the steps of `FIRE.step(_:on:)` as fused passes over the particle vectors, each
// one loop through buffer pointers, split over the landscape's threads for large systems. The sums are combined chunk by chunk in a fixed order.
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
/// of its arrays out of the other core's cache (the runs that chose the threshold are in
/// docs/benchmarks.md, "FIRE pass threshold").
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
  if let turn { velocity = turned(velocity, force: force, by: turn) }
  return velocity + S.scaled(force, by: halfStep)
}

/// The end of the previous step for one coordinate: v ← v + (dt/2)·F, then the mixing
/// v ← v + α(F·s − v), or v ← 0 after negative power.
@inlinable @inline(__always)
func turned<S: RealScalar>(_ velocity: S, force: S, by turn: VelocityTurn<S>) -> S {
  let velocity = velocity + S.scaled(force, by: turn.halfStep)
  return turn.stop ? 0 : velocity + S.scaled(force * turn.steering - velocity, by: turn.mixing)
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

/// One coordinate's force and the velocity FIRE's sums take with it.
@usableFromInline
protocol ForceAndVelocity {
  associatedtype Scalar: RealScalar
  func terms(_ index: Int) -> (force: Scalar, velocity: Scalar)
}

/// The velocities as stored (``FIRE/step(_:on:)`` has completed them).
@usableFromInline
struct StoredVelocities<S: RealScalar>: ForceAndVelocity {
  @usableFromInline let velocities: UnsafeBufferPointer<S>
  @usableFromInline let forces: UnsafeBufferPointer<S>

  @inlinable init(velocities: UnsafeBufferPointer<S>, forces: UnsafeBufferPointer<S>) {
    self.velocities = velocities
    self.forces = forces
  }

  @inlinable @inline(__always)
  func terms(_ index: Int) -> (force: S, velocity: S) { (forces[index], velocities[index]) }
}

/// v = v(t + dt/2) + (dt/2)·F(t + dt), the velocities at the end of the step, formed here and not
/// stored (the next step's kick forms them again).
@usableFromInline
struct CompletedVelocities<S: RealScalar>: ForceAndVelocity {
  @usableFromInline let halfKicked: UnsafeBufferPointer<S>
  @usableFromInline let forces: UnsafeBufferPointer<S>
  @usableFromInline let halfStep: Double

  @inlinable init(halfKicked: UnsafeBufferPointer<S>, forces: UnsafeBufferPointer<S>, halfStep: Double) {
    self.halfKicked = halfKicked
    self.forces = forces
    self.halfStep = halfStep
  }

  @inlinable @inline(__always)
  func terms(_ index: Int) -> (force: S, velocity: S) {
    let force = forces[index]
    return (force, halfKicked[index] + S.scaled(force, by: halfStep))
  }
}

/// The sums FIRE steers with: ΣF², Σv², P = F·v and max |F|.
@usableFromInline
struct FIRESums<S: RealScalar> {
  @usableFromInline var squaredForce: S = 0
  @usableFromInline var squaredVelocity: S = 0
  /// P = F·v.
  @usableFromInline var power: S = 0
  /// max |Fᵢₖ| (primal values).
  @usableFromInline var largestForce = 0.0

  @inlinable init() {}

  /// The sums over `count` coordinates, in one fixed order for a given thread count, whichever way
  /// the velocities are stored.
  ///
  /// Each chunk sums into four interleaved partial sums (coordinate k into lane k mod 4), combined
  /// as (s₀ + s₁) + (s₂ + s₃), and the chunks in order: one running sum would chain every addition
  /// to the one before, and the pass would wait on floating-point latency instead of memory.
  @inlinable
  init<Terms: ForceAndVelocity>(of terms: Terms, count: Int, threads: Int) where Terms.Scalar == S {
    nonisolated(unsafe) let terms = terms
    let partials = mapChunks(of: count, threads: threads, minimumChunk: firePassChunk) { range in
      var lanes = (FIRESums(), FIRESums(), FIRESums(), FIRESums())
      var index = range.lowerBound
      while index &+ 4 <= range.upperBound {
        let (f0, v0) = terms.terms(index)
        let (f1, v1) = terms.terms(index &+ 1)
        let (f2, v2) = terms.terms(index &+ 2)
        let (f3, v3) = terms.terms(index &+ 3)
        lanes.0.add(force: f0, velocity: v0)
        lanes.1.add(force: f1, velocity: v1)
        lanes.2.add(force: f2, velocity: v2)
        lanes.3.add(force: f3, velocity: v3)
        index &+= 4
      }
      while index < range.upperBound {
        let (force, velocity) = terms.terms(index)
        lanes.0.add(force: force, velocity: velocity)
        index &+= 1
      }
      return (lanes.0 + lanes.1) + (lanes.2 + lanes.3)
    }
    self = partials.dropFirst().reduce(partials[0], +)
  }

  /// Adds one coordinate's force and velocity.
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

extension FIRE {
  /// ``step(_:on:)`` until ``stopReason(_:)`` says stop, through fused passes: the end of each
  /// step (completing v, the mixing, v ← 0 if P < 0) is carried into the next step's kick, which
  /// the landscape does in the pass that moves the particles. The same arithmetic in the same order
  /// as ``step(_:on:)``, two passes over the particle arrays per step instead of seven.
  @inlinable
  func relax<Landscape: EnergyLandscape>(
    _ state: inout FIREState<Landscape.Scalar>, on landscape: inout Landscape,
    every interval: Int, observer: MinimizationObserver<Landscape.Scalar>?
  ) {
    typealias S = Landscape.Scalar
    let count = state.positions.count
    // v(t + dt/2) between steps.
    var velocities = state.velocities
    var forces = state.forces
    // F before the move, read by the kick while the landscape writes the new forces into `forces`.
    var previousForces = [S](repeating: 0, count: count)
    var displacement = [S](repeating: 0, count: maximumDisplacement == nil ? 0 : count)
    let control = StepControl(self)
    let threads = landscape.threads
    var turn: VelocityTurn<S>? = nil
    while stopReason(state) == nil {
      state.step += 1
      let halfStep = 0.5 * state.timeStep
      swap(&forces, &previousForces)
      if let limit = maximumDisplacement {
        // Δ = dt·v is formed and scaled down as a whole; the landscape adds it as it is.
        kick(&velocities, forces: previousForces, after: turn, halfStep: halfStep, threads: threads)
        for index in displacement.indices {
          displacement[index] = S.scaled(velocities[index], by: state.timeStep)
        }
        limitDisplacement(&displacement, to: limit)
        state.energy = landscape.displace(&state.positions, along: displacement, scaledBy: 1,
                                          thenForcesInto: &forces)
      } else {
        state.energy = velocities.withUnsafeMutableBufferPointer { velocities in
          previousForces.withUnsafeBufferPointer { previousForces in
            let move = KickAndDrift(velocities: velocities, forces: previousForces, after: turn,
                                    halfStep: halfStep, timeStep: state.timeStep)
            return landscape.displace(&state.positions, by: move, thenForcesInto: &forces)
          }
        }
      }
      let sums = velocities.withUnsafeBufferPointer { v in
        forces.withUnsafeBufferPointer { f in
          FIRESums(of: CompletedVelocities(halfKicked: v, forces: f, halfStep: halfStep), count: count,
                   threads: threads)
        }
      }
      state.maximumForce = sums.largestForce
      // A non-finite velocity anywhere makes Σv² non-finite, a NaN force ΣF² (max() would skip it).
      state.isFinite = sums.squaredVelocity.isFinite && sums.squaredForce.isFinite
      let forceNorm = S.sqrt(sums.squaredForce + S(control.forceNormRegularisation))
      let velocityNorm = S.sqrt(sums.squaredVelocity)
      let p = sums.power.primalValue
      turn = VelocityTurn(halfStep: halfStep, steering: velocityNorm / forceNorm, mixing: state.mixing,
                          stop: p < 0)

      state.stepsWithPositivePower = p >= 0 ? state.stepsWithPositivePower + 1 : 0
      if p > 0 && state.stepsWithPositivePower > minimumStepsBeforeAcceleration {
        state.timeStep = min(control.multiply(state.timeStep, control.timeStepIncrease), control.maximumTimeStep)
        state.mixing = control.multiply(state.mixing, control.mixingDecrease)
      }
      if p < 0 {
        state.timeStep = control.multiply(state.timeStep, control.timeStepDecrease)
        state.mixing = control.round(initialMixing)
      }
      if let observer, interval > 0, state.step % interval == 0 {
        observer(state.step, state.positions, state.energy, state.maximumForce)
      }
    }
    // The last step's end, so that the state holds v(t).
    if let turn {
      for index in velocities.indices {
        velocities[index] = turned(velocities[index], force: forces[index], by: turn)
      }
    }
    state.velocities = velocities
    state.forces = forces
  }
}
