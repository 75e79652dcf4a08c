import Models

/// The elastic modulus tensor C_ijkl of a configuration (energy / length^d), defined by the energy of
/// a small symmetric strain ε of the cell, F → (I + ε)F:
///
///     U(ε)/V = U/V + σ_ij ε_ij + ½ C_ijkl ε_ij ε_kl + …,
///
/// with the minor and major symmetries C_ijkl = C_jikl = C_ijlk = C_klij (6 independent components
/// in 2D, 21 in 3D), as `jax_md.elasticity` defines it. It is built from the responses
/// M_ab = C_ijkl eᵃ_ij eᵇ_kl to the basis strains eᵃ of `StrainComponent` (a stretch has one
/// entry 1, a shear two), so C_(ij)(kl) = M_ab / (wₐ w_b) with w = 1 for a stretch and 2 for a shear.
public struct ElasticConstants: Sendable, Codable, Equatable {
  public let dimension: Int
  /// M_ab over `StrainComponent.components(dimension:)` (energy / length^d).
  public let responses: [[Double]]

  public init(responses: [[Double]], dimension: Int) {
    precondition(responses.count == dimension * (dimension + 1) / 2, "one response per strain component")
    self.dimension = dimension
    self.responses = responses
  }

  /// C in Voigt form: C_(ij)(kl) with the index pairs in `StrainComponent` order (no factors).
  public var voigt: [[Double]] {
    let components = StrainComponent.components(dimension: dimension)
    func weight(_ c: StrainComponent) -> Double { c.axes.0 == c.axes.1 ? 1 : 2 }
    return components.indices.map { a in
      components.indices.map { b in responses[a][b] / (weight(components[a]) * weight(components[b])) }
    }
  }

  /// C_ijkl.
  public func callAsFunction(_ i: Int, _ j: Int, _ k: Int, _ l: Int) -> Double {
    let components = StrainComponent.components(dimension: dimension)
    func index(_ a: Int, _ b: Int) -> Int {
      components.firstIndex { Set([$0.axes.0, $0.axes.1]) == Set([a, b]) }!
    }
    return voigt[index(i, j)][index(k, l)]
  }

  /// The bulk modulus B: the response to the isotropic strain ε = I/d (angle-averaged, as
  /// `jax_md.elasticity.extract_isotropic_moduli`): B = (1/d²) Σ_ij C_iijj.
  public var bulkModulus: Double {
    var sum = 0.0
    for i in 0..<dimension { for j in 0..<dimension { sum += self(i, i, j, j) } }
    return sum / Double(dimension * dimension)
  }

  /// The shear modulus G averaged over all orientations of a pure shear; for an isotropic solid
  /// C_xyxy. 2D: (4C_xyxy + C_xxxx + C_yyyy − 2C_xxyy)/8; 3D: the isotropic projection
  /// (Σ_i C_iiii − Σ_{i<j} C_iijj + 3 Σ_{i<j} C_ijij)/15.
  public var shearModulus: Double {
    if dimension == 2 {
      return (4 * self(0, 1, 0, 1) + self(0, 0, 0, 0) + self(1, 1, 1, 1) - 2 * self(0, 0, 1, 1)) / 8
    }
    var sum = 0.0
    for i in 0..<3 {
      sum += self(i, i, i, i)
      for j in (i + 1)..<3 { sum += 3 * self(i, j, i, j) - self(i, i, j, j) }
    }
    return sum / 15
  }

  /// The longitudinal modulus M = B + 2(d − 1)G/d (B + G in 2D, B + 4G/3 in 3D).
  public var longitudinalModulus: Double {
    bulkModulus + 2 * Double(dimension - 1) * shearModulus / Double(dimension)
  }

  /// Young's modulus E: 4BG/(B + G) in 2D, 9BG/(3B + G) in 3D.
  public var youngModulus: Double {
    let (b, g) = (bulkModulus, shearModulus)
    return dimension == 2 ? 4 * b * g / (b + g) : 9 * b * g / (3 * b + g)
  }

  /// Poisson's ratio ν: (B − G)/(B + G) in 2D, (3B − 2G)/(2(3B + G)) in 3D.
  public var poissonRatio: Double {
    let (b, g) = (bulkModulus, shearModulus)
    return dimension == 2 ? (b - g) / (b + g) : (3 * b - 2 * g) / (2 * (3 * b + g))
  }
}
