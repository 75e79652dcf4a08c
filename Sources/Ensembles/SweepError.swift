/// Why a sweep file cannot be run, or why an ensemble's output folder cannot be used; the message
/// names the file and the field so that the user can fix it.
public struct SweepError: Error, CustomStringConvertible, Sendable {
  public let message: String

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }
}
