import Foundation
import ImplicitDifferentiation
import Models
import Sensitivity

/// `mdsens sensitivity --method unrolled --trace K`: the L1 norm of the unrolled dx/dθ (normalised
/// coordinates) every K FIRE steps, and the implicit sensitivity at the end point for comparison
/// (the paper's Fig. 17).
final class UnrolledTrace {
  struct Point {
    var step: Int
    var l1: Double
  }

  /// The implicit sensitivity at the unrolled run's end point.
  struct Comparison {
    var maximumForce: Double?
    var forceTolerance: Double
    var converged: Bool
    var implicitL1: Double?
    var unrolledL1: Double
    /// max |dx_unrolled − dx_implicit| / max |dx_implicit| (normalised coordinates).
    var relativeDifference: Double?
    /// The rattlers the implicit method excluded (their unrolled tangent is whatever FIRE left).
    var rattlers: [Int] = []
    /// The unrolled dx/dθ in the implicit method's gauge: rattlers zeroed, then the rigid-body motion
    /// of the other particles removed; its L1 norm and max relative difference from the implicit one.
    var gaugedUnrolledL1: Double?
    var gaugedRelativeDifference: Double?
    var reason: String?

    var json: [String: Any] {
      var object: [String: Any] = [
        "force_tolerance": forceTolerance, "end_point_converged": converged, "unrolled_l1_norm": unrolledL1,
      ]
      object["end_point_max_force"] = maximumForce ?? NSNull()
      object["implicit_l1_norm"] = implicitL1 ?? NSNull()
      object["unrolled_implicit_relative_difference"] = relativeDifference ?? NSNull()
      object["implicit_rattlers"] = rattlers
      object["unrolled_l1_norm_gauged"] = gaugedUnrolledL1 ?? NSNull()
      object["unrolled_implicit_relative_difference_gauged"] = gaugedRelativeDifference ?? NSNull()
      object["implicit_note"] = reason ?? NSNull()
      return object
    }

    var summary: String {
      guard let implicitL1 else {
        return "implicit L1 at the end point: not computed (\(reason ?? "end point not converged"))"
      }
      var line = "implicit L1 at the end point: \(Output.exact(implicitL1)) (unrolled \(Output.exact(unrolledL1))"
      if let relativeDifference { line += ", max relative difference \(Output.short(relativeDifference))" }
      line += ")"
      if let gaugedUnrolledL1, let gaugedRelativeDifference {
        line += "\nunrolled without the \(rattlers.count) rattler(s) and the rigid-body motion: L1 \(Output.exact(gaugedUnrolledL1)), max relative difference \(Output.short(gaugedRelativeDifference))"
      }
      return line
    }
  }

  private(set) var points: [Point] = []

  /// The checkpoint callback of `UnrolledSensitivity.compute`.
  func record(step: Int, normalised: [Double]) {
    points.append(Point(step: step, l1: normalised.reduce(0) { $0 + abs($1) }))
  }

  /// Appends the last step when the interval missed it.
  func finish(steps: Int, normalised: [Double]) {
    if points.last?.step != steps {
      points.append(Point(step: steps, l1: normalised.reduce(0) { $0 + abs($1) }))
    }
  }

  /// The implicit sensitivity at `positions` when its max |F| meets `forceTolerance`, else nil.
  func implicitComparison(model: ParticleModel, positions: [Double], parameter: SensitivityParameter,
                          holding held: HeldQuantity, solver: SolverChoice, forceTolerance: Double,
                          unrolled: [Double]) -> Comparison {
    let unrolledL1 = points.last?.l1 ?? 0
    let maximumForce = model.forces(at: positions).forces.map(abs).max() ?? 0
    var comparison = Comparison(maximumForce: maximumForce, forceTolerance: forceTolerance,
                                converged: maximumForce.isFinite && maximumForce <= forceTolerance,
                                unrolledL1: unrolledL1)
    guard comparison.converged else {
      comparison.reason = "max |F| = \(Output.short(maximumForce)) at the end point exceeds the force tolerance \(Output.short(forceTolerance))"
      return comparison
    }
    do {
      let implicit = try ImplicitSensitivity.compute(model: model, positions: positions, parameter: parameter,
                                                     holding: held, options: ImplicitOptions(solver: solver))
      comparison.implicitL1 = implicit.normalisedL1Norm
      let reference = implicit.normalised
      let largest = reference.map(abs).max() ?? 0
      let difference = zip(unrolled, reference).map { abs($0 - $1) }.max() ?? 0
      comparison.relativeDifference = largest > 0 ? difference / largest : difference
      let gauged = SensitivityGauge(model: model, positions: positions).apply(toNormalised: unrolled)
      let gaugedDifference = zip(gauged, reference).map { abs($0 - $1) }.max() ?? 0
      comparison.rattlers = implicit.rattlers
      comparison.gaugedUnrolledL1 = gauged.reduce(0) { $0 + abs($1) }
      comparison.gaugedRelativeDifference = largest > 0 ? gaugedDifference / largest : gaugedDifference
      return comparison
    } catch {
      comparison.reason = "implicit sensitivity failed: \(error)"
      return comparison
    }
  }
}
