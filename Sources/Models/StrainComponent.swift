/// One of the d(d+1)/2 independent components of a symmetric strain ε, as the basis tensor e that a
/// strain γ·e applies (F → (I + γ e)F):
///
///     xx, yy, zz: e = e_k e_kᵀ (a stretch along one axis);
///     yz, xz, xy: e = e_a e_bᵀ + e_b e_aᵀ (γ the engineering shear strain: ε_ab = ε_ba = γ).
///
/// The order (xx, yy, [zz,] [yz, xz,] xy) is Voigt's and JAX-MD's (`jax_md.elasticity`).
public enum StrainComponent: String, Sendable, Equatable, Codable, CaseIterable {
  case xx, yy, zz, yz, xz, xy

  /// The components of a d-dimensional strain, in Voigt order.
  public static func components(dimension: Int) -> [StrainComponent] {
    dimension == 2 ? [.xx, .yy, .xy] : [.xx, .yy, .zz, .yz, .xz, .xy]
  }

  /// The two axes (equal for a stretch).
  public var axes: (Int, Int) {
    switch self {
    case .xx: return (0, 0)
    case .yy: return (1, 1)
    case .zz: return (2, 2)
    case .yz: return (1, 2)
    case .xz: return (0, 2)
    case .xy: return (0, 1)
    }
  }

  /// Whether it exists in `dimension` dimensions.
  public func exists(in dimension: Int) -> Bool { axes.1 < dimension }

  /// e as a d×d matrix.
  public func tensor(dimension: Int) -> [[Double]] {
    var e = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: dimension)
    let (a, b) = axes
    e[a][b] = 1
    e[b][a] = 1
    return e
  }
}
