import DualNumbers
import Particles

/// What a minimiser descends: forces at a configuration, and how a step moves it.
///
/// `Scalar` is `Double` for ordinary minimisation and a dual number when derivatives are carried
/// through the minimiser's iterations (unrolled differentiation).
public protocol EnergyLandscape {
  associatedtype Scalar: RealScalar

  /// Writes F = −∇E at `positions` into `forces` (same length) and returns E.
  /// Mutating so that a landscape can keep its neighbour list up to date.
  mutating func forces(at positions: [Scalar], into forces: inout [Scalar]) -> Scalar

  /// x ← x + Δ, mapped back into the simulation cell (JAX-MD's `shift_fn`).
  func displace(_ positions: inout [Scalar], by displacement: [Scalar])

  /// x ← x + Δ (as ``displace(_:by:)``), then F = −∇E at the new positions into `forces`; returns
  /// E. A minimiser's step in one call: Δ is handed over as a `Displacement`, formed coordinate by
  /// coordinate where it is added (FIRE's kicked velocities times the time step, gradient descent's
  /// forces times the step size), so that no array Δ need be written and read again, and a
  /// landscape can do the bookkeeping of the move in the displacing pass (``ParticleLandscape``
  /// tests its neighbour list there). `forces` is only written, after the move: `step` may read a
  /// different force array.
  mutating func displace<Step: Displacement>(_ positions: inout [Scalar], by step: Step,
                                             thenForcesInto forces: inout [Scalar]) -> Scalar
  where Step.Scalar == Scalar

  /// Threads a minimiser may split its vector passes over (1 by default).
  var threads: Int { get }
}

extension EnergyLandscape {
  @inlinable
  public mutating func displace<Step: Displacement>(_ positions: inout [Scalar], by step: Step,
                                                    thenForcesInto forces: inout [Scalar]) -> Scalar
  where Step.Scalar == Scalar {
    displace(&positions, by: positions.indices.map { step.component($0) })
    return self.forces(at: positions, into: &forces)
  }

  /// x ← x + s·d, then the forces at the new positions (``displace(_:by:thenForcesInto:)`` with
  /// Δ = s·d).
  @inlinable
  public mutating func displace(_ positions: inout [Scalar], along direction: [Scalar], scaledBy factor: Double,
                                thenForcesInto forces: inout [Scalar]) -> Scalar {
    precondition(positions.count == direction.count, "a direction must match the positions")
    return direction.withUnsafeBufferPointer { direction in
      displace(&positions, by: ScaledDirection(direction, scaledBy: factor), thenForcesInto: &forces)
    }
  }

  @inlinable
  public var threads: Int { 1 }

  @inlinable
  public func displace(_ positions: inout [Scalar], by displacement: [Scalar]) {
    for index in positions.indices { positions[index] += displacement[index] }
  }
}

/// Why a minimisation stopped.
public enum MinimizationStopReason: String, Sendable, Codable {
  /// max |Fᵢₖ| ≤ the force tolerance.
  case forceTolerance = "force tolerance reached"
  /// FIRE 2.0's energy tolerance (LAMMPS's `etol`) was met before the force tolerance.
  case energyTolerance = "energy tolerance reached"
  /// The step limit came first.
  case maximumSteps = "maximum steps reached"
  /// A force or position became NaN or infinite.
  case nonFinite = "non-finite force or position"
  /// FIRE 2.0 went uphill more often in a row than its `vdfmax` allows (stuck in a basin).
  case uphillLimit = "too many consecutive uphill iterations"
  /// L-BFGS found no step that does not raise the energy, twice in a row (the rounding floor).
  case noDescent = "no step lowers the energy"
}

/// The configuration a minimiser ended in and how it got there.
public struct MinimizationResult<Scalar: RealScalar> {
  public var positions: [Scalar]
  public var forces: [Scalar]
  public var energy: Scalar
  /// Iterations taken (0 when the start already met the tolerance).
  public var steps: Int
  /// max over particles and components of |Fᵢₖ| at the end (primal value).
  public var maximumForce: Double
  public var stopReason: MinimizationStopReason

  public var converged: Bool { stopReason == .forceTolerance }

  @inlinable
  public init(positions: [Scalar], forces: [Scalar], energy: Scalar, steps: Int, maximumForce: Double,
              stopReason: MinimizationStopReason) {
    self.positions = positions
    self.forces = forces
    self.energy = energy
    self.steps = steps
    self.maximumForce = maximumForce
    self.stopReason = stopReason
  }
}

/// A progress report every few steps: step number, energy and largest force component.
public typealias MinimizationObserver<Scalar: RealScalar> =
  (_ step: Int, _ positions: [Scalar], _ energy: Scalar, _ maximumForce: Double) -> Void

/// A method that descends an energy landscape: FIRE, gradient descent, or one of the user's.
public protocol Minimizer {
  func minimize<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from positions: [Landscape.Scalar],
    every interval: Int, observer: MinimizationObserver<Landscape.Scalar>?
  ) -> MinimizationResult<Landscape.Scalar>
}

extension Minimizer {
  @inlinable
  public func minimize<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from positions: [Landscape.Scalar]
  ) -> MinimizationResult<Landscape.Scalar> {
    minimize(&landscape, from: positions, every: 0, observer: nil)
  }
}

/// max |Fᵢₖ| over the primal values, and whether every component is finite.
@inlinable
func largestComponent<Scalar: RealScalar>(_ forces: [Scalar], threads: Int = 1) -> (maximum: Double, finite: Bool) {
  forces.withUnsafeBufferPointer { forces in
    mapChunks(of: forces.count, threads: threads, minimumChunk: 4096) { range in
      var maximum = 0.0
      var finite = true
      for k in range {
        let magnitude = Swift.abs(forces[k].primalValue)
        if magnitude > maximum { maximum = magnitude }
        if !forces[k].isFinite { finite = false }
      }
      return (maximum, finite)
    }.reduce((0.0, true)) { (Swift.max($0.0, $1.0), $0.1 && $1.1) }
  }
}
