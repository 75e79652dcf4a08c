/// How many evaluations of the optimality mapping (or objective) the products of a linearization
/// have cost: the measure by which reverse mode's independence of dim θ is checked.
public struct EvaluationCounts: Sendable, Equatable, CustomStringConvertible {
  /// Forward-mode evaluations of F (one per A·v or B·v product).
  public var forwardEvaluations = 0
  /// Evaluations recorded on a tape (one for all the Aᵀ·w and wᵀB products of a general F, one per
  /// product for the reverse-over-forward products of an objective).
  public var tapeRecordings = 0
  /// Reverse sweeps over a recorded tape.
  public var reverseSweeps = 0

  public init() {}

  public var description: String {
    "\(forwardEvaluations) forward evaluations, \(tapeRecordings) tape recordings, "
      + "\(reverseSweeps) reverse sweeps"
  }
}

/// Mutable storage shared by the copies of a linearization value: the counts and a tape recorded
/// on first use.
@usableFromInline
final class LinearizationCache<Recording> {
  @usableFromInline var counts = EvaluationCounts()
  @usableFromInline var recording: Recording?
  @usableFromInline init() {}
}
