import DualNumbers
import LinearAlgebra
import Particles

/// Everything about a minimum x̂ that the implicit sensitivity and the adjoint gradient share:
/// the neighbour list, forces, rattlers, the reduced space and the Hessian operator on it.
///
/// Rattlers are removed, not pinned (see ``RattlerDetection``): `backbone`, `forceMap`, the
/// Hessian, its diagonal, B and the residual force all use the neighbour list without the rattlers'
/// pairs; `neighbours`, `forces`, `energy` and `maximumForce` describe the whole system.
struct PreparedMinimum {
  let model: ParticleModel
  let positions: [Double]
  /// Every pair (the whole system).
  let neighbours: NeighbourList
  /// The pairs of the backbone: `neighbours` without any pair involving a rattler.
  let backbone: NeighbourList
  /// The dual force map of the backbone.
  let forceMap: DualForceMap
  /// F(x̂) of the whole system.
  let forces: [Double]
  /// F(x̂) of the backbone alone (equal to `forces` without rattlers).
  let backboneForces: [Double]
  let energy: Double
  let maximumForce: Double
  let rattlers: [Int]
  let space: ReducedSpace
  let hessian: HessianOperator
  /// diag(A) on the reduced space (with the translation shift).
  let diagonal: [Double]
  var warnings: [String]

  init(model: ParticleModel, positions: [Double], options: ImplicitOptions) throws(SensitivityError) {
    guard positions.count == model.degreesOfFreedom else {
      throw .invalidInput("\(positions.count) position components for \(model.particleCount) particles in \(model.dimension)D")
    }
    guard positions.allSatisfy(\.isFinite) else { throw .invalidInput("non-finite position") }
    self.model = model
    self.positions = positions
    neighbours = model.neighbourList(at: positions, skin: options.neighbourSkin)
    let wholeMap = model.dualForceMap(neighbours: neighbours)
    let noTangents = [Double](repeating: 0, count: positions.count)
    let evaluation = wholeMap(positions, tangents: noTangents)
    forces = evaluation.forces
    energy = evaluation.energy.value
    maximumForce = forces.reduce(0) { max($0, abs($1)) }
    warnings = []
    guard maximumForce <= options.refusalForce else {
      throw .notAMinimum(maximumForce: maximumForce, threshold: options.refusalForce)
    }
    if maximumForce > options.warningForce {
      warnings.append("max force component \(maximumForce) exceeds \(options.warningForce): the sensitivity is only as good as the minimum")
    }
    let network = model.contactNetwork(at: positions, neighbours: neighbours)
    rattlers = options.excludeRattlers
      ? RattlerDetection.rattlers(in: network, dimension: model.dimension,
                                  minimumContacts: options.minimumContacts ?? model.rattlerContactThreshold)
      : []
    if rattlers.isEmpty {
      backbone = neighbours
      forceMap = wholeMap
      backboneForces = forces
    } else {
      backbone = neighbours.removingPairs(involving: rattlers)
      forceMap = model.dualForceMap(neighbours: backbone)
      backboneForces = forceMap(positions, tangents: noTangents).forces
    }
    // Every cluster's rigid-body modes are zero modes of H (see ``ReducedSpace``): projected out for
    // the forward and the adjoint solve alike.
    let space = ReducedSpace(dimension: model.dimension, particleCount: model.particleCount, rattlers: rattlers,
                             projectsTranslations: options.projectTranslations,
                             clusters: model.rigidClusters(of: network, at: positions, excluding: rattlers))
    self.space = space
    guard space.count > 0 else { throw .noRigidNetwork }
    let fullDiagonal = space.restrict(model.hessianDiagonal(at: positions, neighbours: backbone))
    // μ: the mean curvature, so that the shifted translation modes sit inside H's spectrum.
    let mean = fullDiagonal.reduce(0, +) / Double(fullDiagonal.count)
    let shift = mean > 0 && mean.isFinite ? mean : 1
    hessian = HessianOperator(product: model.hessianProduct(at: positions, neighbours: backbone), positions: positions,
                              space: space, translationShift: shift)
    diagonal = space.shiftedDiagonal(fullDiagonal, shift: shift)
  }

  /// Solves A y = b on the reduced space; throws when the solve misses its tolerance.
  func solve(_ b: [Double], with choice: SolverChoice) throws(SensitivityError) -> LinearSolveResult {
    if choice.method == .dense && model.particleCount > SolverChoice.denseParticleLimit {
      throw .invalidInput("the dense solver is limited to \(SolverChoice.denseParticleLimit) particles")
    }
    let solver = try choice.makeSolver(diagonal: diagonal)
    let result = solver.solve(hessian, b)
    guard result.converged else {
      throw .solveDidNotConverge(solver: solver.name, status: result.status.description,
                                 relativeResidual: result.relativeResidual, iterations: result.iterations)
    }
    return result
  }

  /// The restricted, translation-projected residual force P F(x̂) of the backbone (energy / length).
  var reducedForces: [Double] {
    var reduced = space.restrict(backboneForces)
    space.projectTranslations(&reduced)
    return reduced
  }
}
