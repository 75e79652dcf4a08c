import DualNumbers
import Foundation
import Minimization
import Particles

/// A minimisation of a system from given positions: the minimiser the system file configures, over
/// the system's interaction, with frames recorded every `interval` steps.
public struct MinimizationRun {
  public struct Frame: Sendable {
    public var step: Int
    public var positions: [Double]
    public var energy: Double
    public var maximumForce: Double
  }

  public struct Outcome: Sendable {
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
  }

  public var system: ParticleSystem
  public var minimizer: any Minimizer
  /// Record a frame every this many steps (0: only the first and the last).
  public var interval: Int
  /// Called with (step, energy, max force) about once a second, for progress reports.
  public var progress: (@Sendable (Int, Double, Double) -> Void)?

  public init(system: ParticleSystem, minimizer: (any Minimizer)? = nil, interval: Int = 0,
              progress: (@Sendable (Int, Double, Double) -> Void)? = nil) {
    self.system = system
    self.minimizer = minimizer ?? system.minimizer.minimizer
    self.interval = interval
    self.progress = progress
  }

  /// Minimises from `start` (flat, length units).
  public func run(from start: [Double]) throws -> Outcome {
    guard start.count == system.particleCount * system.dimension else {
      throw SystemError("expected \(system.particleCount * system.dimension) coordinates, got \(start.count)")
    }
    guard start.allSatisfy(\.isFinite) else { throw SystemError("the starting positions contain NaN or infinity") }
    guard system.periodic, system.particleCount >= reorderingThreshold else {
      return try system.withInteraction(Visitor(run: self, start: start))
    }
    // Large systems run with particles numbered cell by cell (cache locality of the pair loop);
    // results come back in the caller's numbering.
    let order = SpatialOrder.cellOrder(
      positions: start, dimension: system.dimension, edges: system.boxEdges,
      cellSize: system.potential.cutoffRatio * (system.pairDiameters.joined().max() ?? 1) + system.minimizer.neighbourSkin)
    var reordered = self
    reordered.system = try system.reorderingSpecies(SpatialOrder.permuted(system.speciesOfParticle, by: order))
    var outcome = try reordered.system.withInteraction(
      Visitor(run: reordered, start: SpatialOrder.permuted(start, by: order, width: system.dimension)))
    outcome.positions = SpatialOrder.restored(outcome.positions, from: order, width: system.dimension)
    for index in outcome.frames.indices {
      outcome.frames[index].positions = SpatialOrder.restored(outcome.frames[index].positions, from: order,
                                                              width: system.dimension)
    }
    return outcome
  }

  /// From this many particles on, runs number particles cell by cell internally.
  public var reorderingThreshold = 20_000

  private struct Visitor: InteractionVisitor {
    let run: MinimizationRun
    let start: [Double]

    func visit<Space: Boundary, Potential: PairPotential>(
      _ interaction: PairInteraction<Space, Potential, SpeciesPairDiameters<Double>>
    ) throws -> Outcome where Space.Scalar == Double, Potential.Scalar == Double {
      var landscape = ParticleLandscape(interaction, skin: run.system.minimizer.neighbourSkin)
      var positions = start
      interaction.wrap(&positions)
      var frames = [Frame]()
      let clock = ContinuousClock()
      let began = clock.now
      var lastReport = began
      let interval = run.interval
      let progress = run.progress
      // Observe every step only when something needs it; the observer itself is cheap.
      let observeEvery = interval > 0 ? (progress == nil ? interval : 1) : (progress == nil ? 0 : 1)
      let observer: MinimizationObserver<Double> = { step, x, energy, force in
        if step == 0 || (interval > 0 && step % interval == 0) {
          frames.append(Frame(step: step, positions: x, energy: energy, maximumForce: force))
        }
        if let progress, clock.now - lastReport > .seconds(1) {
          lastReport = clock.now
          progress(step, energy, force)
        }
      }
      // The concrete minimisers are called directly so that their generic loops specialise for
      // this interaction; through the existential they would run unspecialised, ~20x slower.
      let result: MinimizationResult<Double>
      switch run.minimizer {
      case let fire as FIRE:
        result = fire.minimize(&landscape, from: positions, every: observeEvery, observer: observer)
      case let descent as GradientDescent:
        result = descent.minimize(&landscape, from: positions, every: observeEvery, observer: observer)
      default:
        result = run.minimizer.minimize(&landscape, from: positions, every: observeEvery, observer: observer)
      }
      if frames.isEmpty {
        var energy = 0.0
        var forces = [Double]()
        var list = NeighbourList(skin: 0)
        interaction.updateNeighbours(&list, positions: positions)
        energy = interaction.forces(positions, neighbours: list, into: &forces)
        let maximum = forces.map(abs).max() ?? 0
        frames.append(Frame(step: 0, positions: positions, energy: energy, maximumForce: maximum))
      }
      if frames.last?.step != result.steps {
        frames.append(Frame(step: result.steps, positions: result.positions, energy: result.energy,
                            maximumForce: result.maximumForce))
      }
      let elapsed = clock.now - began
      return Outcome(
        positions: result.positions, energy: result.energy, maximumForce: result.maximumForce,
        steps: result.steps, stopReason: result.stopReason, frames: frames,
        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
        neighbourListBuilds: landscape.neighbours.buildCount)
    }
  }
}

extension ParticleSystem {
  /// The starting positions the system file asks for: its positions file, or the seeded uniform
  /// random configuration (seed from `seed`, else the file's, else 0).
  public func startingPositions(seed: UInt64? = nil) throws -> (system: ParticleSystem, positions: [Double]) {
    if seed == nil, let file = description.initial?.positions {
      let path = baseDirectory.map { URL(fileURLWithPath: file, relativeTo: $0).path } ?? file
      let loaded = try PositionsFile(path: path, system: self)
      return (loaded.system, loaded.positions)
    }
    let chosen = seed ?? description.initial?.seed ?? 0
    return (self, RandomConfiguration.uniform(count: particleCount, edges: boxEdges, seed: chosen))
  }
}
