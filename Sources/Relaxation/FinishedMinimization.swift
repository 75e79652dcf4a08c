import Minimization
import Models

/// How a minimisation takes its last decades of the force.
public enum MinimizationFinish: String, Sendable, CaseIterable {
  /// The minimiser alone, all the way.
  case none
  /// The minimiser to `ParticleModel.newtonSwitchForce`, then Newton–Krylov
  /// (``NewtonKrylovFinish``), and the minimiser again should Newton fail.
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
}

extension ParticleModel {
  /// max |Fᵢₖ| at which FIRE hands over to Newton (energy / length units): where, in the
  /// measurements of docs/benchmarks.md, the contact network has settled.
  public static let newtonSwitchForce = 1e-5

  /// Minimises from `start` with `choice`, finishing as `finish` says (see ``MinimizationFinish``).
  public func minimize(
    from start: [Double], using choice: MinimizerChoice, finish: MinimizationFinish,
    switchingAt switchForce: Double = newtonSwitchForce, recordEvery interval: Int = 0,
    progress: (@Sendable (Int, Double, Double) -> Void)? = nil
  ) throws(ModelError) -> FinishedMinimization {
    guard finish == .newton, switchForce > choice.forceTolerance else {
      let outcome = try minimize(from: start, using: choice, recordEvery: interval, progress: progress)
      return FinishedMinimization(outcome: outcome, newton: nil, stepsBeforeNewton: outcome.steps)
    }
    let clock = ContinuousClock()
    let began = clock.now
    var rough = choice
    rough.forceTolerance = switchForce
    var outcome = try minimize(from: start, using: rough, recordEvery: interval, progress: progress)
    let stepsBeforeNewton = outcome.steps
    guard outcome.converged else {
      return FinishedMinimization(outcome: outcome, newton: nil, stepsBeforeNewton: stepsBeforeNewton)
    }
    let newton = finishWithNewton(
      from: outcome.positions,
      using: NewtonKrylovFinish(forceTolerance: choice.forceTolerance, neighbourSkin: choice.neighbourSkin))
    outcome.forceEvaluations += newton.forceEvaluations
    var final = (positions: newton.positions, energy: newton.energy, maximumForce: newton.maximumForce,
                 stop: newton.converged ? MinimizationStopReason.forceTolerance : .maximumSteps)
    if !newton.converged {
      // Back to the minimiser, from where Newton left off, with the steps it has left.
      var rest = choice
      rest.maximumSteps = max(0, choice.maximumSteps - outcome.steps)
      let again = try minimize(from: newton.positions, using: rest, progress: progress)
      outcome.steps += again.steps
      outcome.forceEvaluations += again.forceEvaluations
      outcome.neighbourListBuilds += again.neighbourListBuilds
      final = (again.positions, again.energy, again.maximumForce, again.stopReason)
    }
    outcome.positions = final.positions
    outcome.energy = final.energy
    outcome.maximumForce = final.maximumForce
    outcome.stopReason = final.stop
    if outcome.frames.last?.step == outcome.steps { outcome.frames.removeLast() }
    outcome.frames.append(MinimizationOutcome.Frame(step: outcome.steps, positions: final.positions,
                                                    energy: final.energy, maximumForce: final.maximumForce))
    let elapsed = clock.now - began
    outcome.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return FinishedMinimization(outcome: outcome, newton: newton, stepsBeforeNewton: stepsBeforeNewton)
  }
}
