import DualNumbers

/// Soft repulsive spheres, the potential of jamming studies:
///
///     U(r) = ε/α · (1 − r/σ)^α   for r < σ,   0 otherwise,
///
/// with α = 2 harmonic and α = 5/2 Hertzian contacts (any α > 1 gives continuous forces).
/// ε is in energy units, α is dimensionless, σ is the pair's interaction diameter.
public struct SoftSphere<Scalar: RealScalar>: PairPotential {
  /// Energy scale ε.
  public var epsilon: Scalar {
    didSet { prefactor = Self.prefactor(epsilon, alpha) }
  }
  /// Exponent α > 1.
  public var alpha: Scalar {
    didSet { prefactor = Self.prefactor(epsilon, alpha) }
  }
  /// ε/α (primal values), kept in step with ε and α: the pair loop would otherwise divide for every
  /// pair (the compiler does not hoist it past the cutoff branch).
  @usableFromInline private(set) var prefactor: Double

  @inlinable
  public init(epsilon: Scalar = 1, alpha: Scalar = 2) {
    self.epsilon = epsilon
    self.alpha = alpha
    self.prefactor = Self.prefactor(epsilon, alpha)
  }

  @inlinable
  static func prefactor(_ epsilon: Scalar, _ alpha: Scalar) -> Double { epsilon.primalValue / alpha.primalValue }

  @inlinable @inline(__always)
  public var cutoffRatio: Double { 1 }

  @inlinable @inline(__always)
  public func energy<T: RealScalar>(distance r: T, diameter σ: T, lift: (Scalar) -> T) -> T {
    energy(distance: r, diameter: σ, inverseDiameter: 1 / σ.primalValue, lift: lift)
  }

  @inlinable @inline(__always)
  public func energy<T: RealScalar>(distance r: T, diameter σ: T, inverseDiameter: Double, lift: (Scalar) -> T) -> T {
    energy(distance: r, diameter: σ, inverseDiameter: inverseDiameter, lift: lift) { overlap in
      let exponent = alpha.primalValue
      // Integer and half-integer exponents without derivatives need no logarithm: harmonic and
      // Hertzian contacts stay as cheap as hand-written code, and stay exact at overlap → 0.
      if alpha.isConstant && exponent == 2 { return overlap * overlap }
      if alpha.isConstant && exponent == 2.5 { return overlap * overlap * T.sqrt(overlap) }
      return T.pow(overlap, lift(alpha))
    }
  }

  /// ε/α · power(1 − r/σ).
  @inlinable @inline(__always)
  func energy<T: RealScalar>(distance r: T, diameter σ: T, inverseDiameter: Double, lift: (Scalar) -> T,
                             power: (T) -> T) -> T {
    // A constant σ (the usual case) scales r by 1/σ in plain arithmetic, not as a dual division.
    let overlap = σ.isConstant ? 1 - T.scaled(r, by: inverseDiameter) : 1 - r / σ
    let power = power(overlap)
    if epsilon.isConstant && alpha.isConstant {
      return T.scaled(power, by: prefactor)
    }
    return lift(epsilon) / lift(alpha) * power
  }

  /// Harmonic spheres (a constant α = 2, the jamming potential) as ``Harmonic``: their pair loop
  /// holds no `pow`.
  @inlinable
  public var specialised: Harmonic? {
    alpha.isConstant && alpha.primalValue == 2 ? Harmonic(sphere: self) : nil
  }

  /// A soft sphere whose α = 2 is known by its type: the same energies, bit for bit, from a pair
  /// energy with no exponent to test and no `pow` in it.
  public struct Harmonic: PairPotential {
    public let sphere: SoftSphere

    @inlinable
    init(sphere: SoftSphere) {
      self.sphere = sphere
    }

    @inlinable @inline(__always)
    public var cutoffRatio: Double { sphere.cutoffRatio }

    /// (1 − r/σ)² is a polynomial: finite at every r.
    @inlinable
    public static var isFiniteBeyondCutoff: Bool { true }

    /// ε/2 · (1 − r/σ)², by the soft sphere's own formula.
    @inlinable @inline(__always)
    public func energy<T: RealScalar>(distance r: T, diameter σ: T, inverseDiameter: Double, lift: (Scalar) -> T) -> T {
      sphere.energy(distance: r, diameter: σ, inverseDiameter: inverseDiameter, lift: lift) { $0 * $0 }
    }

    @inlinable @inline(__always)
    public func energy<T: RealScalar>(distance r: T, diameter σ: T, lift: (Scalar) -> T) -> T {
      energy(distance: r, diameter: σ, inverseDiameter: 1 / σ.primalValue, lift: lift)
    }
  }
}
