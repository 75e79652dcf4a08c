import DualNumbers

/// A periodic cell deformed by a homogeneous deformation F: the orthorhombic reference cell
/// [0, L₁) × [0, L₂) (× [0, L₃)) mapped by F, a general (triclinic) parallelepiped with edge matrix
/// h = F·diag(L).
///
/// Positions are kept in reference coordinates X ∈ [0, L), and every displacement the interaction
/// sees is the deformed one,
///
///     d = F·(Xᵢ − Xⱼ + n·L),
///
/// with n the image that makes |d| shortest. That image is the reference minimum image when F is the
/// identity (as a primal value: a strain seeded as a dual number differentiates through it); otherwise
/// the 3^d images around the reference minimum image are compared, which finds the shortest one for
/// every pair closer than half the cell's narrowest width even in strongly sheared cells (where the
/// reference minimum image alone is wrong). A strain ε is F = I + ε; differentiating the energy with
/// respect to F at fixed X gives the stress and, once more, the Born term of the elastic constants.
public struct DeformedPeriodicBox<Dimension: SpatialDimension, Scalar: RealScalar>: Boundary {
  /// The reference cell (length units).
  public var reference: PeriodicBox<Dimension, Scalar>
  /// The rows of F (dimensionless); the unused third row and column are those of the identity.
  public var deformation: (SpatialVector<Scalar>, SpatialVector<Scalar>, SpatialVector<Scalar>)
  @usableFromInline let comparesImages: Bool
  public let neighbourReachScale: Double

  /// - Parameters:
  ///   - edges: the reference cell's edge lengths L (the unused one in 2D is ignored).
  ///   - deformation: F, row-major, d×d (`deformation[a][b]` = F_ab).
  public init(edges: SpatialVector<Scalar>, deformation: [[Scalar]]) {
    let d = Dimension.count
    precondition(deformation.count == d && deformation.allSatisfy { $0.count == d }, "F must be d×d")
    reference = PeriodicBox(edges: edges)
    func row(_ a: Int) -> SpatialVector<Scalar> {
      guard a < d else { return SpatialVector(0, 0, 1) }
      return SpatialVector(deformation[a][0], deformation[a][1], d == 3 ? deformation[a][2] : 0)
    }
    self.deformation = (row(0), row(1), row(2))
    let primal = deformation.map { $0.map(\.primalValue) }
    comparesImages = primal.indices.contains { a in primal[a].indices.contains { b in primal[a][b] != (a == b ? 1 : 0) } }
    neighbourReachScale = 1 / Self.smallestSingularValue(primal)
  }

  /// σ_min(F): the most a length can shrink under F, the square root of λ_min(FᵀF) (closed form in
  /// 2D; cyclic Jacobi rotations in 3D, which need nothing but square roots).
  static func smallestSingularValue(_ f: [[Double]]) -> Double {
    let d = f.count
    var gram = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
    for a in 0..<d {
      for b in 0..<d { for k in 0..<d { gram[a][b] += f[k][a] * f[k][b] } }
    }
    if d == 2 {
      let mean = (gram[0][0] + gram[1][1]) / 2
      let half = ((gram[0][0] - gram[1][1]) * (gram[0][0] - gram[1][1]) / 4 + gram[0][1] * gram[1][0]).squareRoot()
      return Swift.max(mean - half, 0).squareRoot()
    }
    for _ in 0..<50 {
      let offDiagonal = gram[0][1] * gram[0][1] + gram[0][2] * gram[0][2] + gram[1][2] * gram[1][2]
      if offDiagonal <= 1e-30 * (gram[0][0] * gram[0][0] + gram[1][1] * gram[1][1] + gram[2][2] * gram[2][2]) { break }
      for (p, q) in [(0, 1), (0, 2), (1, 2)] where gram[p][q] != 0 {
        let θ = (gram[q][q] - gram[p][p]) / (2 * gram[p][q])
        let t = (θ >= 0 ? 1.0 : -1.0) / (Swift.abs(θ) + (θ * θ + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c
        for k in 0..<3 {
          let (kp, kq) = (gram[k][p], gram[k][q])
          gram[k][p] = c * kp - s * kq
          gram[k][q] = s * kp + c * kq
        }
        for k in 0..<3 {
          let (pk, qk) = (gram[p][k], gram[q][k])
          gram[p][k] = c * pk - s * qk
          gram[q][k] = s * pk + c * qk
        }
      }
    }
    return Swift.max(Swift.min(gram[0][0], gram[1][1], gram[2][2]), 0).squareRoot()
  }

  /// Row a of F.
  @inlinable @inline(__always)
  func row(_ a: Int) -> SpatialVector<Scalar> {
    a == 0 ? deformation.0 : a == 1 ? deformation.1 : deformation.2
  }

  /// F·v.
  @inlinable @inline(__always)
  func deformed(_ v: SpatialVector<Scalar>) -> SpatialVector<Scalar> {
    var result = SpatialVector<Scalar>.zero
    for a in 0..<Dimension.count {
      let f = row(a)
      var sum: Scalar = 0
      for b in 0..<Dimension.count { sum += f[b] * v[b] }
      result[a] = sum
    }
    return result
  }

  /// d ← F·(d + n·L) with n the image of shortest deformed length.
  @inlinable
  public func minimumImage(_ displacement: inout SpatialVector<Scalar>) {
    reference.minimumImage(&displacement)
    guard comparesImages else {
      displacement = deformed(displacement)
      return
    }
    var best = deformed(displacement)
    var bestLength = best.squaredLength(Dimension.self).primalValue
    let range = -1...1
    for nx in range {
      for ny in range {
        for nz in (Dimension.count == 3 ? range : 0...0) where nx != 0 || ny != 0 || nz != 0 {
          var image = displacement
          image[0] += Scalar.scaled(reference.edges[0], by: Double(nx))
          image[1] += Scalar.scaled(reference.edges[1], by: Double(ny))
          if Dimension.count == 3 { image[2] += Scalar.scaled(reference.edges[2], by: Double(nz)) }
          let candidate = deformed(image)
          let length = candidate.squaredLength(Dimension.self).primalValue
          if length < bestLength {
            best = candidate
            bestLength = length
          }
        }
      }
    }
    displacement = best
  }

  /// Into the reference cell [0, L).
  @inlinable @inline(__always)
  public func wrap(_ position: inout SpatialVector<Scalar>) { reference.wrap(&position) }

  public var cellGeometry: CellGeometry { reference.cellGeometry }

  /// det(F)·∏ Lₖ (area in 2D).
  public var volume: Scalar {
    let (f0, f1, f2) = deformation
    let determinant = Dimension.count == 2
      ? f0[0] * f1[1] - f0[1] * f1[0]
      : f0[0] * (f1[1] * f2[2] - f1[2] * f2[1]) - f0[1] * (f1[0] * f2[2] - f1[2] * f2[0])
        + f0[2] * (f1[0] * f2[1] - f1[1] * f2[0])
    return determinant * reference.volume
  }
}
