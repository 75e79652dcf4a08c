/// Why a system file, a positions file or a request cannot be used; the message names the field or
/// file so the user can fix it.
public struct SystemError: Error, CustomStringConvertible, Sendable {
  public let message: String

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }
}
