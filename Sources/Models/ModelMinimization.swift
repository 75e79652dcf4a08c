import DualNumbers
import Foundation
import Minimization
import Particles

/// What a minimisation of a model did, with the frames it recorded.
public struct MinimizationOutcome: Sendable {
  public struct Frame: Sendable {
    public var step: Int
    public var positions: [Double]
    public var energy: Double
    public var maximumForce: Double

    public init(step: Int, positions: [Double], energy: Double, maximumForce: Double) {
      self.step = step
      self.positions = positions
      self.energy = energy
      self.maximumForce = maximumForce
    }
  }

  public var positions: [Double]
  public var energy: Double
  public var maximumForce: Double
  public var steps: Int
  public var stopReason: MinimizationStopReason
  public var converged: Bool { stopReason == .forceTolerance }
  /// The first frame, every `interval`-th, and the last.
  public var frames: [Frame]
  public var seconds: Double
  public var neighbourListBuilds: Int
  /// Force evaluations of the minimiser (the one at the start included).
  public var forceEvaluations: Int
}

extension MinimizationOutcome {
  /// Positions and frames of a run in the numbering `order` (`SpatialOrder`) back in the
  /// caller's.
  public mutating func restoreNumbering(from order: [Int], width: Int) {
    positions = SpatialOrder.restored(positions, from: order, width: width)
    for index in frames.indices {
      frames[index].positions = SpatialOrder.restored(frames[index].positions, from: order, width: width)
    }
  }
}

extension ParticleModel {
  /// From this many particles on, periodic minimisations number particles cell by cell internally.
  ///
  /// On one thread this is cache locality: from a few thousand particles on, the positions and forces
  /// no longer stay in the core's cache between force evaluations (the minimiser's own vectors pass
  /// through it too), and a pair loop that reads partners in random order waits on memory. On several
  /// threads it is also ownership: split by rows of a randomly numbered list, a thread finds about
  /// half the partners of its particles owned by another thread, and those pair terms are set aside
  /// and applied serially after the join; numbered cell by cell, only the pairs across a chunk
  /// boundary are. Measurements: docs/benchmarks.md.
  public static let reorderingThreshold = 4096

  /// The cell-by-cell numbering a minimisation from `start` runs in: nil when the model is not
  /// periodic or has fewer than `threshold` (default ``reorderingThreshold``) particles.
  public func cellOrder(of start: [Double], using choice: MinimizerChoice, threshold: Int? = nil) -> [Int]? {
    guard periodic, particleCount >= threshold ?? Self.reorderingThreshold else { return nil }
    return SpatialOrder.cellOrder(
      positions: start, dimension: dimension, edges: boxEdges,
      cellSize: potential.cutoffRatio * largestDiameter + choice.neighbourSkin)
  }

  /// Minimises from `start` (flat, length units) with the chosen minimiser: the one minimisation
  /// path of the library (the command line, finite differences and the benchmarks all run it).
  ///
  /// Large periodic systems run with their particles numbered cell by cell (cache locality of the
  /// pair loop, and threads that own their particles' partners); results come back in the
  /// caller's numbering.
  ///
  /// - Parameters:
  ///   - start: the starting positions, flat N × d (length units).
  ///   - choice: the minimiser and its settings (force tolerance, step limit, skin).
  ///   - interval: record a frame every this many steps (0: only the first and the last).
  ///   - progress: called with (step, energy, max |F|) about once a second.
  ///   - threshold: renumber periodic systems of at least this many particles (default
  ///     ``reorderingThreshold``).
  public func minimize(
    from start: [Double], using choice: MinimizerChoice, recordEvery interval: Int = 0,
    reorderingFrom threshold: Int? = nil,
    progress: (@Sendable (Int, Double, Double) -> Void)? = nil
  ) throws(ModelError) -> MinimizationOutcome {
    guard start.count == degreesOfFreedom else {
      throw ModelError("expected \(degreesOfFreedom) coordinates, got \(start.count)")
    }
    guard start.allSatisfy(\.isFinite) else { throw ModelError("the starting positions contain NaN or infinity") }
    guard let order = cellOrder(of: start, using: choice, threshold: threshold) else {
      return minimizeInPlace(from: start, using: choice, recordEvery: interval, progress: progress)
    }
    var outcome = permuted(by: order).minimizeInPlace(
      from: SpatialOrder.permuted(start, by: order, width: dimension), using: choice, recordEvery: interval,
      progress: progress)
    outcome.restoreNumbering(from: order, width: dimension)
    return outcome
  }

  private func minimizeInPlace(
    from start: [Double], using choice: MinimizerChoice, recordEvery interval: Int,
    progress: (@Sendable (Int, Double, Double) -> Void)?
  ) -> MinimizationOutcome {
    let kernels = kernels()
    var positions = start
    kernels.wrap(&positions)
    var frames = [MinimizationOutcome.Frame]()
    let clock = ContinuousClock()
    let began = clock.now
    var lastReport = began
    // Observe every step only when something needs it; the observer itself is cheap.
    let observeEvery = interval > 0 ? (progress == nil ? interval : 1) : (progress == nil ? 0 : 1)
    let observer: MinimizationObserver<Double> = { step, x, energy, force in
      if step == 0 || (interval > 0 && step % interval == 0) {
        frames.append(MinimizationOutcome.Frame(step: step, positions: x, energy: energy, maximumForce: force))
      }
      if let progress, clock.now - lastReport > .seconds(1) {
        lastReport = clock.now
        progress(step, energy, force)
      }
    }
    let (result, builds, evaluations) = kernels.minimize(positions, choice, observeEvery, observer)
    if frames.isEmpty {
      var forces = [Double]()
      let energy = kernels.forces(positions, kernels.neighbourList(positions, 0), &forces)
      let maximum = forces.map(abs).max() ?? 0
      frames.append(MinimizationOutcome.Frame(step: 0, positions: positions, energy: energy, maximumForce: maximum))
    }
    if frames.last?.step != result.steps {
      frames.append(MinimizationOutcome.Frame(step: result.steps, positions: result.positions, energy: result.energy,
                                              maximumForce: result.maximumForce))
    }
    let elapsed = clock.now - began
    return MinimizationOutcome(
      positions: result.positions, energy: result.energy, maximumForce: result.maximumForce,
      steps: result.steps, stopReason: result.stopReason, frames: frames,
      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
      neighbourListBuilds: builds, forceEvaluations: evaluations)
  }

  /// Minimises in `Dual<Double>` from `start` with θ seeded by `tangent`: the same minimiser code on
  /// dual numbers (unrolled differentiation). `observer` sees every `interval`-th step.
  public func minimizeSeeded(
    from start: [Dual<Double>], using choice: MinimizerChoice, seeding tangent: ModelTangent,
    every interval: Int = 0, observer: MinimizationObserver<Dual<Double>>? = nil
  ) -> MinimizationResult<Dual<Double>> {
    kernels(seeding: tangent).minimizeSeeded(start, choice, interval, observer)
  }
}

/// A minimisation in extended precision (`DoubleDouble`, about 32 digits).
public struct ExtendedMinimization: @unchecked Sendable {
  /// Flat positions, wrapped into the box (length units).
  public var positions: [DoubleDouble]
  public var energy: DoubleDouble
  /// max |Fᵢₖ| (leading parts).
  public var maximumForce: Double
  public var steps: Int
  public var stopReason: MinimizationStopReason
  public var converged: Bool { stopReason == .forceTolerance }
  public var seconds: Double
  public var forceEvaluations: Int
}

extension ParticleModel {
  /// Minimises from `start` with the chosen minimiser run entirely in `DoubleDouble`: the pair
  /// loop, the forces, the positions and the minimiser's vectors (its step control stays in
  /// `Double`). For force tolerances below what `Double` positions resolve (≈ 10⁻¹⁴ at unit
  /// stiffness); start it from a configuration minimised in `Double`. Particles keep the caller's
  /// numbering (no cell reordering).
  public func minimizeInExtendedPrecision(
    from start: [DoubleDouble], using choice: MinimizerChoice
  ) throws(ModelError) -> ExtendedMinimization {
    guard start.count == degreesOfFreedom else {
      throw ModelError("expected \(degreesOfFreedom) coordinates, got \(start.count)")
    }
    guard start.allSatisfy(\.isFinite) else { throw ModelError("the starting positions contain NaN or infinity") }
    let clock = ContinuousClock()
    let began = clock.now
    let (result, _, evaluations) = kernels().minimizeExtended(start, choice, 0, nil)
    let elapsed = clock.now - began
    return ExtendedMinimization(
      positions: result.positions, energy: result.energy, maximumForce: result.maximumForce, steps: result.steps,
      stopReason: result.stopReason,
      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
      forceEvaluations: evaluations)
  }
}
