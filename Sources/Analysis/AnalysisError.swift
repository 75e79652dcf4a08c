/// An analysis that cannot be done on the given input (too many modes, a grid that does not fit).
public struct AnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
