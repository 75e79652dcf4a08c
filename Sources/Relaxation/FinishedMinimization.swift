import Minimization
import Models
import Particles

/// How a minimisation takes its last decades of the force.
public enum MinimizationFinish: String, Sendable, CaseIterable {
  /// The minimiser alone, all the way.
  case none
  /// The minimiser to `ParticleModel.newtonSwitchForce`, then Newton–Krylov
  /// (``NewtonKrylovFinish``); the minimiser on to a tenfold smaller force where Newton finds the
  /// configuration not yet in a convex region (and Newton again), and to the end should Newton fail.
  case newton
}

/// A minimisation with its finish.
public struct FinishedMinimization: Sendable {
  /// The whole run: steps and force evaluations of the minimiser and of Newton together, the
  /// last frame at the final configuration.
  public var outcome: MinimizationOutcome
  /// What Newton did (nil without a Newton finish).
  public var newton: NewtonKrylovOutcome?
  /// Minimiser steps before Newton took over.
  public var stepsBeforeNewton: Int
  /// Times the minimiser handed the configuration to Newton (more than one when Newton found it
  /// not yet in a convex region and the minimiser went on to a smaller force).
  public var handOvers = 0
}

extension ParticleModel {
  /// max |Fᵢₖ| at which FIRE hands over to Newton (energy / length units): where, in the
  /// measurements of docs/benchmarks.md, the contact network has settled.
  public static let newtonSwitchForce = 1e-5

  /// Minimises from `start` with `choice`, finishing as `finish` says (see ``MinimizationFinish``).
  public func minimize(
    from start: [Double], using choice: MinimizerChoice, finish: MinimizationFinish,
    switchingAt switchForce: Double = newtonSwitchForce, recordEvery interval: Int = 0,
    reorderingFrom threshold: Int? = nil, progress: (@Sendable (Int, Double, Double) -> Void)? = nil
  ) throws(ModelError) -> FinishedMinimization {
    guard finish == .newton, switchForce > choice.forceTolerance else {
      let outcome = try minimize(from: start, using: choice, recordEvery: interval, reorderingFrom: threshold,
                                 progress: progress)
      return FinishedMinimization(outcome: outcome, newton: nil, stepsBeforeNewton: outcome.steps)
    }
    // The whole run, Newton's Hessian products included, in the cell-by-cell numbering.
    if start.count == degreesOfFreedom, let order = cellOrder(of: start, using: choice, threshold: threshold) {
      var finished = try permuted(by: order).minimize(
        from: SpatialOrder.permuted(start, by: order, width: dimension), using: choice, finish: finish,
        switchingAt: switchForce, recordEvery: interval, reorderingFrom: .max, progress: progress)
      finished.outcome.restoreNumbering(from: order, width: dimension)
      if let positions = finished.newton?.positions {
        finished.newton?.positions = SpatialOrder.restored(positions, from: order, width: dimension)
      }
      return finished
    }
    let clock = ContinuousClock()
    let began = clock.now
    // The minimiser to the switch force, then Newton; where Newton finds the configuration not yet
    // in a convex region, the minimiser goes on to a tenfold smaller force and Newton tries again.
    var switchForce = switchForce
    var rough = choice
    rough.forceTolerance = switchForce
    var outcome = try minimize(from: start, using: rough, recordEvery: interval, reorderingFrom: .max,
                               progress: progress)
    var newton: NewtonKrylovOutcome
    var newtonProducts = 0
    var handOvers = 0
    while true {
      guard outcome.converged else {
        return FinishedMinimization(outcome: outcome, newton: nil, stepsBeforeNewton: outcome.steps)
      }
      newton = finishWithNewton(
        from: outcome.positions,
        using: NewtonKrylovFinish(forceTolerance: choice.forceTolerance, neighbourSkin: choice.neighbourSkin))
      newtonProducts += newton.hessianProducts
      handOvers += 1
      outcome.forceEvaluations += newton.forceEvaluations
      switchForce /= 10
      guard newton.stop == .notConvex, switchForce > 10 * choice.forceTolerance else { break }
      rough.forceTolerance = switchForce
      rough.maximumSteps = max(0, choice.maximumSteps - outcome.steps)
      // From Newton's last accepted iterate: unmoved, or lower in energy than the minimiser left it.
      outcome.continue(with: try minimize(from: newton.positions, using: rough, recordEvery: interval,
                                          reorderingFrom: .max, progress: progress))
    }
    newton.hessianProducts = newtonProducts
    let stepsBeforeNewton = outcome.steps
    if newton.converged {
      outcome.end(at: newton.positions, energy: newton.energy, maximumForce: newton.maximumForce,
                  stop: .forceTolerance)
    } else {
      // Back to the minimiser, from where Newton left off, with the steps it has left.
      var rest = choice
      rest.maximumSteps = max(0, choice.maximumSteps - outcome.steps)
      outcome.continue(with: try minimize(from: newton.positions, using: rest, recordEvery: interval,
                                          reorderingFrom: .max, progress: progress))
    }
    let elapsed = clock.now - began
    outcome.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return FinishedMinimization(outcome: outcome, newton: newton, stepsBeforeNewton: stepsBeforeNewton,
                                handOvers: handOvers)
  }
}

extension MinimizationOutcome {
  /// Appends a minimisation that started where this one ended: its steps, evaluations, neighbour
  /// lists and frames (numbered on from this one's steps), and its end.
  fileprivate mutating func `continue`(with next: MinimizationOutcome) {
    frames.append(contentsOf: next.frames.dropFirst().map { frame in
      var frame = frame
      frame.step += steps
      return frame
    })
    steps += next.steps
    forceEvaluations += next.forceEvaluations
    neighbourListBuilds += next.neighbourListBuilds
    end(at: next.positions, energy: next.energy, maximumForce: next.maximumForce, stop: next.stopReason)
  }

  /// Ends the run at a configuration reached outside the minimiser (by Newton), with it as the
  /// last frame.
  fileprivate mutating func end(at positions: [Double], energy: Double, maximumForce: Double,
                                stop: MinimizationStopReason) {
    self.positions = positions
    self.energy = energy
    self.maximumForce = maximumForce
    stopReason = stop
    if frames.last?.step == steps { frames.removeLast() }
    frames.append(Frame(step: steps, positions: positions, energy: energy, maximumForce: maximumForce))
  }
}
