import Models

extension PotentialChoice {
  /// The potential a system file asks for, its parameters checked (the message names the field).
  init(_ description: SystemDescription.Potential) throws {
    func positive(_ value: Double?, _ field: String, default fallback: Double) throws -> Double {
      let value = value ?? fallback
      guard value.isFinite, value > 0 else {
        throw SystemError("potential.\(field) must be a finite positive number, got \(value)")
      }
      return value
    }
    // r_c / σ: past 100 σ every particle would neighbour every other in any box that fits.
    func cutoff() throws -> Double {
      let value = try positive(description.cutoff, "cutoff", default: 2.5)
      guard value <= 100 else { throw SystemError("potential.cutoff must lie in (0, 100] (units of σ), got \(value)") }
      return value
    }
    let epsilon = description.epsilon ?? 1
    try ParticleSystem.checkEnergy(epsilon, field: "potential.epsilon")
    switch description.kind {
    case "soft-sphere", "soft_sphere", "harmonic", "hertzian":
      let defaultAlpha = description.kind == "hertzian" ? 2.5 : 2
      let alpha = try positive(description.alpha, "alpha", default: defaultAlpha)
      guard alpha > 1, alpha <= 64 else {
        throw SystemError("potential.alpha must lie in (1, 64] for soft spheres, got \(alpha)")
      }
      self = .softSphere(epsilon: epsilon, alpha: alpha)
    case "lennard-jones", "lennard_jones", "lj":
      self = .lennardJones(epsilon: epsilon, cutoff: try cutoff())
    case "morse":
      let alpha = try positive(description.alpha, "alpha", default: 5)
      guard alpha <= 1e3 else { throw SystemError("potential.alpha must lie in (0, 1000] for Morse, got \(alpha)") }
      self = .morse(epsilon: epsilon, alpha: alpha, cutoff: try cutoff())
    default:
      throw SystemError(
        "potential.kind '\(description.kind)' is unknown; use soft-sphere, lennard-jones or morse")
    }
  }
}
