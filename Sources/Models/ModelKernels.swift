import DualNumbers
import Minimization
import Particles

/// Everything computed on a model's interaction, as one bundle of kernels built by the one dispatch
/// point (``ParticleModel/kernels(seeding:)``): each closure runs code specialised for the concrete
/// boundary, potential and diameters (the hot loops inside it are generic code compiled for those
/// types), and only the call into it is indirect.
///
/// The plain kernels compute in `Double`; the seeded ones in `Dual<Double>` with every model
/// quantity carrying its derivative along θ (a ``ModelTangent``; zero tangent: derivatives along
/// the positions only).
public struct ModelKernels: @unchecked Sendable {
  /// A Verlet list valid at the positions, with the given skin (length units).
  public let neighbourList: (_ positions: [Double], _ skin: Double) -> NeighbourList
  /// E (energy units), with F = −∂E/∂R written to `forces` (energy / length), over the pairs of a list.
  public let forces: (_ positions: [Double], _ neighbours: NeighbourList, _ forces: inout [Double]) -> Double
  /// E and F together with their directional derivatives Ė, Ḟ = ∂F/∂R·Ṙ + ∂F/∂θ·θ̇ for position
  /// tangents Ṙ (length units per θ unit) and θ̇ = 1: one pass of the force loop on dual numbers.
  ///
  /// With Ṙ = v and a zero tangent, Ḟ = −H·v; with Ṙ = R·(1/L)dL/dθ (normalised coordinates held)
  /// and θ seeded, Ḟ = B = ∂F/∂θ|ₓ.
  public let seededForces: (_ positions: [Double], _ tangents: [Double], _ neighbours: NeighbourList) -> SeededForces
  /// The Hessian at the positions over the pairs of a list (its stiffness blocks computed once).
  public let hessian: (_ positions: [Double], _ neighbours: NeighbourList) -> HessianProduct
  /// Calls the body for every pair of a list within the cutoff, in the force loop's geometry.
  public let forEachInteractingPair: (
    _ positions: [Double], _ neighbours: NeighbourList, _ body: (InteractingPair) -> Void) -> Void
  /// W_ab = Σ_pairs U'(r) d_a d_b / r = V σ_ab (energy units, symmetric d×d), the pair virial over the
  /// pairs of a list, d the separation in the cell's geometry.
  public let virial: (_ positions: [Double], _ neighbours: NeighbourList) -> [[Double]]
  /// The pair energy's derivatives at (r, σ) (plain numbers).
  public let pairDerivatives: (_ distance: Double, _ diameter: Double) -> PairEnergyDerivatives
  /// The pair pass of the seeded interaction with positions R + εṘ (`tangents` Ṙ): separations,
  /// distances and diameters carry their derivatives along the path (θ and the positions together).
  public let forEachSeededPair: (
    _ positions: [Double], _ tangents: [Double], _ neighbours: NeighbourList, _ body: (SeededPair) -> Void) -> Void
  /// U'(r) and U''(r) of the seeded potential at a seeded (r, σ), with their derivatives along θ:
  /// what differentiating an elastic constant along x*(θ) needs (third derivatives of U).
  public let seededPairDerivatives: (_ distance: Dual<Double>, _ diameter: Dual<Double>)
    -> (slope: Dual<Double>, curvature: Dual<Double>)
  /// Puts every particle into the box (periodic) or leaves it (free space).
  public let wrap: (_ positions: inout [Double]) -> Void
  /// Runs the chosen minimiser from a start in `Double`; also returns how often the neighbour list
  /// was rebuilt and how often the forces were evaluated.
  public let minimize: (
    _ start: [Double], _ choice: MinimizerChoice, _ every: Int, _ observer: MinimizationObserver<Double>?
  ) -> (result: MinimizationResult<Double>, neighbourListBuilds: Int, forceEvaluations: Int)
  /// Runs the chosen minimiser in `DoubleDouble` (about 32 digits): forces far below what
  /// `Double` positions resolve.
  public let minimizeExtended: (
    _ start: [DoubleDouble], _ choice: MinimizerChoice, _ every: Int, _ observer: MinimizationObserver<DoubleDouble>?
  ) -> (result: MinimizationResult<DoubleDouble>, neighbourListBuilds: Int, forceEvaluations: Int)
  /// Runs the chosen minimiser in `Dual<Double>` with θ seeded: unrolled differentiation.
  public let minimizeSeeded: (
    _ start: [Dual<Double>], _ choice: MinimizerChoice, _ every: Int, _ observer: MinimizationObserver<Dual<Double>>?
  ) -> MinimizationResult<Dual<Double>>
}

/// E, F and their derivatives along one direction (see ``ModelKernels/seededForces``).
public struct SeededForces: Sendable {
  /// E and dE along the direction.
  public var energy: Dual<Double>
  public var forces: [Double]
  /// Ḟ.
  public var tangents: [Double]
}

extension ParticleModel {
  /// A Verlet list valid at `positions` (skin: ``MinimizerChoice/defaultNeighbourSkin(largestDiameter:)``
  /// unless given).
  public func neighbourList(at positions: [Double], skin: Double? = nil) -> NeighbourList {
    kernels().neighbourList(positions, skin ?? MinimizerChoice.defaultNeighbourSkin(largestDiameter: largestDiameter))
  }

  /// E and F at `positions` (plain numbers), with a neighbour list built for them.
  public func forces(at positions: [Double]) -> (energy: Double, forces: [Double]) {
    let kernels = kernels()
    let neighbours = kernels.neighbourList(
      positions, MinimizerChoice.defaultNeighbourSkin(largestDiameter: largestDiameter))
    var forces = [Double]()
    let energy = kernels.forces(positions, neighbours, &forces)
    return (energy, forces)
  }
}
