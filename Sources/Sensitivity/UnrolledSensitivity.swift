import DualNumbers
import Minimization
import Models

/// dx/dθ by forward-mode differentiation through the minimiser: the same FIRE code run on
/// `Dual<Double>` with θ seeded (and, when the box depends on θ, the start moving with it at fixed
/// normalised coordinates x₀). The tangent of the final positions is dR/dθ of the iterate after
/// the given steps; the paper shows it may fail to converge, and blow up with rattlers.
public enum UnrolledSensitivity {
  /// Runs the chosen minimiser (in `Dual<Double>`) from `start` (physical, flat) and returns the
  /// sensitivity of where it ended, as the iterate's tangent: not brought into any gauge (that is
  /// what is being studied; ``SensitivityGauge`` gives the implicit method's).
  /// `checkpoint(step, dx/dθ)`, if given, receives the normalised sensitivity of the iterate every
  /// `checkpointInterval` steps (one run shows how the unrolled derivative converges).
  public static func compute(
    model: ParticleModel, start: [Double], parameter: SensitivityParameter,
    holding held: HeldQuantity = .packingFraction, using choice: MinimizerChoice,
    checkpointInterval: Int = 0, checkpoint: ((_ step: Int, _ normalised: [Double]) -> Void)? = nil
  ) throws(SensitivityError) -> PositionSensitivity {
    guard start.count == model.degreesOfFreedom else { throw .invalidInput("start does not fit the model") }
    let tangent = try model.tangent(for: parameter, holding: held)
    let dualStart = start.map { Dual($0, tangent: $0 * tangent.boxScaleRate) }
    var observer: MinimizationObserver<Dual<Double>>? = nil
    if let checkpoint, checkpointInterval > 0 {
      observer = { step, positions, _, _ in
        let values = positions.map(\.value)
        checkpoint(step, positions.indices.map { index in
          (positions[index].tangent - values[index] * tangent.boxScaleRate) / model.boxEdges[index % model.dimension]
        })
      }
    }
    let result = model.minimizeSeeded(from: dualStart, using: choice, seeding: tangent,
                                      every: observer == nil ? 0 : checkpointInterval, observer: observer)
    let positions = result.positions.map(\.value)
    let physical = result.positions.map(\.tangent)
    let dimension = model.dimension
    // dR/dθ = (dL/dθ) x + L dx/dθ  ⇒  dx/dθ = (dR/dθ − R·(1/L)dL/dθ) / L.
    let normalised = positions.indices.map { index in
      (physical[index] - positions[index] * tangent.boxScaleRate) / model.boxEdges[index % dimension]
    }
    return PositionSensitivity(method: .unrolled, parameter: parameter, held: held,
                               parameterValue: try model.value(of: parameter), positions: positions,
                               boxEdges: model.boxEdges,
                               boxEdgeDerivatives: model.boxEdges.map { $0 * tangent.boxScaleRate },
                               physical: physical, normalised: normalised, unrolledSteps: result.steps)
  }
}
