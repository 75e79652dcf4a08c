import DualNumbers
import Particles

/// One pair within the potential's cutoff, in the geometry of the force loop: d = rᵢ − rⱼ the
/// minimum-image separation (length units), r = |d|, σ = σᵢⱼ.
public struct InteractingPair: Sendable {
  public var first: Int
  public var second: Int
  public var separation: SpatialVector<Double>
  public var distance: Double
  public var diameter: Double
}

/// A pair of the seeded interaction: the same geometry with every quantity carrying its derivative
/// along θ (see ``ModelKernels/forEachSeededPair``).
public struct SeededPair: Sendable {
  public var first: Int
  public var second: Int
  public var separation: SpatialVector<Dual<Double>>
  public var distance: Dual<Double>
  public var diameter: Dual<Double>
}

/// The derivatives of one pair energy U(r; σ) that per-pair passes need, from the potential on
/// nested dual numbers (never written by hand).
public struct PairEnergyDerivatives: Sendable, Equatable {
  /// U (energy units).
  public var energy: Double
  /// ∂U/∂r (energy / length): a pair with a non-zero slope is a contact.
  public var slope: Double
  /// ∂²U/∂r² (energy / length²).
  public var curvature: Double
  /// ∂U/∂σ (energy / length).
  public var diameterSlope: Double
  /// ∂²U/∂r∂σ (energy / length²).
  public var mixedSlope: Double
}

extension PairPotential where Scalar == Double {
  /// U, ∂U/∂r, ∂²U/∂r², ∂U/∂σ and ∂²U/∂r∂σ at (r, σ): two evaluations on Dual<Dual<Double>>, the
  /// inner tangent along r, the outer along r (curvature) or σ (diameter derivatives).
  public func derivatives(distance r: Double, diameter σ: Double) -> PairEnergyDerivatives {
    let lift: (Double) -> Dual<Dual<Double>> = { Dual(constant: Dual(constant: $0)) }
    let alongDistance = energy(distance: Dual(Dual(r, tangent: 1), tangent: Dual(1, tangent: 0)),
                               diameter: Dual(constant: Dual(constant: σ)), lift: lift)
    let alongDiameter = energy(distance: Dual(Dual(r, tangent: 1), tangent: Dual(0, tangent: 0)),
                               diameter: Dual(Dual(σ, tangent: 0), tangent: Dual(1, tangent: 0)), lift: lift)
    return PairEnergyDerivatives(
      energy: alongDistance.value.value, slope: alongDistance.value.tangent,
      curvature: alongDistance.tangent.tangent, diameterSlope: alongDiameter.tangent.value,
      mixedSlope: alongDiameter.tangent.tangent)
  }
}

extension PairPotential {
  /// U'(r) and U''(r) in the potential's own scalar (the inner two tangents along r, the outer
  /// scalar keeping whatever derivative its parameters and r carry).
  public func slopeAndCurvature(distance r: Scalar, diameter σ: Scalar) -> (slope: Scalar, curvature: Scalar) {
    let lift: (Scalar) -> Dual<Dual<Scalar>> = { Dual(constant: Dual(constant: $0)) }
    let u = energy(distance: Dual(Dual(r, tangent: 1), tangent: Dual(1, tangent: 0)),
                   diameter: Dual(constant: Dual(constant: σ)), lift: lift)
    return (u.value.tangent, u.tangent.tangent)
  }
}
