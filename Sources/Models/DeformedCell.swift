extension ParticleModel {
  /// The cell's edge vectors as rows (length units): edge k is F·(Lₖ eₖ), Lₖ times column k of F.
  public var edgeVectors: [[Double]] {
    let f = deformationGradient
    return (0..<dimension).map { k in (0..<dimension).map { a in f[a][k] * boxEdges[k] } }
  }

  /// The cell's narrowest width (length units): its volume over its largest face (edge in 2D), the
  /// least distance between opposite faces. An interaction must reach less than half of it for the
  /// minimum image to be the only image in range.
  public var narrowestWidth: Double {
    let h = edgeVectors
    let volume = abs(Self.determinant(h))
    if dimension == 2 {
      let longest = h.map { ($0[0] * $0[0] + $0[1] * $0[1]).squareRoot() }.max()!
      return volume / longest
    }
    var largestFace = 0.0
    for (i, j) in [(0, 1), (0, 2), (1, 2)] {
      let (a, b) = (h[i], h[j])
      let cross = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
      largestFace = max(largestFace, cross.reduce(0) { $0 + $1 * $1 }.squareRoot())
    }
    return volume / largestFace
  }

  /// R = F·X for every particle: reference coordinates to the positions in the deformed cell.
  public func physicalPositions(_ reference: [Double]) -> [Double] {
    guard let f = deformation else { return reference }
    return Self.applying(f, to: reference, dimension: dimension)
  }

  /// X = F⁻¹·R for every particle: positions in the deformed cell to reference coordinates.
  public func referencePositions(_ physical: [Double]) -> [Double] {
    guard let f = deformation else { return physical }
    return Self.applying(Self.inverse(f), to: physical, dimension: dimension)
  }

  /// The d×d matrix times every d-vector of a flat list.
  static func applying(_ m: [[Double]], to vectors: [Double], dimension d: Int) -> [Double] {
    var result = vectors
    for start in stride(from: 0, to: vectors.count, by: d) {
      for a in 0..<d { result[start + a] = (0..<d).reduce(0) { $0 + m[a][$1] * vectors[start + $1] } }
    }
    return result
  }

  /// The inverse of a 2×2 or 3×3 matrix by cofactors.
  public static func inverse(_ f: [[Double]]) -> [[Double]] {
    let det = determinant(f)
    if f.count == 2 { return [[f[1][1] / det, -f[0][1] / det], [-f[1][0] / det, f[0][0] / det]] }
    var inverse = [[Double]](repeating: [0, 0, 0], count: 3)
    for a in 0..<3 {
      for b in 0..<3 {
        let (a1, a2, b1, b2) = ((a + 1) % 3, (a + 2) % 3, (b + 1) % 3, (b + 2) % 3)
        inverse[b][a] = (f[a1][b1] * f[a2][b2] - f[a1][b2] * f[a2][b1]) / det
      }
    }
    return inverse
  }
}
