/// One normal mode of a minimum: H u = λ u with unit masses, ω = √λ.
public struct VibrationalMode: Sendable {
  /// λ (energy / length²).
  public let eigenvalue: Double
  /// The displacement field u, d per particle (zeros at rattlers), ‖u‖ = 1.
  public let displacement: [Double]
  /// ‖H u − λ u‖ measured with a Hessian product (energy / length²).
  public let residual: Double
  /// N′, the particles the mode can move (the backbone).
  public let backboneParticleCount: Int

  public init(eigenvalue: Double, displacement: [Double], residual: Double, backboneParticleCount: Int) {
    self.eigenvalue = eigenvalue
    self.displacement = displacement
    self.residual = residual
    self.backboneParticleCount = backboneParticleCount
  }

  /// ω = √λ (negative λ, an unstable direction, gives −√|λ|).
  public var frequency: Double { eigenvalue >= 0 ? eigenvalue.squareRoot() : -(-eigenvalue).squareRoot() }

  /// The participation ratio P = (Σᵢ |uᵢ|²)² / (N′ Σᵢ |uᵢ|⁴) over the backbone particles: 1 for a
  /// mode spread evenly (a plane wave), ≈ m/N′ for one carried by m particles (quasi-localised).
  public func participationRatio(dimension: Int) -> Double {
    var squares = 0.0
    var fourth = 0.0
    for particle in 0..<(displacement.count / dimension) {
      var magnitude = 0.0
      for k in 0..<dimension { magnitude += displacement[particle * dimension + k] * displacement[particle * dimension + k] }
      squares += magnitude
      fourth += magnitude * magnitude
    }
    return fourth > 0 ? squares * squares / (Double(backboneParticleCount) * fourth) : 0
  }
}
