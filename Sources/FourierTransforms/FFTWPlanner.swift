import CFFTW
import Foundation

/// The one door to FFTW's planner.
///
/// FFTW's planner keeps global state (its wisdom and the allocator it plans with), so of all its
/// routines only `fftw_execute` may run on several threads at once; planning and destroying a plan
/// must happen one thread at a time (FFTW manual, "Thread safety"). Structure factors are computed
/// concurrently by ensembles and by the parallel test runner, and two unguarded planners corrupted
/// the heap ("double free or corruption"). Every plan in the process is therefore made and destroyed
/// under this one lock (``ComplexGridTransform`` included); transforms themselves run outside it.
public enum FFTWPlanner {
  private static let planner = NSLock()

  /// Runs `body` (which makes or destroys FFTW plans) holding the process-wide planner lock.
  public static func planning<Result>(_ body: () -> Result) -> Result {
    planner.withLock(body)
  }

  /// The real-to-complex transform of a d-dimensional grid of `sizes` points (row-major, the last
  /// axis fastest) into `output`, whose last axis keeps sizes[d − 1]/2 + 1 complex entries:
  ///
  ///     output[m] = Σₙ input[n] exp(−2πi Σₐ mₐnₐ/Gₐ).
  public static func transformRealToComplex(sizes: [Int], input: UnsafeMutablePointer<Double>,
                                            output: UnsafeMutablePointer<(Double, Double)>) {
    var sizes32 = sizes.map { Int32($0) }
    let plan = planning {
      fftw_plan_dft_r2c(Int32(sizes32.count), &sizes32, input, output, UInt32(FFTW_ESTIMATE))
    }
    fftw_execute(plan)
    planning { fftw_destroy_plan(plan) }
  }
}
