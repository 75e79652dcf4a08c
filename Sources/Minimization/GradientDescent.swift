import DualNumbers

/// Steepest descent with a fixed step: x ← shift(x, η·F(x)). Slow, but simple enough to serve as a
/// reference and as the minimiser whose unrolled derivative is easiest to analyse.
public struct GradientDescent: Minimizer, Sendable {
  /// η (length² / energy).
  public var stepSize: Double
  public var forceTolerance: Double
  public var maximumSteps: Int

  public init(stepSize: Double = 0.1, forceTolerance: Double = 1e-12, maximumSteps: Int = 100_000) {
    self.stepSize = stepSize
    self.forceTolerance = forceTolerance
    self.maximumSteps = maximumSteps
  }

  @inlinable
  public func minimize<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from start: [Landscape.Scalar],
    every interval: Int, observer: MinimizationObserver<Landscape.Scalar>?
  ) -> MinimizationResult<Landscape.Scalar> {
    var positions = start
    var forces = [Landscape.Scalar](repeating: 0, count: start.count)
    var energy = landscape.forces(at: positions, into: &forces)
    var (maximumForce, finite) = largestComponent(forces)
    var step = 0
    observer?(0, positions, energy, maximumForce)
    while finite && maximumForce > forceTolerance && step < maximumSteps {
      step += 1
      energy = landscape.displace(&positions, along: forces, scaledBy: stepSize, thenForcesInto: &forces)
      (maximumForce, finite) = largestComponent(forces)
      if let observer, interval > 0, step % interval == 0 { observer(step, positions, energy, maximumForce) }
    }
    let reason: MinimizationStopReason =
      !finite ? .nonFinite : maximumForce <= forceTolerance ? .forceTolerance : .maximumSteps
    return MinimizationResult(positions: positions, forces: forces, energy: energy, steps: step,
                              maximumForce: maximumForce, stopReason: reason)
  }
}
