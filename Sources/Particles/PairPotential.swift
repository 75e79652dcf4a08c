import DualNumbers

/// The energy U(r) of one pair of particles at distance r, written once, generically over the scalar
/// type.
///
/// Forces, Hessian-vector products and parameter derivatives all come from evaluating this one
/// function on (nested) dual numbers; no derivative of a potential is written by hand. The kernel
/// only uses ``energy(distance:diameter:lift:)`` for 0 < r < ``cutoffRatio``·σᵢⱼ, so the formula
/// need not test the cutoff itself (a potential that declares ``isFiniteBeyondCutoff`` is also
/// evaluated beyond it, and the value multiplied by zero).
public protocol PairPotential: Sendable {
  /// The type of the potential's own parameters (ε, α, ...): `Double`, or a dual number when a
  /// derivative with respect to a parameter is wanted.
  associatedtype Scalar: RealScalar

  /// r_c / σᵢⱼ: the pair energy is zero at and beyond this multiple of the interaction diameter.
  var cutoffRatio: Double { get }

  /// U(r; σ) in energy units for r < cutoffRatio·σ.
  ///
  /// - Parameters:
  ///   - r: the centre-to-centre distance (length units).
  ///   - σ: the interaction diameter σᵢⱼ of the pair (length units).
  ///   - lift: embeds the potential's parameters into `T` (`T` may carry derivatives the
  ///     parameters do not).
  func energy<T: RealScalar>(distance r: T, diameter σ: T, lift: (Scalar) -> T) -> T

  /// The same U(r; σ), given also 1/σ (the primal value, exactly as `1 / σ.primalValue` rounds).
  /// The pair loop looks 1/σᵢⱼ up in a table: with the square root for r and the division for the
  /// force's 1/r, a division by σ per pair would be a third operation for the one divider. A
  /// potential that does not divide by σ need not implement it.
  func energy<T: RealScalar>(distance r: T, diameter σ: T, inverseDiameter: Double, lift: (Scalar) -> T) -> T

  /// The type of ``specialised``.
  associatedtype Specialised: PairPotential = Self where Specialised.Scalar == Scalar

  /// The same potential with a choice its pair energy would make pair by pair made once, in its
  /// type (a soft sphere's α = 2), giving the same energies bit for bit; nil when there is none. The
  /// force loop runs on it: a loop over every pair then holds no branch it never takes, and above
  /// all no call on one (a `pow`), around which the compiler would keep the loop's sums in memory.
  var specialised: Specialised? { get }

  /// Whether ``energy(distance:diameter:inverseDiameter:lift:)`` is finite and cheap at every
  /// r > 0, also beyond the cutoff (a polynomial in r). Such a potential is evaluated on every
  /// stored pair and its terms beyond the cutoff multiplied by zero, with no branch on the cutoff:
  /// about half the pairs of a Verlet list lie beyond it, in no order a branch predictor can
  /// learn.
  static var isFiniteBeyondCutoff: Bool { get }
}

extension PairPotential {
  @inlinable
  public static var isFiniteBeyondCutoff: Bool { false }
}

extension PairPotential where Specialised == Self {
  @inlinable
  public var specialised: Self? { nil }
}

extension PairPotential {
  @inlinable @inline(__always)
  public func energy<T: RealScalar>(distance r: T, diameter σ: T, inverseDiameter: Double, lift: (Scalar) -> T) -> T {
    energy(distance: r, diameter: σ, lift: lift)
  }
}

extension PairPotential where Scalar == Double {
  /// U(r) and dU/dr of a pair, for plotting and tests; both from the same generic formula.
  @inlinable
  public func energyAndSlope(distance r: Double, diameter σ: Double) -> (energy: Double, slope: Double) {
    guard r < cutoffRatio * σ else { return (0, 0) }
    let u = energy(distance: Dual(r, tangent: 1), diameter: Dual(constant: σ), lift: { Dual(constant: $0) })
    return (u.value, u.tangent)
  }
}
