import Models

/// The scalar parameter θ a sensitivity dx*/dθ is taken with respect to.
public enum SensitivityParameter: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The diameter of one species (index into the species list). Pair diameters follow additively:
  /// ∂σₐᵦ/∂θ = (δₐₛ + δᵦₛ)/2, which is also how the paper's explicit table
  /// σ = [[θ, (1+θ)/2], [(1+θ)/2, 1]] depends on θ.
  case speciesDiameter(Int)
  /// The energy scale ε of the pair potential.
  case epsilon
  /// The exponent α (soft sphere) or stiffness α (Morse).
  case alpha
  /// The box side length L; the box is scaled isotropically (every edge by the same factor).
  case boxLength
  /// The packing fraction φ = Σ vᵢ / V; the box follows, scaled isotropically:
  /// L(φ) = (Σ vᵢ / φ)^{1/d}, so dL/dφ = −L/(d φ). What is held does not apply.
  case packingFraction
  /// A strain γ of the periodic cell along one component, F → (I + γ e)F, relative to the cell's
  /// current shape (its value is 0 at the configuration given). Positions are reference coordinates
  /// that do not move with it, so dx*/dγ is the non-affine displacement field; the affine part is
  /// e·R.
  case strain(StrainComponent)

  /// Whether θ is (or deforms) the box itself, so that what is held does not apply.
  public var setsTheBox: Bool {
    switch self {
    case .boxLength, .packingFraction, .strain: return true
    case .speciesDiameter, .epsilon, .alpha: return false
    }
  }

  public var description: String {
    switch self {
    case .speciesDiameter(let species): return "diameter of species \(species)"
    case .epsilon: return "epsilon"
    case .alpha: return "alpha"
    case .boxLength: return "box length"
    case .packingFraction: return "packing fraction"
    case .strain(let component): return "strain \(component.rawValue)"
    }
  }
}

/// What stays fixed while θ changes.
public enum HeldQuantity: String, Sendable, Equatable, Codable {
  /// The box edges do not change (a diameter change then changes the packing fraction).
  case box
  /// The packing fraction φ = Σ vᵢ / V stays fixed, so the box scales with θ:
  /// L(θ) = (Σ vᵢ(θ) / φ)^{1/d}. The paper's choice.
  case packingFraction = "packing-fraction"
}
