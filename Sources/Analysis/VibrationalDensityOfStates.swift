import Foundation
import LinearAlgebra
import Models

/// The vibrational density of states D(ω) of a minimum without forming H (unit masses, ω² = λ an
/// eigenvalue of the backbone Hessian, ω in √(energy/mass)/length), by the kernel polynomial method:
///
///     ρ(λ̃) = [g₀μ₀ + 2 Σₘ gₘ μₘ Tₘ(λ̃)] / (π √(1 − λ̃²)),   ρ(λ) = ρ(λ̃)/h,   D(ω) = 2ω ρ(ω²),
///
/// with the Jackson kernel gₘ (no Gibbs oscillations, resolution ≈ πh/M in λ) and the stochastic
/// moments of ``ChebyshevMoments`` (the projected rigid-body zeros excluded: ∫D dω = 1 over the
/// d·N′ − rigid vibrational modes). The error bar of every D(ωⱼ) is the standard error over the
/// random vectors (each gives its own D, linear in its moments).
public struct VibrationalDensityOfStates: Sendable {
  /// ω at the bin centres.
  public let frequencies: [Double]
  /// D(ω) (1/ω units, ∫ D dω = 1).
  public let density: [Double]
  /// Standard error of `density` from the number of random vectors.
  public let standardError: [Double]
  /// The stochastic moments the density comes from.
  public let moments: ChebyshevMoments
  /// Hessian products spent (moments and the spectral bound).
  public let hessianProducts: Int

  /// D(ω) of `hessian` on `points` frequencies in [0, ω_max] from `momentCount` moments and
  /// `vectors` random vectors. The interval is [−0.01 λ_max, 1.01 λ_max] with λ_max from Lanczos.
  public init(hessian: BackboneHessian, momentCount: Int = 256, vectors: Int = 16, points: Int = 200,
              seed: UInt64 = 0xD05) throws {
    let lanczos = Lanczos(maximumSteps: 60, tolerance: 1e-3, seed: seed, projection: { hessian.space.projectTranslations(&$0) })
    let extremes = try lanczos.extremeEigenvalues(of: hessian)
    let largest = extremes.largestEigenvalue + extremes.largestResidualBound
    let interval = (lower: -0.01 * largest, upper: 1.01 * largest)
    moments = ChebyshevMoments(of: hessian, interval: interval, count: momentCount, vectors: vectors,
                               modeCount: hessian.vibrationalModeCount, seed: seed,
                               projection: hessian.project)
    hessianProducts = extremes.steps + vectors * (momentCount / 2)
    let ωmax = largest.squareRoot()
    let frequencies = (0..<points).map { (Double($0) + 0.5) * ωmax / Double(points) }
    self.frequencies = frequencies
    let kernel = Self.jacksonKernel(momentCount)
    let halfWidth = (interval.upper - interval.lower) / 2
    let moments = self.moments
    func reconstruct(_ μ: [Double]) -> [Double] {
      frequencies.map { ω in
        let x = moments.scaled(ω * ω)
        var (previous, current) = (1.0, x)
        var sum = kernel[0] * μ[0] + 2 * kernel[1] * μ[1] * x
        for m in 2..<μ.count {
          (previous, current) = (current, 2 * x * current - previous)
          sum += 2 * kernel[m] * μ[m] * current
        }
        return 2 * ω * sum / (Double.pi * (1 - x * x).squareRoot() * halfWidth)
      }
    }
    density = reconstruct(moments.mean)
    let perVector = moments.samples.map(reconstruct)
    let r = Double(perVector.count)
    standardError = frequencies.indices.map { j in
      guard perVector.count > 1 else { return .infinity }
      let mean = perVector.reduce(0) { $0 + $1[j] } / r
      return (perVector.reduce(0) { $0 + ($1[j] - mean) * ($1[j] - mean) } / (r - 1) / r).squareRoot()
    }
  }

  /// The Jackson kernel gₘ = [(M − m + 1) cos(πm/(M+1)) + sin(πm/(M+1)) cot(π/(M+1))] / (M + 1).
  public static func jacksonKernel(_ count: Int) -> [Double] {
    let q = Double.pi / Double(count + 1)
    return (0..<count).map { m in
      let m = Double(m)
      return ((Double(count) - m + 1) * cos(q * m) + sin(q * m) * cos(q) / sin(q)) / Double(count + 1)
    }
  }
}
