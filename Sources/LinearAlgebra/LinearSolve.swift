/// Why an iterative solve stopped.
///
/// Encoded (`Codable`) as one string, its ``description``: "converged", "maximum iterations reached",
/// "breakdown: <reason>", "stagnated", "non-finite value"; so a report carries the status itself and
/// a reader of the JSON sees the same words as a reader of the log.
public enum LinearSolveStatus: Equatable, Sendable, CustomStringConvertible, Codable {
  /// ‖b − A·x‖ ≤ tolerance·‖b‖ was reached.
  case converged
  /// The iteration limit was reached before the tolerance.
  case maximumIterationsReached
  /// The method broke down (a vanishing inner product such as BiCGSTAB's ρ or ω, a non-positive
  /// curvature in CG, a Krylov space that stopped growing); the text says which.
  case breakdown(String)
  /// The residual stopped decreasing.
  case stagnated
  /// A non-finite value appeared in the operator's output or in the iterates.
  case nonFinite

  public var description: String {
    switch self {
    case .converged: return "converged"
    case .maximumIterationsReached: return "maximum iterations reached"
    case .breakdown(let reason): return Self.breakdownPrefix + reason
    case .stagnated: return "stagnated"
    case .nonFinite: return "non-finite value"
    }
  }

  /// The text that precedes a breakdown's reason in ``description``.
  private static let breakdownPrefix = "breakdown: "

  /// The status whose ``description`` is `text`; nil for any other text.
  public init?(description text: String) {
    switch text {
    case "converged": self = .converged
    case "maximum iterations reached": self = .maximumIterationsReached
    case "stagnated": self = .stagnated
    case "non-finite value": self = .nonFinite
    default:
      guard text.hasPrefix(Self.breakdownPrefix) else { return nil }
      self = .breakdown(String(text.dropFirst(Self.breakdownPrefix.count)))
    }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let status = LinearSolveStatus(description: text) else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "unknown linear-solve status \"\(text)\"")
    }
    self = status
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

/// The outcome of solving A·x = b: never a silent NaN; the status says whether `solution` is one.
public struct LinearSolveResult: Sendable {
  /// The last iterate (the best available even when not converged).
  public var solution: [Double]
  /// Iterations (matrix-vector products for Krylov methods; see each solver's documentation).
  public var iterations: Int
  /// ‖b − A·x‖ / ‖b‖ of `solution` (‖b − A·x‖ when b = 0).
  public var relativeResidual: Double
  public var status: LinearSolveStatus

  public var converged: Bool { status == .converged }

  public init(solution: [Double], iterations: Int, relativeResidual: Double, status: LinearSolveStatus) {
    self.solution = solution
    self.iterations = iterations
    self.relativeResidual = relativeResidual
    self.status = status
  }
}

/// A method that solves A·x = b given only products with A (and, for some methods, Aᵀ):
/// the swappable part of every implicit derivative.
public protocol LinearSolver: Sendable {
  /// A short name for reports ("bicgstab", "cg", ...).
  var name: String { get }
  /// Solves A·x = b starting from `initialGuess` (zero when nil).
  func solve(_ operator: some LinearOperator, _ b: [Double], initialGuess: [Double]?) -> LinearSolveResult
}

extension LinearSolver {
  public func solve(_ operator: some LinearOperator, _ b: [Double]) -> LinearSolveResult {
    solve(`operator`, b, initialGuess: nil)
  }
}
