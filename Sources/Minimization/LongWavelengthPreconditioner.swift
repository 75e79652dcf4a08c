import DualNumbers
import FourierTransforms
import Particles

/// A preconditioner for the long-wavelength modes of a particle packing in a periodic cell:
///
///     M⁻¹ v = v + (1/n̄) Sᵀ B S v,      B(k) = k₀² / κ²(k)  (k ≠ 0),   B(0) = 0,
///
/// with S the cloud-in-cell assignment of each component of v to a periodic grid of spacing about
/// twice the mean particle spacing a = (V/N)^{1/d}, n̄ = N/G the particles per grid point, and
/// κ²(k) = Σₐ (2/hₐ)² sin²(kₐhₐ/2) the grid Laplacian's symbol (1/length²).
///
/// Why: a jammed packing's stiffness along a plane wave of wavenumber k grows as k² (sound) below a
/// crossover k₀ and is the local contact stiffness above it. γ M⁻¹ has just that spectrum,
/// γ(1 + k₀²/k²) ≈ γ k₀²/k² for k ≪ k₀ and γ for k ≫ k₀, so L-BFGS (whose γ follows the contact
/// stiffness) no longer spends its iterations learning the slow collective relaxations, which it
/// otherwise does at a cost growing with the system's size (the ASE/`PreconLBFGS` idea of Packwood et
/// al., J. Chem. Phys. 144, 164109 (2016), with a Fourier-space Laplacian instead of a sparse one).
/// M⁻¹ is symmetric positive definite for any assignment S (it is I plus SᵀBS, B ≥ 0), so the
/// positions only shape it: L-BFGS stays a descent method whatever M⁻¹ is.
///
/// One application costs two grid passes over the particles and a forward and backward FFT of the
/// grid (about N/2^d points): less than a force evaluation. The passes split over the threads, and so
/// do the transforms of large grids. Copies share the grid buffers, so one value serves one
/// minimisation at a time.
public struct LongWavelengthPreconditioner: LandscapePreconditioner {
  public typealias Scalar = Double
  /// k₀·a, the crossover wavenumber in units of the inverse mean spacing (dimensionless).
  public let crossover: Double
  /// Grid points along each axis.
  public var gridSizes: [Int] { storage.transforms[0].sizes }
  /// The independent parts each grid transform splits into over the threads (1: whole and serial,
  /// for grids of fewer than 8,192 points per thread).
  public var transformPieces: Int { storage.transforms[0].pieces }
  @usableFromInline let storage: Storage

  /// The grid's spacing in mean particle spacings.
  public static let gridSpacingRatio = 2.0

  /// - Parameters:
  ///   - edges: the periodic cell's edge lengths (length units; 2 or 3 of them).
  ///   - particleCount: N.
  ///   - crossover: k₀·a (dimensionless, > 0).
  ///   - threads: threads the particle passes may split over.
  public init(edges: [Double], particleCount: Int, crossover: Double, threads: Int = 1) {
    precondition(edges.count == 2 || edges.count == 3, "a periodic cell has two or three edges")
    precondition(edges.allSatisfy { $0 > 0 && $0.isFinite } && particleCount > 0 && crossover > 0,
                 "the long-wavelength preconditioner needs a finite cell, particles and k₀ > 0")
    self.crossover = crossover
    storage = Storage(edges: edges, particleCount: particleCount, crossover: crossover, threads: threads)
  }

  /// v ← v + (1/n̄) Sᵀ B S v (the assignment at `positions`).
  public mutating func apply(to vector: inout [Double], at positions: [Double]) {
    precondition(vector.count == positions.count && vector.count == storage.particleCount * storage.dimension,
                 "the preconditioner was made for \(storage.particleCount) particles in \(storage.dimension)D")
    storage.apply(to: &vector, at: positions)
  }
}

extension LongWavelengthPreconditioner {
  /// The grid, its transforms and the multiplier B/(n̄G) (G for FFTW's unnormalised round trip); a
  /// class because the FFT buffers are reused from one application to the next.
  @usableFromInline
  final class Storage: @unchecked Sendable {
    let dimension: Int
    let particleCount: Int
    let threads: Int
    /// x and y packed as real and imaginary parts of one field; z (in 3D) in a second one. The
    /// multiplier is real and even in k, so the two parts never mix.
    let transforms: [ComplexGridTransform]
    /// Grid points and inverse spacings per axis, as plain fields: read for every particle, where an
    /// array would be retained.
    let sizes: (Int, Int, Int)
    let inverse: (Double, Double, Double)
    let multiplier: [Double]
    /// Extra grids for the threads after the first, summed into the first in chunk order.
    var threadGrids: [[(Double, Double)]]

    init(edges: [Double], particleCount: Int, crossover: Double, threads: Int) {
      dimension = edges.count
      self.particleCount = particleCount
      self.threads = max(1, threads)
      let volume = edges.reduce(1, *)
      let meanSpacing = Double.pow(volume / Double(particleCount), 1 / Double(dimension))
      let sizes = edges.map {
        ComplexGridTransform.fastSize(atLeast: max(4, Int(($0 / (LongWavelengthPreconditioner.gridSpacingRatio
                                                                * meanSpacing)).rounded())))
      }
      let spacings = zip(edges, sizes).map { $0 / Double($1) }
      let inverseSpacings = spacings.map { 1 / $0 }
      self.sizes = (sizes[0], sizes[1], dimension == 3 ? sizes[2] : 1)
      inverse = (inverseSpacings[0], inverseSpacings[1], dimension == 3 ? inverseSpacings[2] : 0)
      let chunks = max(1, min(self.threads, particleCount / preconditionerChunk))
      let pieces = max(1, min(chunks, sizes.reduce(1, *) / transformPieceSize))
      transforms = (0..<(dimension == 3 ? 2 : 1)).map { _ in ComplexGridTransform(sizes: sizes, pieces: pieces) }
      let count = transforms[0].count
      let wavenumber = crossover / meanSpacing
      let perPoint = Double(particleCount) / Double(count)
      var multiplier = [Double](repeating: 0, count: count)
      for index in 1..<count {
        var rest = index
        var laplacian = 0.0
        for axis in stride(from: dimension - 1, through: 0, by: -1) {
          let m = rest % sizes[axis]
          rest /= sizes[axis]
          let half = Double.sin(Double.pi * Double(m) / Double(sizes[axis]))
          laplacian += 4 * inverseSpacings[axis] * inverseSpacings[axis] * half * half
        }
        multiplier[index] = wavenumber * wavenumber / laplacian / (perPoint * Double(count))
      }
      self.multiplier = multiplier
      threadGrids = Array(repeating: Array(repeating: (0, 0), count: count * transforms.count), count: chunks - 1)
    }

    func apply(to vector: inout [Double], at positions: [Double]) {
      positions.withUnsafeBufferPointer { x in
        vector.withUnsafeMutableBufferPointer { v in
          spread(v, at: x)
          // Large grids' transforms split over the threads too: serial, a 160² grid's took a tenth of
          // a two-thread step, with the second thread waiting (docs/benchmarks.md, tenth session).
          multiplier.withUnsafeBufferPointer { b in
            for (index, transform) in transforms.enumerated() {
              let prepare = { (columns: Range<Int>) in self.addThreadGrids(to: index, columns: columns) }
              transform.filter(by: b, preparingColumns: prepare) { pieces, part in
                forEachChunk(of: pieces, threads: pieces, minimumChunk: 1) { piece, _ in part(piece) }
              }
            }
          }
          gather(into: v, at: x)
        }
      }
    }

    /// The grid cell below the coordinate u (in grid spacings) and the fraction t ∈ [0, 1) past it.
    @inline(__always)
    func cell(_ coordinate: Double, _ inverseSpacing: Double, _ size: Int) -> (index: Int, next: Int, fraction: Double) {
      let u = coordinate * inverseSpacing
      // Wrapped positions lie in [0, L): truncation is the floor there, with no division.
      guard u >= 0, u < Double(size) else { return outsideCell(u, size) }
      let index = Int(u)
      return (index, index &+ 1 == size ? 0 : index &+ 1, u - Double(index))
    }

    /// ``cell(_:_:_:)`` for a coordinate outside the cell (or not finite: it must still index the grid).
    func outsideCell(_ u: Double, _ size: Int) -> (index: Int, next: Int, fraction: Double) {
      let u = u.magnitude < 1e15 ? u : 0
      let floor = u.rounded(.down)
      var index = Int(floor) % size
      if index < 0 { index += size }
      return (index, index + 1 == size ? 0 : index + 1, u - floor)
    }

    /// The cloud-in-cell corners of particle i: 2^d grid points and their weights.
    @inline(__always)
    func corners(_ x: UnsafeBufferPointer<Double>, _ i: Int, _ body: (Int, Double) -> Void) {
      if dimension == 2 {
        let a = cell(x[2 &* i], inverse.0, sizes.0), b = cell(x[2 &* i &+ 1], inverse.1, sizes.1)
        let (rowA, rowNext) = (a.index &* sizes.1, a.next &* sizes.1)
        body(rowA &+ b.index, (1 - a.fraction) * (1 - b.fraction))
        body(rowA &+ b.next, (1 - a.fraction) * b.fraction)
        body(rowNext &+ b.index, a.fraction * (1 - b.fraction))
        body(rowNext &+ b.next, a.fraction * b.fraction)
        return
      }
      let a = cell(x[3 &* i], inverse.0, sizes.0), b = cell(x[3 &* i &+ 1], inverse.1, sizes.1)
      let c = cell(x[3 &* i &+ 2], inverse.2, sizes.2)
      let rows = (a.index &* sizes.1, a.next &* sizes.1)
      let weightsA = (1 - a.fraction, a.fraction), weightsB = (1 - b.fraction, b.fraction)
      for corner in 0..<4 {
        let row = ((corner & 1 == 0 ? rows.0 : rows.1) &+ (corner & 2 == 0 ? b.index : b.next)) &* sizes.2
        let weight = (corner & 1 == 0 ? weightsA.0 : weightsA.1) * (corner & 2 == 0 ? weightsB.0 : weightsB.1)
        body(row &+ c.index, weight * (1 - c.fraction))
        body(row &+ c.next, weight * c.fraction)
      }
    }

    /// grid ← S v, each thread's chunk of particles into a grid of its own (the first chunk's is the
    /// transforms' field), added in chunk order by ``addThreadGrids(to:columns:)``.
    func spread(_ v: UnsafeMutableBufferPointer<Double>, at x: UnsafeBufferPointer<Double>) {
      let count = transforms[0].count
      let first = transforms[0].values, second = transforms.count > 1 ? transforms[1].values : nil
      let d = dimension
      threadGrids.withUnsafeMutableBufferPointer { extra in
        nonisolated(unsafe) let extra = extra
        nonisolated(unsafe) let v = UnsafeBufferPointer(v)
        forEachChunk(of: particleCount, threads: extra.count + 1, minimumChunk: preconditionerChunk) { chunk, range in
          extra.withGrid(chunk, first: first, second: second, count: count) { xy, z in
            for k in 0..<xy.count { xy[k] = (0, 0) }
            if let z { for k in 0..<z.count { z[k] = (0, 0) } }
            for i in range {
              let base = i &* d
              let (vx, vy) = (v[base], v[base &+ 1])
              if let z {
                let vz = v[base &+ 2]
                corners(x, i) { point, weight in
                  xy[point].0 += weight * vx
                  xy[point].1 += weight * vy
                  z[point].0 += weight * vz
                }
              } else {
                corners(x, i) { point, weight in
                  xy[point].0 += weight * vx
                  xy[point].1 += weight * vy
                }
              }
            }
          }
        }
      }
    }

    /// Adds the other threads' grids (``spread(_:at:)``) into transform `index`'s field over a range
    /// of its columns (the last axis in 2D: the threads' own particles' rows of cells), in chunk
    /// order; called by the thread that transforms those columns.
    func addThreadGrids(to index: Int, columns: Range<Int>) {
      let field = transforms[index].values
      let count = transforms[0].count
      let columnCount = count / sizes.0
      for grid in threadGrids {
        grid.withUnsafeBufferPointer { grid in
          for row in 0..<sizes.0 {
            let points = (row &* columnCount &+ columns.lowerBound)..<(row &* columnCount &+ columns.upperBound)
            if index == 0 {
              for k in points { field[k] = (field[k].0 + grid[k].0, field[k].1 + grid[k].1) }
            } else {
              for k in points { field[k].0 += grid[count &+ k].0 }
            }
          }
        }
      }
    }

    /// v ← v + Sᵀ grid.
    func gather(into v: UnsafeMutableBufferPointer<Double>, at x: UnsafeBufferPointer<Double>) {
      let first = transforms[0].values, second = transforms.count > 1 ? transforms[1].values : nil
      nonisolated(unsafe) let v = v
      forEachChunk(of: particleCount, threads: threads, minimumChunk: preconditionerChunk) { _, range in
        if let second {
          for i in range {
            var (sx, sy, sz) = (0.0, 0.0, 0.0)
            corners(x, i) { point, weight in
              sx += weight * first[point].0
              sy += weight * first[point].1
              sz += weight * second[point].0
            }
            (v[3 &* i], v[3 &* i &+ 1], v[3 &* i &+ 2]) = (v[3 &* i] + sx, v[3 &* i &+ 1] + sy, v[3 &* i &+ 2] + sz)
          }
        } else {
          for i in range {
            var (sx, sy) = (0.0, 0.0)
            corners(x, i) { point, weight in
              sx += weight * first[point].0
              sy += weight * first[point].1
            }
            (v[2 &* i], v[2 &* i &+ 1]) = (v[2 &* i] + sx, v[2 &* i &+ 1] + sy)
          }
        }
      }
    }
  }
}

/// Particles per thread below which the grid passes stay serial.
let preconditionerChunk = 4096

/// Grid points per thread below which the transforms stay whole and serial: split, a transform
/// trades serial time for two more parallel regions and its grid crossing between the cores. Two
/// threads gained at 160² points (2D, N = 10⁵) and not at 50² (N = 10⁴; docs/benchmarks.md, tenth
/// session).
let transformPieceSize = 8192

extension UnsafeMutableBufferPointer where Element == [(Double, Double)] {
  /// The grids chunk `chunk` spreads into: the transforms' own for the first chunk, an extra one
  /// (x, y in its first half, z in the real parts of its second) for the others.
  fileprivate func withGrid(_ chunk: Int, first: UnsafeMutableBufferPointer<(Double, Double)>,
                            second: UnsafeMutableBufferPointer<(Double, Double)>?, count: Int,
                            _ body: (UnsafeMutableBufferPointer<(Double, Double)>,
                                     UnsafeMutableBufferPointer<(Double, Double)>?) -> Void) {
    if chunk == 0 { return body(first, second) }
    self[chunk - 1].withUnsafeMutableBufferPointer { grid in
      let xy = UnsafeMutableBufferPointer<(Double, Double)>(rebasing: grid[0..<count])
      let z = second == nil ? nil : UnsafeMutableBufferPointer<(Double, Double)>(rebasing: grid[count..<(2 * count)])
      body(xy, z)
    }
  }
}
