import DualNumbers
import Minimization
import Particles

/// The enthalpy H = E + P·V over the particles and the cell (see ``CellRelaxation``) as an
/// `EnergyLandscape`: its coordinates are the particles' reference coordinates X (flat N × d,
/// length units, wrapped into the reference cell) followed by the cell coordinates c = s·G, so
/// that any minimiser of the package (FIRE, FIRE 2.0, gradient descent) relaxes particles and cell
/// together, with one power P = F·v over both, as JAX-MD's `fire_descent_box`.
///
/// A diagonal cell is computed as an orthorhombic box (its edges and the positions scaled), any
/// other in the deformed cell; the Verlet list is kept while it holds every pair the cell of the
/// moment needs, and rebuilt when it might not.
public struct EnthalpyLandscape: EnergyLandscape {
  public typealias Scalar = Double

  /// The start: its box is the reference cell, its deformation F₀.
  public let model: ParticleModel
  public let relaxation: CellRelaxation
  /// s in c = s·G.
  public let cellScale: Double
  let skin: Double
  let basis: [[[Double]]]
  /// The start's kernels, for wrapping into the reference cell (which no G changes).
  let referenceKernels: ModelKernels
  var list: (neighbours: NeighbourList, positions: [Double], reach: Double)?
  public private(set) var forceEvaluations = 0
  public private(set) var neighbourListBuilds = 0

  public init(model: ParticleModel, relaxation: CellRelaxation, skin: Double) {
    self.model = model
    self.relaxation = relaxation
    cellScale = relaxation.cellScale ?? Double(model.particleCount).squareRoot()
    self.skin = skin
    basis = relaxation.basis(dimension: model.dimension)
    referenceKernels = model.kernels()
  }

  /// d·N: the particle coordinates come first.
  public var particleCoordinateCount: Int { model.degreesOfFreedom }

  /// [X; c] with the cell undeformed (G = I).
  public func coordinates(positions: [Double]) -> [Double] {
    let identity = basis.count == 1 ? [cellScale]
      : basis.map { b in b.indices.contains { b[$0][$0] == 1 } ? cellScale : 0 }
    return positions + identity
  }

  /// X, the particle part of the coordinates.
  public func positions(of coordinates: [Double]) -> [Double] { Array(coordinates[0..<particleCoordinateCount]) }

  /// G = Σₖ (cₖ/s) Bₖ.
  public func cell(of coordinates: [Double]) -> [[Double]] {
    let d = model.dimension
    var g = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
    for (k, b) in basis.enumerated() {
      let weight = coordinates[particleCoordinateCount + k] / cellScale
      for row in 0..<d { for column in 0..<d { g[row][column] += weight * b[row][column] } }
    }
    return g
  }

  /// The model in the cell G·F₀ (same reference box and particles).
  public func model(atCell g: [[Double]]) -> ParticleModel {
    var deformed = model
    deformed.deformation = Self.product(g, model.deformationGradient)
    return deformed
  }

  /// H at `coordinates`, with −∂H/∂X and −∂H/∂c in `forces`. A cell that has collapsed (det ≤ 0) or
  /// become narrower than twice the interaction range gives NaN, which stops the minimiser.
  public mutating func forces(at coordinates: [Double], into forces: inout [Double]) -> Double {
    let d = model.dimension
    let n = particleCoordinateCount
    if forces.count != coordinates.count { forces = [Double](repeating: 0, count: coordinates.count) }
    forceEvaluations += 1
    let g = cell(of: coordinates)
    let cellModel = model(atCell: g)
    let volume = cellModel.boxVolume
    let cutoff = cellModel.potential.cutoffRatio * cellModel.largestDiameter
    guard volume.isFinite, volume > 0, ParticleModel.determinant(g) > 0, cutoff < cellModel.narrowestWidth / 2 else {
      for k in forces.indices { forces[k] = .nan }
      return .nan
    }
    let positions = self.positions(of: coordinates)
    // A diagonal F is folded into the box (edges Fₖₖ Lₖ, positions Fₖₖ Xₖ): the orthorhombic cell's
    // minimum image, without the comparison of images a general F needs.
    let f = cellModel.deformationGradient
    let folded = Self.isDiagonal(f)
    let geometry = folded ? ParticleModel.folded(cellModel, positions: positions, wrapping: false)
      : (model: cellModel, positions: positions)
    let kernels = geometry.model.kernels()
    let neighbours = neighbourList(at: geometry.positions, reference: positions, kernels: kernels, deformation: f,
                                   folded: folded, cutoff: cutoff)
    var pairForces = [Double]()
    let energy = kernels.forces(geometry.positions, neighbours, &pairForces)
    // −∂H/∂Xᵢ = Fᵀ fᵢ: the pair loop gives the forces on the deformed positions R = F·X.
    for start in stride(from: 0, to: n, by: d) {
      for b in 0..<d {
        var sum = 0.0
        for a in 0..<d { sum += f[a][b] * pairForces[start + a] }
        forces[start + b] = sum
      }
    }
    // ∂H/∂G = (W + P V I)·G⁻ᵀ, and −∂H/∂cₖ = −(1/s) ⟨∂H/∂G, Bₖ⟩.
    var load = kernels.virial(geometry.positions, neighbours)
    for a in 0..<d { load[a][a] += relaxation.pressure * volume }
    let inverse = ParticleModel.inverse(g)
    for (k, b) in basis.enumerated() {
      var projection = 0.0
      for row in 0..<d {
        for column in 0..<d where b[row][column] != 0 {
          // (load·G⁻ᵀ)_{row, column} = Σ_m load[row][m] · G⁻¹[column][m].
          var entry = 0.0
          for m in 0..<d { entry += load[row][m] * inverse[column][m] }
          projection += b[row][column] * entry
        }
      }
      forces[n + k] = -projection / cellScale
    }
    return energy + relaxation.pressure * volume
  }

  /// x ← x + Δ, the particles wrapped back into the reference cell.
  public func displace(_ coordinates: inout [Double], by displacement: [Double]) {
    for k in coordinates.indices { coordinates[k] += displacement[k] }
    var positions = self.positions(of: coordinates)
    referenceKernels.wrap(&positions)
    coordinates.replaceSubrange(0..<particleCoordinateCount, with: positions)
  }

  /// The Verlet list for the cell of the moment: the one built last while it still holds every pair
  /// within the cutoff, else a new one. A list built for the cell F_b holds every pair closer than
  /// ρ_b in reference coordinates, ρ_b = r_c/σ_min(F_b) + skin when built in the deformed cell,
  /// (r_c + skin)/max Fₖₖ when built in the folded box; the cell F needs every pair closer than
  /// r_c/σ_min(F), and a pair closes in by at most twice the largest drift since the build.
  mutating func neighbourList(at kernelPositions: [Double], reference positions: [Double], kernels: ModelKernels,
                              deformation: [[Double]], folded: Bool, cutoff: Double) -> NeighbourList {
    let needed = cutoff * Self.reachScale(of: deformation)
    if let list, needed + 2 * largestDrift(from: list.positions, to: positions) < list.reach {
      return list.neighbours
    }
    let neighbours = kernels.neighbourList(kernelPositions, skin)
    neighbourListBuilds += 1
    let stretch = deformation.indices.map { abs(deformation[$0][$0]) }.max()!
    list = (neighbours, positions, folded ? (cutoff + skin) / stretch : needed + skin)
    return neighbours
  }

  static func isDiagonal(_ f: [[Double]]) -> Bool {
    f.indices.allSatisfy { a in f.indices.allSatisfy { b in a == b || f[a][b] == 0 } }
  }

  /// max over particles of the minimum-image distance moved in the reference cell.
  func largestDrift(from old: [Double], to new: [Double]) -> Double {
    let d = model.dimension
    var largest = 0.0
    for start in stride(from: 0, to: new.count, by: d) {
      var squared = 0.0
      for a in 0..<d {
        let step = minimumImage(new[start + a] - old[start + a], period: model.boxEdges[a])
        squared += step * step
      }
      largest = max(largest, squared)
    }
    return largest.squareRoot()
  }

  /// 1/σ_min(F): how much farther apart in reference coordinates two particles within a distance
  /// in the cell can be (the reach of the Verlet list).
  static func reachScale(of deformation: [[Double]]) -> Double {
    let unit = SpatialVector<Double>(1, 1, 1)
    return deformation.count == 2
      ? DeformedPeriodicBox<TwoDimensions, Double>(edges: unit, deformation: deformation).neighbourReachScale
      : DeformedPeriodicBox<ThreeDimensions, Double>(edges: unit, deformation: deformation).neighbourReachScale
  }

  /// The product of two d×d matrices.
  static func product(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    a.indices.map { row in b.indices.map { column in a.indices.reduce(0) { $0 + a[row][$1] * b[$1][column] } } }
  }
}
