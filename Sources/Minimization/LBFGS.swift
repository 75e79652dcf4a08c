import DualNumbers
import Particles

/// Limited-memory BFGS (Nocedal 1980; Liu & Nocedal, Math. Program. 45, 503 (1989)) in the form
/// energy-landscape codes use for particle packings (pele's `LBFGS`, Wales group): no line search,
/// a step limited in length and accepted unless it raises the energy.
///
///     d = H F                      (H ≈ (∇²E)⁻¹ from the last m steps, ``InverseHessianMemory``)
///     s = t d,  t = min(1, Δmax / max |dᵢₖ|)
///     x ← x + s;  while E(x) > E_old + δ|E_old|: s ← s/2, x ← x − s   (at most b halvings)
///     remember (s, F_old − F(x))
///
/// d·F ≤ 0 (H has lost positive curvature) restarts from d = γF with the memory cleared. When b
/// halvings do not lower the energy, the move is undone and the memory cleared; a second such
/// failure in a row means no representable step lowers E, and the minimisation stops.
///
/// Why energies only in the acceptance test: near max |F| ~ 10⁻¹⁰ energy changes are ~10⁻²⁰ of E,
/// far below rounding, so a sufficient-decrease (Armijo) test would reject good steps; the relative
/// slack δ (10⁻¹² by default) tolerates rounding and still catches the overshoots that matter.
/// L-BFGS ends in a local minimum, generally not the one FIRE reaches from the same start.
///
/// With a ``LandscapePreconditioner`` M the recursion starts from H₀ = γ M⁻¹ (``InverseHessianMemory``).
///
/// Written generically: on double-double or dual numbers the same iterations run in that arithmetic.
public struct LBFGS: Minimizer, Sendable, Equatable {
  /// m, the step pairs the inverse-Hessian approximation keeps. Five rather than the customary ten:
  /// the two-loop recursion costs 2m passes over the coordinates, and on random soft-sphere packings
  /// in 2D and 3D fewer pairs, down to five, did not cost iterations (docs/benchmarks.md, "Issue 18,
  /// fourth session" and "eighth session"; four did).
  public var memory = 5
  /// Δmax, the largest move of one coordinate in one iteration (length units).
  public var maximumStep = 0.2
  /// δ: a step is accepted when it raises the energy by at most δ|E| (dimensionless).
  public var energyRiseTolerance = 1e-12
  /// γ₀ of H₀ = γ₀ I before the first pair is stored (length² / energy).
  public var initialInverseCurvature = 0.1
  /// b, the halvings of a rejected step before the move is undone.
  public var maximumHalvings = 10
  /// The type the m step pairs are kept in: narrow (`Float` pairs for a `Double` minimisation) by
  /// default, since the two-loop recursion streams all 2m vectors twice per iteration and the pairs
  /// only precondition (``PairStorage``).
  public var pairPrecision = PairPrecision.narrow
  /// Stop when max |Fᵢₖ| ≤ this (energy / length units).
  public var forceTolerance: Double
  public var maximumSteps: Int

  public init(forceTolerance: Double = 1e-12, maximumSteps: Int = 100_000) {
    self.forceTolerance = forceTolerance
    self.maximumSteps = maximumSteps
  }

  @inlinable
  public func minimize<Landscape: EnergyLandscape>(
    _ landscape: inout Landscape, from start: [Landscape.Scalar],
    every interval: Int, observer: MinimizationObserver<Landscape.Scalar>?
  ) -> MinimizationResult<Landscape.Scalar> {
    minimize(&landscape, from: start, every: interval, observer: observer,
             preconditioner: nil as IdentityPreconditioner<Landscape.Scalar>?)
  }

  /// The iterations with H₀ = γ M⁻¹ (`preconditioner` M; nil: γ I).
  @inlinable
  public func minimize<Landscape: EnergyLandscape, Preconditioning: LandscapePreconditioner>(
    _ landscape: inout Landscape, from start: [Landscape.Scalar],
    every interval: Int, observer: MinimizationObserver<Landscape.Scalar>?, preconditioner: Preconditioning?
  ) -> MinimizationResult<Landscape.Scalar> where Preconditioning.Scalar == Landscape.Scalar {
    let (length, threads) = (start.count, landscape.threads)
    switch pairPrecision {
    case .full:
      var pairs = InverseHessianMemory<FullPrecisionPairs<Landscape.Scalar>>(
        capacity: memory, length: length, initialScale: initialInverseCurvature, threads: threads)
      return minimize(&landscape, from: start, every: interval, observer: observer, inverseHessian: &pairs,
                      preconditioner: preconditioner)
    case .narrow:
      var pairs = InverseHessianMemory<NarrowPairs<Landscape.Scalar>>(
        capacity: memory, length: length, initialScale: initialInverseCurvature, threads: threads)
      return minimize(&landscape, from: start, every: interval, observer: observer, inverseHessian: &pairs,
                      preconditioner: preconditioner)
    }
  }

  /// The iterations, with an empty memory of the chosen storage.
  @inlinable
  func minimize<Landscape: EnergyLandscape, Storage: PairStorage, Preconditioning: LandscapePreconditioner>(
    _ landscape: inout Landscape, from start: [Landscape.Scalar],
    every interval: Int, observer: MinimizationObserver<Landscape.Scalar>?,
    inverseHessian: inout InverseHessianMemory<Storage>, preconditioner: Preconditioning?
  ) -> MinimizationResult<Landscape.Scalar>
  where Storage.Scalar == Landscape.Scalar, Preconditioning.Scalar == Landscape.Scalar {
    typealias S = Landscape.Scalar
    let length = start.count
    let threads = landscape.threads
    var positions = start
    var forces = [S](repeating: 0, count: length)
    var newForces = forces
    var move = forces
    var energy = landscape.forces(at: positions, into: &forces)
    var (maximumForce, finite) = largestComponent(forces, threads: threads)
    finite = finite && largestComponent(positions).finite
    var failedInARow = 0
    var step = 0
    var preconditioner = preconditioner
    observer?(0, positions, energy, maximumForce)
    while finite && maximumForce > forceTolerance && step < maximumSteps {
      step += 1
      // d = H F, a descent direction unless H has lost positive curvature; then d = γM⁻¹F afresh.
      var (slope, longest, finiteMove) = direction(&inverseHessian, forces, &move, &preconditioner, positions)
      if !(slope.primalValue > 0) || !finiteMove {
        inverseHessian.forget()
        (slope, longest, finiteMove) = direction(&inverseHessian, forces, &move, &preconditioner, positions)
      }
      // s = t d: t scales the move where it is added and where it is remembered.
      var factor = longest > maximumStep ? maximumStep / longest : 1

      let highestAccepted = energy.primalValue + energyRiseTolerance * abs(energy.primalValue)
      var newEnergy = landscape.displace(&positions, along: move, scaledBy: factor, thenForcesInto: &newForces)
      var halvings = 0
      while !(newEnergy.primalValue <= highestAccepted) && halvings < maximumHalvings {
        halvings += 1
        factor *= 0.5
        newEnergy = landscape.displace(&positions, along: move, scaledBy: -factor, thenForcesInto: &newForces)
      }
      if !(newEnergy.primalValue <= highestAccepted) {
        // Undo the move; the forces there are recomputed rather than kept, so that the landscape's
        // bookkeeping (neighbour lists) follows every move.
        energy = landscape.displace(&positions, along: move, scaledBy: -factor, thenForcesInto: &forces)
        inverseHessian.forget()
        failedInARow += 1
        (maximumForce, finite) = largestComponent(forces, threads: threads)
        if failedInARow >= 2 { break }
        continue
      }
      failedInARow = 0
      let stored = inverseHessian.remember(step: move, scaledBy: factor, change: forces, minus: newForces)
      swap(&forces, &newForces)
      energy = newEnergy
      (maximumForce, finite) = (stored.maximumOfB, stored.bIsFinite)
      if let observer, interval > 0, step % interval == 0 { observer(step, positions, energy, maximumForce) }
    }
    let reason: MinimizationStopReason =
      !finite ? .nonFinite : maximumForce <= forceTolerance ? .forceTolerance
      : failedInARow >= 2 ? .noDescent : .maximumSteps
    return MinimizationResult(positions: positions, forces: forces, energy: energy, steps: step,
                              maximumForce: maximumForce, stopReason: reason)
  }

  /// d = H F with H₀ = γ M⁻¹ at `positions` (γ I without a preconditioner).
  @inlinable
  func direction<Storage: PairStorage, Preconditioning: LandscapePreconditioner>(
    _ inverseHessian: inout InverseHessianMemory<Storage>, _ forces: [Storage.Scalar], _ move: inout [Storage.Scalar],
    _ preconditioner: inout Preconditioning?, _ positions: [Storage.Scalar]
  ) -> (slope: Storage.Scalar, longest: Double, finite: Bool) where Preconditioning.Scalar == Storage.Scalar {
    // F is the b of the newest pair: its product with that step was formed where the pair was stored.
    guard preconditioner != nil else { return inverseHessian.apply(toLatestB: forces, into: &move) }
    return inverseHessian.apply(toLatestB: forces, into: &move) { preconditioner!.apply(to: &$0, at: positions) }
  }
}
