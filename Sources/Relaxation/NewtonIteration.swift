import LinearAlgebra
import Models
import Particles
import Sensitivity

/// H as a ``LinearOperator`` for the Krylov solver.
struct HessianOperator: LinearOperator {
  let hessian: HessianProduct
  var rowCount: Int { hessian.diagonal.count }
  var columnCount: Int { hessian.diagonal.count }
  func apply(_ x: [Double], into result: inout [Double]) { hessian(x, into: &result) }
}

/// The forces, energy and contact network at one configuration.
struct NewtonPoint {
  var positions: [Double]
  var neighbours: NeighbourList
  var forces: [Double]
  var energy: Double

  init(_ positions: [Double], kernels: ModelKernels, skin: Double) {
    self.positions = positions
    kernels.wrap(&self.positions)
    neighbours = kernels.neighbourList(self.positions, skin)
    forces = []
    energy = kernels.forces(self.positions, neighbours, &forces)
  }

  var maximumForce: Double { forces.reduce(0) { max($0, abs($1)) } }
  var forceNorm: Double { VectorOperations.norm(forces) }
  var isFinite: Bool { energy.isFinite && VectorOperations.isFinite(forces) }
}

extension ParticleModel {
  /// Newton–Krylov from `start` to max |Fᵢₖ|² < tolerance² (see ``NewtonKrylovFinish``).
  public func finishWithNewton(from start: [Double], using settings: NewtonKrylovFinish) -> NewtonKrylovOutcome {
    let kernels = kernels()
    let tolerance = settings.forceTolerance
    var point = NewtonPoint(start, kernels: kernels, skin: settings.neighbourSkin)
    var outcome = NewtonKrylovOutcome(
      positions: point.positions, energy: point.energy, maximumForce: point.maximumForce, stop: .forceTolerance,
      newtonSteps: 0, hessianProducts: 0, forceEvaluations: 1, truncatedSolves: 0, contactNetworkChanges: 0,
      energies: [point.energy], maximumForces: [point.maximumForce])
    var forcingTerm = settings.maximumForcingTerm
    var previousForceNorm: Double? = nil
    var network = contactNetwork(at: point.positions, neighbours: point.neighbours)
    var shortenedInARow = 0

    func finish(_ stop: NewtonKrylovOutcome.Stop) -> NewtonKrylovOutcome {
      outcome.positions = point.positions
      outcome.energy = point.energy
      outcome.maximumForce = point.maximumForce
      outcome.stop = stop
      return outcome
    }

    while true {
      guard point.isFinite else { return finish(.nonFinite) }
      let maximumForce = point.maximumForce
      if maximumForce * maximumForce < tolerance * tolerance { return finish(.forceTolerance) }
      if outcome.newtonSteps >= settings.maximumNewtonSteps { return finish(.maximumNewtonSteps) }
      if shortenedInARow >= settings.maximumShortSteps { return finish(.stalled) }

      // Eisenstat–Walker choice 2, safeguarded, and no tighter than the target needs.
      let forceNorm = point.forceNorm
      if let previous = previousForceNorm {
        let proposed = settings.forcingFactor * (forceNorm / previous) * (forceNorm / previous)
        let safeguard = settings.forcingFactor * forcingTerm * forcingTerm
        forcingTerm = min(settings.maximumForcingTerm, safeguard > 0.1 ? max(proposed, safeguard) : proposed)
      }
      forcingTerm = max(forcingTerm, 0.5 * tolerance / forceNorm)
      previousForceNorm = forceNorm

      let hessian = kernels.hessian(point.positions, point.neighbours)
      // Jacobi, with 1 where a particle has no contact (a zero diagonal).
      let inverseDiagonal = hessian.diagonal.map { $0 > 0 ? 1 / $0 : 1 }
      let preconditioner = MatrixFreePreconditioner { residual, result in
        for index in residual.indices { result[index] = residual[index] * inverseDiagonal[index] }
      }
      let solver = SteihaugConjugateGradient(tolerance: forcingTerm, maximumIterations: settings.maximumKrylovIterations,
                                             preconditioner: preconditioner)
      let solve = solver.solve(HessianOperator(hessian: hessian), point.forces)
      outcome.hessianProducts += solve.iterations
      guard solve.stop != .nonFinite else { return finish(.nonFinite) }
      if solve.stop == .nonPositiveCurvature {
        if settings.requiresConvexity { return finish(.notConvex) }
        outcome.truncatedSolves += 1
      }
      var step = solve.solution
      removeMean(&step)

      // Backtracking on the energy; below the resolution of E, on ‖F‖.
      let slope = VectorOperations.dot(point.forces, step)
      guard slope > 0 else { return finish(.lineSearchFailed) }
      let resolution = NewtonKrylovFinish.energyResolution(point.energy, coordinates: point.forces.count)
      var scale = 1.0
      var accepted: NewtonPoint? = nil
      for _ in 0...settings.maximumHalvings {
        var trial = point.positions
        VectorOperations.axpy(scale, step, &trial)
        let candidate = NewtonPoint(trial, kernels: kernels, skin: settings.neighbourSkin)
        outcome.forceEvaluations += 1
        let change = candidate.energy - point.energy
        if candidate.isFinite
          && settings.accepts(energyChange: change, resolution: resolution, scale: scale, slope: slope,
                              forceNorm: forceNorm, trialForceNorm: candidate.forceNorm) {
          accepted = candidate
          break
        }
        scale *= 0.5
      }
      guard let next = accepted else { return finish(.lineSearchFailed) }
      point = next
      outcome.newtonSteps += 1
      outcome.energies.append(point.energy)
      outcome.maximumForces.append(point.maximumForce)
      let nextNetwork = contactNetwork(at: point.positions, neighbours: point.neighbours)
      if nextNetwork != network { outcome.contactNetworkChanges += 1 }
      network = nextNetwork
      // Steps cut a thousandfold, again and again: the quadratic model no longer describes the
      // landscape at the step's length (contacts opening and closing); the minimiser does better.
      shortenedInARow = scale < settings.shortStep ? shortenedInARow + 1 : 0
    }
  }

  /// Removes the mean displacement per axis (a rigid translation, a zero mode of H).
  private func removeMean(_ step: inout [Double]) {
    guard periodic else { return }
    for axis in 0..<dimension {
      var sum = 0.0
      for particle in 0..<particleCount { sum += step[particle * dimension + axis] }
      let mean = sum / Double(particleCount)
      for particle in 0..<particleCount { step[particle * dimension + axis] -= mean }
    }
  }
}
