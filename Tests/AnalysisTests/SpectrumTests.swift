import Analysis
import Foundation
import LinearAlgebra
import Models
import Sensitivity
import Testing

@Suite("Vibrational spectrum against dense LAPACK")
struct SpectrumTests {
  static let model = Packings.bidisperse()
  static let positions = Packings.minimum(of: model)

  static func hessian() -> BackboneHessian {
    let statistics = model.contactStatistics(at: positions)
    return BackboneHessian(model: model, positions: positions, rattlers: statistics.rattlers)
  }

  /// The dense eigenvalues and eigenvectors with the projected rigid-body zeros dropped.
  static func dense(_ hessian: BackboneHessian) throws -> (values: [Double], vectors: DenseMatrix, offset: Int) {
    let decomposition = try SymmetricEigendecomposition(hessian.assembled(), symmetryTolerance: 1e-9)
    let offset = hessian.rigidModeCount
    return (Array(decomposition.eigenvalues.dropFirst(offset)), decomposition.eigenvectors, offset)
  }

  @Test("the lowest modes by shift-invert Lanczos are dsyevd's: eigenvalues to 1e-10, overlaps ≥ 1 − 1e-8",
        arguments: [HessianPreconditioner.jacobi, .symmetricSOR(relaxation: 1)])
  func lowestModesAgainstDense(preconditioner: HessianPreconditioner) throws {
    let hessian = Self.hessian()
    let reference = try Self.dense(hessian)
    let lowest = try LowestModes(hessian: hessian, count: 6, preconditioner: preconditioner)
    #expect(lowest.converged)
    let largest = reference.values.last!
    var compared = 0
    for (index, mode) in lowest.modes.enumerated() {
      let λ = reference.values[index]
      #expect(abs(mode.eigenvalue - λ) <= 1e-10 * largest)
      #expect(mode.residual <= 1e-8 * largest)
      let gap = min(index > 0 ? λ - reference.values[index - 1] : .infinity, reference.values[index + 1] - λ)
      // Isolated eigenvalues only: in a degenerate pair any rotation of the two vectors is right.
      guard gap > 1e-4 * largest else { continue }
      let column = reference.vectors.column(reference.offset + index)
      let reduced = hessian.space.restrict(mode.displacement)
      let overlap = abs(zip(column, reduced).reduce(0) { $0 + $1.0 * $1.1 })
      #expect(overlap >= 1 - 1e-8)
      compared += 1
    }
    #expect(compared >= 3)
    // The participation ratio from its definition on the dense vector.
    let mode = lowest.modes[0]
    let ratio = mode.participationRatio(dimension: 2)
    #expect(ratio > 0 && ratio <= 1)
  }

  @Test("the stochastic Chebyshev moments match dsyevd's eigenvalues within five standard errors")
  func momentsWithinErrorBars() throws {
    let hessian = Self.hessian()
    let reference = try Self.dense(hessian)
    let density = try VibrationalDensityOfStates(hessian: hessian, momentCount: 64, vectors: 24)
    let exact = density.moments.exactMoments(of: reference.values)
    #expect(abs(exact[0] - 1) < 1e-12)
    for m in 0..<exact.count {
      #expect(abs(density.moments.mean[m] - exact[m]) <= 5 * density.moments.standardError[m] + 1e-12,
              "moment \(m): \(density.moments.mean[m]) vs \(exact[m]) ± \(density.moments.standardError[m])")
    }
    // D(ω) is a density: ∫ D dω ≈ 1 over [0, ω_max] (the Jackson kernel preserves the integral).
    let step = density.frequencies[1] - density.frequencies[0]
    let integral = density.density.reduce(0, +) * step
    #expect(abs(integral - 1) < 0.05)
    #expect(density.standardError.allSatisfy { $0.isFinite && $0 >= 0 })
  }

  @Test("a triangular lattice's spectrum is its phonon dispersion D(q) = Σ_δ (1 − cos q·δ)[U″ nnᵀ + (U′/a)(1 − nnᵀ)]")
  func triangularPhonons() throws {
    let (model, positions) = Packings.triangular()
    let hessian = BackboneHessian(model: model, positions: positions, rattlers: [])
    let decomposition = try SymmetricEigendecomposition(hessian.assembled(), symmetryTolerance: 1e-9)
    let derivatives = model.kernels().pairDerivatives(1, 1.1)
    let (k, t) = (derivatives.curvature, derivatives.slope)
    let directions = (0..<6).map { (cos(Double($0) * Double.pi / 3), sin(Double($0) * Double.pi / 3)) }
    var expected = [Double]()
    let (lx, ly) = (model.boxEdges[0], model.boxEdges[1])
    for m1 in 0..<6 {
      for m2 in 0..<6 {
        let q = (2 * Double.pi * Double(m1) / lx, 2 * Double.pi * Double(m2) / ly)
        var block = [0.0, 0.0, 0.0]  // xx, xy, yy
        for n in directions {
          let weight = 1 - cos(q.0 * n.0 + q.1 * n.1)
          block[0] += weight * (k * n.0 * n.0 + t * (1 - n.0 * n.0))
          block[1] += weight * (k * n.0 * n.1 - t * n.0 * n.1)
          block[2] += weight * (k * n.1 * n.1 + t * (1 - n.1 * n.1))
        }
        let mean = (block[0] + block[2]) / 2
        let radius = (((block[0] - block[2]) / 2) * ((block[0] - block[2]) / 2) + block[1] * block[1]).squareRoot()
        expected += [mean - radius, mean + radius]
      }
    }
    expected.sort()
    for (computed, exact) in zip(decomposition.eigenvalues, expected) {
      #expect(abs(computed - exact) <= 1e-10)
    }
    // The lowest non-zero mode is a long-wavelength phonon, spread over every particle (P ≥ 0.5).
    let lowest = try LowestModes(hessian: hessian, count: 1)
    #expect(abs(lowest.modes[0].eigenvalue - expected[2]) <= 1e-10)
    #expect(lowest.modes[0].participationRatio(dimension: 2) >= 0.5)
  }
}
