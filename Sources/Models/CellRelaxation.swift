/// Relaxation of the periodic cell together with the particles to a target pressure P: the
/// minimum of the enthalpy
///
///     H(X, G) = E(X; G·F₀) + P·V(G·F₀),   V(F) = det(F)·∏ₖ Lₖ,
///
/// over the particles' reference coordinates X and a deformation G of the start cell F₀ (the
/// model's ``ParticleModel/deformationGradient``). Its gradients, with W = V σ the pair virial
/// (``ModelKernels/virial``) and f the physical pair forces,
///
///     −∂H/∂Xᵢ = Fᵀ fᵢ   (F = G·F₀),          ∂H/∂G = (W + P V I)·G⁻ᵀ = V (σ + P I)·G⁻ᵀ,
///
/// vanish exactly when every force vanishes and, for the cell, when σ = −P I on the cell's free
/// components: with ``Freedom/isotropic`` (G = λI) when the pressure p = −tr σ/d equals P; with
/// ``Freedom/full`` (G upper triangular, d(d+1)/2 components, no rotation) when every stress
/// component does, so the shear stress is zero as well (a triangular system: the upper triangle of
/// (σ + P I)·G⁻ᵀ, G⁻ᵀ lower triangular, vanishes only when σ + P I does).
///
/// The cell enters the minimiser as coordinates c = s·G (s = ``cellScale``, √N unless given); its
/// generalised force is −∂H/∂c = −(1/s)·∂H/∂G projected on the free components. JAX-MD's
/// `fire_descent_box` scales its deformation gradient by `box_factor` = N (as ASE's `UnitCellFilter`
/// by `cell_factor` = N); the stiffness of a cell coordinate is then V·C/s² ≈ v·C/N (v the volume per
/// particle, C an elastic modulus), N times softer than a particle's, and the cell lags behind. With
/// s = √N it is v·C, a particle's: FIRE 2.0 relaxed 128 discs to p = 0.01 in 878 iterations against
/// 1506 with s = N (1373 against 2850 with the full cell; s = 1 did not converge in 200,000).
/// LAMMPS's `fix box/relax` minimises the same objective for a hydrostatic target (E + P(V − V₀),
/// the same minimum), but only with its line-search minimisers, not with `min_style fire`.
public struct CellRelaxation: Sendable, Equatable {
  /// Which deformations of the cell relax.
  public enum Freedom: String, Sendable, CaseIterable {
    /// G = λI: the cell keeps its shape and relaxes to the pressure P (LAMMPS's `iso`).
    case isotropic
    /// G upper triangular: every stress component relaxes to σ = −P I, zero shear stress
    /// included (LAMMPS's `tri` with the same P on the diagonal and 0 off it).
    case full
  }

  /// P, the target pressure (energy / length^d).
  public var pressure: Double
  public var freedom: Freedom
  /// s in c = s·G (nil: √N, N the number of particles).
  public var cellScale: Double?

  public init(pressure: Double, freedom: Freedom = .isotropic, cellScale: Double? = nil) {
    self.pressure = pressure
    self.freedom = freedom
    self.cellScale = cellScale
  }

  /// Refuses what the model cannot do: a free boundary (no cell), a non-finite P, a negative P
  /// with a purely repulsive potential (its pressure is never negative, so the cell would grow
  /// without end), a non-positive scale.
  public func check(for model: ParticleModel) throws(ModelError) {
    guard model.periodic else { throw ModelError("a target pressure needs a periodic cell; this system has free boundaries") }
    guard pressure.isFinite else { throw ModelError("the target pressure must be a finite number, got \(pressure)") }
    if case .softSphere = model.potential, pressure < 0 {
      throw ModelError(
        "the target pressure \(pressure) is negative, but soft spheres only repel (p ≥ 0): the cell would expand without end; give P ≥ 0")
    }
    if let cellScale, !(cellScale.isFinite && cellScale > 0) {
      throw ModelError("the cell scale must be a finite positive number, got \(cellScale)")
    }
  }

  /// The number of cell coordinates: 1 (isotropic) or d(d+1)/2 (full).
  public func cellCoordinateCount(dimension d: Int) -> Int { freedom == .isotropic ? 1 : d * (d + 1) / 2 }

  /// The basis deformations Bₖ, G = Σₖ (cₖ/s) Bₖ: I, or e_a e_bᵀ for a ≤ b (row by row).
  func basis(dimension d: Int) -> [[[Double]]] {
    func unit(_ a: Int, _ b: Int) -> [[Double]] {
      (0..<d).map { row in (0..<d).map { column in row == a && column == b ? 1.0 : 0.0 } }
    }
    switch freedom {
    case .isotropic: return [(0..<d).map { row in (0..<d).map { $0 == row ? 1.0 : 0.0 } }]
    case .full: return (0..<d).flatMap { a in (a..<d).map { b in unit(a, b) } }
    }
  }
}
