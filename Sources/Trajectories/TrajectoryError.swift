/// The error every reader and writer in this module throws: it names the file, the kind of failure,
/// the line for text formats, and a sentence a user can act on.
public struct TrajectoryError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What went wrong, coarse enough for callers to branch on.
  public enum Kind: String, Sendable {
    /// The destination (or its temporary sibling) could not be created, e.g. missing directory.
    case cannotCreate
    /// Writing, closing or renaming the file failed part-way.
    case cannotWrite
    /// The file does not exist, cannot be read, or is not of the expected format.
    case cannotOpen
    /// A required group, dataset, attribute or key is absent.
    case missingObject
    /// Array shapes disagree with each other or with the header (particle count, dimension).
    case inconsistentShape
    /// A text line does not follow the format.
    case malformedText
    /// Values are out of range: non-finite numbers, unknown species, invalid names.
    case invalidData
    /// The writer was used after it finished or failed.
    case invalidState
  }

  public let kind: Kind
  /// The path given by the caller (not the temporary file).
  public let path: String
  /// The 1-based line number in text formats, when the problem is tied to a line.
  public let line: Int?
  /// What went wrong and, where possible, what to do about it.
  public let reason: String

  /// The longest reason kept, in characters: a reason is one line, however hostile the input it quotes.
  static let maximumReasonLength = 400

  /// An error of `kind` about the file at `path`, optionally at a 1-based `line`.
  ///
  /// The reason is kept to one line of at most `maximumReasonLength` characters: control
  /// characters (line breaks among them) are escaped, so a message never reproduces a file.
  public init(_ kind: Kind, path: String, line: Int? = nil, reason: String) {
    self.kind = kind
    self.path = path
    self.line = line
    self.reason = excerpt(reason, limit: Self.maximumReasonLength)
  }

  /// `path:line: reason`, the form editors and terminals link to.
  public var description: String {
    if let line { return "\(path):\(line): \(reason)" }
    return "\(path): \(reason)"
  }
}
