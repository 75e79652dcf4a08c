import DualNumbers
import Minimization
import Particles

extension ModelKernels {
  /// The kernels of one concrete interaction, in `Double` (`plain`), in `Dual<Double>` with θ
  /// seeded (`seeded`) and in `DoubleDouble` (`extended`): the same pair loop, boundary and
  /// potential in all three.
  init<Space: Boundary, Potential: PairPotential, Diameters: InteractionDiameters,
       SeededSpace: Boundary, SeededPotential: PairPotential, SeededDiameters: InteractionDiameters,
       ExtendedSpace: Boundary, ExtendedPotential: PairPotential, ExtendedDiameters: InteractionDiameters>(
    plain interaction: PairInteraction<Space, Potential, Diameters>,
    seeded: PairInteraction<SeededSpace, SeededPotential, SeededDiameters>,
    extended: PairInteraction<ExtendedSpace, ExtendedPotential, ExtendedDiameters>
  ) where Space.Scalar == Double, Potential.Scalar == Double, Diameters.Scalar == Double,
          SeededSpace.Scalar == Dual<Double>, SeededPotential.Scalar == Dual<Double>,
          SeededDiameters.Scalar == Dual<Double>, Space.Dimension == SeededSpace.Dimension,
          ExtendedSpace.Scalar == DoubleDouble, ExtendedPotential.Scalar == DoubleDouble,
          ExtendedDiameters.Scalar == DoubleDouble {
    typealias Dimension = Space.Dimension
    neighbourList = { positions, skin in
      var list = NeighbourList(skin: skin, threads: interaction.threads)
      interaction.updateNeighbours(&list, positions: positions)
      return list
    }
    forces = { positions, neighbours, forces in
      interaction.forces(positions, neighbours: neighbours, into: &forces)
    }
    seededForces = { positions, tangents, neighbours in
      var dualPositions = [Dual<Double>](repeating: 0, count: positions.count)
      for index in positions.indices { dualPositions[index] = Dual(positions[index], tangent: tangents[index]) }
      var forces = [Dual<Double>]()
      let energy = seeded.forces(dualPositions, neighbours: neighbours, into: &forces)
      return SeededForces(energy: energy, forces: forces.map(\.value), tangents: forces.map(\.tangent))
    }
    hessian = { positions, neighbours in
      let stiffness = PairStiffness<Dimension>(interaction, positions: positions, neighbours: neighbours)
      return HessianProduct(
        product: { v, result in stiffness.hessianVectorProduct(v, into: &result) },
        blockProduct: { v, columns, result in stiffness.hessianMatrixProduct(v, columns: columns, into: &result) },
        diagonal: stiffness.diagonal,
        pairs: .init(dimension: Dimension.count, rowStart: stiffness.rowStart, partners: stiffness.partners,
                     blocks: stiffness.blocks))
    }
    forEachInteractingPair = { positions, neighbours, body in
      interaction.forEachPairWithinReach(positions, neighbours: neighbours) { i, j, d, r, σ in
        body(InteractingPair(first: i, second: j, separation: d, distance: r, diameter: σ))
      }
    }
    forEachSeededPair = { positions, tangents, neighbours, body in
      let dual = positions.indices.map { Dual(positions[$0], tangent: tangents[$0]) }
      seeded.forEachPairWithinReach(dual, neighbours: neighbours) { i, j, d, r, σ in
        body(SeededPair(first: i, second: j, separation: d, distance: r, diameter: σ))
      }
    }
    seededPairDerivatives = { r, σ in seeded.potential.slopeAndCurvature(distance: r, diameter: σ) }
    pairDerivatives = { r, σ in interaction.potential.derivatives(distance: r, diameter: σ) }
    virial = { positions, neighbours in
      // The six sums in scalars: a nested array written per pair costs more than the pair itself.
      var (xx, yy, zz, xy, xz, yz) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
      interaction.forEachPairWithinReach(positions, neighbours: neighbours) { _, _, d, r, σ in
        // U' alone, on one dual number (the five derivatives of `derivatives` cost four times more).
        let weight = interaction.potential.energyAndSlope(distance: r, diameter: σ).slope / r
        xx += weight * d[0] * d[0]
        yy += weight * d[1] * d[1]
        xy += weight * d[0] * d[1]
        if Dimension.count == 3 {
          zz += weight * d[2] * d[2]
          xz += weight * d[0] * d[2]
          yz += weight * d[1] * d[2]
        }
      }
      return Dimension.count == 2 ? [[xx, xy], [xy, yy]] : [[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]]
    }
    wrap = { positions in interaction.wrap(&positions) }
    minimize = { start, choice, every, observer in
      var landscape = ParticleLandscape(interaction, skin: choice.neighbourSkin)
      let preconditioner = choice.kind == .lbfgs
        ? choice.preconditioner.preconditioner(geometry: interaction.boundary.cellGeometry,
                                               particleCount: start.count / Dimension.count,
                                               threads: interaction.threads)
        : nil
      let result = choice.minimize(&landscape, from: start, every: every, observer: observer,
                                   preconditioner: preconditioner)
      return (result, landscape.neighbours.buildCount, landscape.forceEvaluations)
    }
    minimizeExtended = { start, choice, every, observer in
      var landscape = ParticleLandscape(extended, skin: choice.neighbourSkin)
      let result = choice.minimize(&landscape, from: start, every: every, observer: observer)
      return (result, landscape.neighbours.buildCount, landscape.forceEvaluations)
    }
    minimizeSeeded = { start, choice, every, observer in
      var landscape = ParticleLandscape(seeded, skin: choice.neighbourSkin)
      return choice.minimize(&landscape, from: start, every: every, observer: observer)
    }
  }
}

extension PairInteraction {
  /// Calls `body(i, j, d, r, σᵢⱼ)` for every pair of `neighbours` within the potential's cutoff, with
  /// d = rᵢ − rⱼ the minimum-image separation: the same pairs, in the same geometry, as the force
  /// loop, for per-pair quantities the loop does not return (contacts, ∂F/∂σᵢⱼ of the adjoint, the
  /// elastic constants and their derivatives).
  func forEachPairWithinReach(
    _ positions: [Scalar], neighbours: NeighbourList,
    _ body: (_ i: Int, _ j: Int, _ separation: SpatialVector<Scalar>, _ distance: Scalar, _ diameter: Scalar) -> Void
  ) {
    let cutoffRatio = potential.cutoffRatio
    positions.withUnsafeBufferPointer { positions in
      for i in 0..<neighbours.particleCount {
        let ri = SpatialVector(positions, particle: i, Dimension.self)
        for slot in Int(neighbours.rowStart[i])..<Int(neighbours.rowStart[i + 1]) {
          let j = Int(neighbours.neighbours[slot])
          let rj = SpatialVector(positions, particle: j, Dimension.self)
          var d = ri
          for k in 0..<Dimension.count { d[k] -= rj[k] }
          boundary.minimumImage(&d)
          let squared = d.squaredLength(Dimension.self)
          let σ = diameters.diameter(i, j)
          let reach = Scalar.scaled(σ, by: cutoffRatio)
          if squared >= reach * reach { continue }
          body(i, j, d, Scalar.sqrt(squared), σ)
        }
      }
    }
  }
}
