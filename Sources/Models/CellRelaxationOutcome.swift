import Foundation
import Minimization
import Particles

/// What a relaxation of particles and cell to a target pressure did (see ``CellRelaxation``).
public struct CellRelaxationOutcome: Sendable {
  /// A configuration on the way: the cell it was in and the particles' reference coordinates there.
  public struct Frame: Sendable {
    public var step: Int
    public var model: ParticleModel
    public var positions: [Double]
    /// E (not H) (energy units).
    public var energy: Double
    public var maximumForce: Double
  }

  /// The relaxed cell: a diagonal deformation is folded into the box edges (an orthorhombic box
  /// stays one), any other is the model's deformation F = G·F₀.
  public var model: ParticleModel
  /// The particles' reference coordinates in ``model``'s cell (length units).
  public var positions: [Double]
  /// E and H = E + P·V at the end (energy units).
  public var energy: Double
  public var enthalpy: Double
  /// σ of the relaxed configuration (energy / length^d) and p = −tr σ/d.
  public var stress: [[Double]]
  public var pressure: Double
  /// max |fᵢₖ| of the physical forces (energy / length).
  public var maximumForce: Double
  /// max |∂H/∂cₖ|, the cell's generalised forces (energy units, divided by the cell scale s).
  public var maximumCellForce: Double
  /// max over the free components of |σ_ab + P δ_ab| (energy / length^d): zero at the target.
  public var stressResidual: Double
  public var steps: Int
  public var stopReason: MinimizationStopReason
  /// Whether the forces and the cell's generalised forces met the tolerance.
  public var converged: Bool { stopReason == .forceTolerance }
  /// The first frame, every `interval`-th, and the last.
  public var frames: [Frame]
  public var seconds: Double
  /// Evaluations of H and its gradients by the minimiser (each one force and one virial pass).
  public var forceEvaluations: Int
  public var neighbourListBuilds: Int
}

extension ParticleModel {
  /// Relaxes the particles from `start` (reference coordinates, flat N × d) and the cell together
  /// to the minimum of H = E + P·V (see ``CellRelaxation``) with the chosen minimiser, run on the
  /// ``EnthalpyLandscape``: it stops when every particle force component and every generalised
  /// force of the cell is at most the force tolerance, or at the step limit.
  ///
  /// The minimiser sees −∂H/∂X = Fᵀf; should the physical forces f still exceed the tolerance where
  /// Fᵀf meets it (a cell compressed by the relaxation), it continues from there, at most twice,
  /// with the tolerance tightened by the ratio. Systems of at least `threshold` particles run
  /// numbered cell by cell, as ``minimize(from:using:recordEvery:reorderingFrom:progress:)``;
  /// particles keep the caller's numbering.
  public func relaxCell(
    from start: [Double], to relaxation: CellRelaxation, using choice: MinimizerChoice, recordEvery interval: Int = 0,
    reorderingFrom threshold: Int? = nil, progress: (@Sendable (Int, Double, Double) -> Void)? = nil
  ) throws(ModelError) -> CellRelaxationOutcome {
    try relaxation.check(for: self)
    guard start.count == degreesOfFreedom else {
      throw ModelError("expected \(degreesOfFreedom) coordinates, got \(start.count)")
    }
    guard start.allSatisfy(\.isFinite) else { throw ModelError("the starting positions contain NaN or infinity") }
    guard let order = cellOrder(of: start, using: choice, threshold: threshold) else {
      return relaxCellInPlace(from: start, to: relaxation, using: choice, recordEvery: interval, progress: progress)
    }
    var outcome = permuted(by: order).relaxCellInPlace(
      from: SpatialOrder.permuted(start, by: order, width: dimension), to: relaxation, using: choice,
      recordEvery: interval, progress: progress)
    func restored(_ model: ParticleModel, _ positions: [Double]) -> (ParticleModel, [Double]) {
      var model = model
      model.diameters = diameters
      return (model, SpatialOrder.restored(positions, from: order, width: dimension))
    }
    (outcome.model, outcome.positions) = restored(outcome.model, outcome.positions)
    for index in outcome.frames.indices {
      (outcome.frames[index].model, outcome.frames[index].positions) =
        restored(outcome.frames[index].model, outcome.frames[index].positions)
    }
    return outcome
  }

  private func relaxCellInPlace(
    from start: [Double], to relaxation: CellRelaxation, using choice: MinimizerChoice, recordEvery interval: Int,
    progress: (@Sendable (Int, Double, Double) -> Void)?
  ) -> CellRelaxationOutcome {
    let clock = ContinuousClock()
    let began = clock.now
    var lastReport = began
    var current = (model: self, positions: start)
    var frames: [CellRelaxationOutcome.Frame] = []
    var steps = 0
    var evaluations = 0
    var builds = 0
    var tolerance = choice.forceTolerance
    var stopReason = MinimizationStopReason.maximumSteps
    for _ in 0..<3 {
      var landscape = EnthalpyLandscape(model: current.model, relaxation: relaxation, skin: choice.neighbourSkin)
      // The observer reads the cell geometry from a copy: the minimiser holds the landscape itself.
      let geometry = landscape
      var run = choice
      run.forceTolerance = tolerance
      run.maximumSteps = max(0, choice.maximumSteps - steps)
      let offset = steps
      let observeEvery = interval > 0 ? (progress == nil ? interval : 1) : (progress == nil ? 0 : 1)
      let observer: MinimizationObserver<Double> = { step, coordinates, enthalpy, force in
        let total = offset + step
        if (total == 0 && frames.isEmpty) || (interval > 0 && step > 0 && total % interval == 0) {
          frames.append(Self.frame(total, landscape: geometry, coordinates: coordinates, enthalpy: enthalpy, force: force))
        }
        if let progress, clock.now - lastReport > .seconds(1) {
          lastReport = clock.now
          progress(total, enthalpy, force)
        }
      }
      var coordinates = landscape.coordinates(positions: current.positions)
      landscape.displace(&coordinates, by: [Double](repeating: 0, count: coordinates.count))
      let result = run.minimize(&landscape, from: coordinates, every: observeEvery, observer: observer)
      steps += result.steps
      evaluations += landscape.forceEvaluations
      builds += landscape.neighbourListBuilds
      stopReason = result.stopReason
      current = Self.folded(landscape.model(atCell: landscape.cell(of: result.positions)),
                            positions: landscape.positions(of: result.positions))
      guard result.converged else { break }
      let physical = current.model.forces(at: current.positions).forces.reduce(0) { max($0, abs($1)) }
      guard physical > choice.forceTolerance else { break }
      tolerance *= 0.5 * choice.forceTolerance / physical
      stopReason = .maximumSteps
    }
    let (energy, forces) = current.model.forces(at: current.positions)
    let stress = current.model.stress(at: current.positions)
    let final = CellRelaxationOutcome.Frame(step: steps, model: current.model, positions: current.positions,
                                            energy: energy, maximumForce: forces.reduce(0) { max($0, abs($1)) })
    if frames.last?.step == steps { frames.removeLast() }
    frames.append(final)
    var check = EnthalpyLandscape(model: current.model, relaxation: relaxation, skin: choice.neighbourSkin)
    var generalised = [Double]()
    let enthalpy = check.forces(at: check.coordinates(positions: current.positions), into: &generalised)
    let residual = relaxation.basis(dimension: dimension).map { b in
      var component = 0.0
      for a in 0..<dimension {
        for c in 0..<dimension where b[a][c] != 0 { component += b[a][c] * (stress[a][c] + (a == c ? relaxation.pressure : 0)) }
      }
      return abs(relaxation.freedom == .isotropic ? component / Double(dimension) : component)
    }.max() ?? 0
    let elapsed = clock.now - began
    return CellRelaxationOutcome(
      model: current.model, positions: current.positions, energy: energy, enthalpy: enthalpy, stress: stress,
      pressure: ParticleModel.pressure(of: stress), maximumForce: final.maximumForce,
      maximumCellForce: generalised[degreesOfFreedom...].reduce(0) { max($0, abs($1)) }, stressResidual: residual,
      steps: steps, stopReason: stopReason, frames: frames,
      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
      forceEvaluations: evaluations, neighbourListBuilds: builds)
  }

  /// A recorded frame of the landscape's coordinates, with E = H − P·V.
  static func frame(_ step: Int, landscape: EnthalpyLandscape, coordinates: [Double], enthalpy: Double,
                    force: Double) -> CellRelaxationOutcome.Frame {
    let cellModel = landscape.model(atCell: landscape.cell(of: coordinates))
    let folded = Self.folded(cellModel, positions: landscape.positions(of: coordinates))
    return CellRelaxationOutcome.Frame(step: step, model: folded.model, positions: folded.positions,
                                       energy: enthalpy - landscape.relaxation.pressure * cellModel.boxVolume,
                                       maximumForce: force)
  }

  /// A diagonal deformation folded into the box: Lₖ ← Fₖₖ Lₖ and Xₖ ← Fₖₖ Xₖ, F ← nil; any other kept.
  /// (Positions in [0, Lₖ) stay in [0, Fₖₖ Lₖ) but for rounding, which `wrapping` removes.)
  static func folded(_ model: ParticleModel, positions: [Double], wrapping: Bool = true)
    -> (model: ParticleModel, positions: [Double]) {
    guard let f = model.deformation, EnthalpyLandscape.isDiagonal(f) else { return (model, positions) }
    let d = model.dimension
    var folded = model
    folded.deformation = nil
    folded.boxEdges = (0..<d).map { f[$0][$0] * model.boxEdges[$0] }
    var scaled = positions
    for index in scaled.indices { scaled[index] *= f[index % d][index % d] }
    if wrapping { folded.kernels().wrap(&scaled) }
    return (folded, scaled)
  }
}
