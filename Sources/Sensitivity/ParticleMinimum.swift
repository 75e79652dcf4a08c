import ImplicitDifferentiation
import LinearAlgebra
import Models
import Particles

/// A minimum x̂ as the implicit-differentiation engine sees it: the particle-specific part of every
/// implicit derivative (rattlers, the reduced space, the rigid-body null space, the Hessian), shared
/// by the forward sensitivity and the adjoint gradient, which then call the engine's JVP and VJP.
///
/// Rattlers are removed, not pinned (see ``RattlerDetection``): `backbone`, the Hessian, B and the
/// residual force use the neighbour list without the rattlers' pairs; `neighbours`, `forces`,
/// `energy` and `maximumForce` describe the whole system.
struct ParticleMinimum {
  let model: ParticleModel
  let positions: [Double]
  let kernels: ModelKernels
  /// Every pair (the whole system).
  let neighbours: NeighbourList
  /// The pairs of the backbone: `neighbours` without any pair involving a rattler.
  let backbone: NeighbourList
  /// F(x̂) of the whole system.
  let forces: [Double]
  /// F(x̂) of the backbone alone (equal to `forces` without rattlers).
  let backboneForces: [Double]
  let energy: Double
  let maximumForce: Double
  let rattlers: [Int]
  let space: ReducedSpace
  let hessian: HessianProduct
  /// The rigid-body modes of every cluster (``ReducedSpace``) as the engine's null space, with the
  /// shift μ = mean of diag(H) so that the shifted modes sit inside H's spectrum; nil when the
  /// options keep them.
  let nullSpace: NullSpace?
  /// diag of the operator the engine solves, P H P + μ (I − P) (for Jacobi).
  let systemDiagonal: [Double]
  var warnings: [String]

  init(model: ParticleModel, positions: [Double], options: ImplicitOptions) throws(SensitivityError) {
    guard positions.count == model.degreesOfFreedom else {
      throw .invalidInput("\(positions.count) position components for \(model.particleCount) particles in \(model.dimension)D")
    }
    guard positions.allSatisfy(\.isFinite) else { throw .invalidInput("non-finite position") }
    self.model = model
    self.positions = positions
    let kernels = model.kernels()
    self.kernels = kernels
    neighbours = model.neighbourList(at: positions, skin: options.neighbourSkin)
    var forces = [Double]()
    energy = kernels.forces(positions, neighbours, &forces)
    self.forces = forces
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
      backboneForces = forces
    } else {
      backbone = neighbours.removingPairs(involving: rattlers)
      var backboneForces = [Double]()
      _ = kernels.forces(positions, backbone, &backboneForces)
      self.backboneForces = backboneForces
    }
    let space = ReducedSpace(backboneOf: model, at: positions, network: network, rattlers: rattlers,
                             projectsTranslations: options.projectTranslations)
    self.space = space
    guard space.count > 0 else { throw .noRigidNetwork }
    hessian = kernels.hessian(positions, backbone)
    let diagonal = space.restrict(hessian.diagonal)
    let mean = diagonal.reduce(0, +) / Double(diagonal.count)
    let shift = mean > 0 && mean.isFinite ? mean : 1
    if space.projectsTranslations {
      // Every force derivative B of pair forces is orthogonal to these modes by Newton's third law
      // and zero torque: its component along them is rounding, reported (the validity report's
      // `nullSpaceComponent`) rather than refused, since it is a large fraction of B exactly when B is
      // itself rounding (dx*/dε of a harmonic packing: B = F/ε, zero at a minimum).
      nullSpace = NullSpace(dimension: space.rigidModeCount, stateDimension: space.count,
                            consistencyTolerance: .infinity, shift: shift) {
        space.projectTranslations(&$0)
      }
    } else {
      nullSpace = nil
    }
    systemDiagonal = space.shiftedDiagonal(diagonal, shift: shift)
  }

  /// The engine's linearization at x̂ for parameters whose force derivative is `parameters`.
  func linearization(_ parameters: ParameterDerivative) -> ParticleLinearization {
    let hessian = self.hessian
    return ParticleLinearization(
      space: space, hessianProduct: { v, result in hessian(v, into: &result) },
      blockProduct: { v, columns, result in hessian(block: v, columns: columns, into: &result) },
      parameters: parameters)
  }

  /// B = ∂F/∂θ at fixed normalised coordinates (full d·N) of the backbone, at `positions` (x̂ unless
  /// given): the tangent of F with θ seeded and the positions moving with the box, Ṙ = R·(1/L)dL/dθ.
  func parameterDerivative(_ tangent: ModelTangent, at positions: [Double]? = nil) -> [Double] {
    let positions = positions ?? self.positions
    return model.kernels(seeding: tangent)
      .seededForces(positions, positions.map { $0 * tangent.boxScaleRate }, backbone).tangents
  }

  /// The linearization at x̂ + δ (δ in the reduced space) over the same pairs, with H·v from the
  /// tangent of the force loop (no stiffness blocks to build for the two products the error estimate
  /// takes there).
  func displacedLinearization(_ displacement: [Double], tangent: ModelTangent) -> ParticleLinearization {
    let shifted = zip(positions, space.expand(displacement)).map { $0 + $1 }
    let backbone = self.backbone
    let kernels = self.kernels
    return ParticleLinearization(
      space: space,
      hessianProduct: { v, result in
        result = kernels.seededForces(shifted, v, backbone).tangents.map { -$0 }
      },
      parameters: .single(parameterDerivative(tangent, at: shifted)))
  }

  /// The solver of `choice` for the operator the engine solves, preconditioned by `preconditioner`
  /// unless the choice asks for Jacobi or a dense solve.
  func solver(_ choice: SolverChoice, preconditioner: HessianPreconditioner = .none) throws(SensitivityError)
    -> any LinearSolver
  {
    let iterative = choice.resolvedMethod(structure: .symmetricPositiveDefinite, dimension: space.count) != .dense
    // A diagonal block that is not positive definite (a particle whose contacts are under such
    // tension that its own stiffness is indefinite) leaves the solve unpreconditioned, not failed.
    let supplied = iterative && !choice.jacobi
      ? try? preconditioner.make(for: hessian, on: space, shiftedDiagonal: systemDiagonal) : nil
    do {
      return try choice.makeSolver(structure: .symmetricPositiveDefinite, dimension: space.count,
                                   diagonal: choice.jacobi ? systemDiagonal : nil, preconditioner: supplied)
    } catch {
      throw .engine(error)
    }
  }
}
