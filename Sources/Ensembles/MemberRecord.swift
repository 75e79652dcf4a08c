import Foundation
import Simulation

/// The record of one finished member, written atomically as `members/member-NNNN.json` after its
/// output files: its parameters, whether it succeeded (else why not), every step's `--json` result
/// and output file (with its size), and how it ran (seconds, queue wait, host, rank).
///
/// A record is valid when it reads, carries the member's fingerprint and every output file it
/// names has the recorded size; a restarted sweep skips valid members and redoes the rest.
public struct MemberRecord: Sendable {
  public enum Status: String, Sendable {
    case succeeded
    case failed
  }

  public var index: Int
  public var fingerprint: String
  public var parameters: JSONValue
  public var status: Status
  /// Why the member failed (nil when it succeeded).
  public var reason: String?
  /// Every step run, in order (a failed step is the last).
  public var steps: [RecordedStep]
  /// Wall-clock seconds of the member, and of its wait for the work queue.
  public var seconds: Double
  public var queueSeconds: Double
  public var host: String
  public var rank: Int

  static let format = "mdsens-ensemble-member"

  public var json: JSONValue {
    .object([
      ("format", .string(Self.format)), ("version", .integer(1)), ("index", .integer(index)),
      ("fingerprint", .string(fingerprint)), ("parameters", parameters), ("status", .string(status.rawValue)),
      ("reason", reason.map(JSONValue.string) ?? .null),
      ("steps", .array(steps.map { step in
        .object([("command", .string(step.commandLine)), ("status", .integer(Int(step.status))),
                 ("output", step.output.map(JSONValue.string) ?? .null),
                 ("output_bytes", step.outputBytes.map(JSONValue.integer) ?? .null), ("result", step.result)])
      })),
      ("run", .object([("seconds", .exact(seconds)), ("queue_seconds", .exact(queueSeconds)),
                       ("host", .string(host)), ("rank", .integer(rank))])),
    ])
  }

  public init(index: Int, fingerprint: String, parameters: JSONValue, status: Status, reason: String?,
              steps: [RecordedStep],
              seconds: Double, queueSeconds: Double, host: String, rank: Int) {
    self.index = index
    self.fingerprint = fingerprint
    self.parameters = parameters
    self.status = status
    self.reason = reason
    self.steps = steps
    self.seconds = seconds
    self.queueSeconds = queueSeconds
    self.host = host
    self.rank = rank
  }

  /// The record in `json`, or nil when it is not a complete record.
  public init?(json: JSONValue) {
    guard json["format"]?.stringValue == Self.format, json["version"]?.numberValue == 1,
          let index = json["index"]?.numberValue, let fingerprint = json["fingerprint"]?.stringValue,
          let parameters = json["parameters"], case .object = parameters,
          let statusName = json["status"]?.stringValue, let status = Status(rawValue: statusName),
          case .array(let steps)? = json["steps"], let run = json["run"],
          let seconds = run["seconds"]?.numberValue, let queue = run["queue_seconds"]?.numberValue,
          let host = run["host"]?.stringValue, let rank = run["rank"]?.numberValue
    else { return nil }
    var parsed: [RecordedStep] = []
    for step in steps {
      guard let command = step["command"]?.stringValue, let code = step["status"]?.numberValue,
            let result = step["result"] else { return nil }
      parsed.append(RecordedStep(commandLine: command, status: Int32(code), result: result,
                                 output: step["output"]?.stringValue,
                                 outputBytes: step["output_bytes"]?.numberValue.map { Int($0) }))
    }
    self.init(index: Int(index), fingerprint: fingerprint, parameters: parameters, status: status,
              reason: json["reason"]?.stringValue, steps: parsed, seconds: seconds, queueSeconds: queue, host: host,
              rank: Int(rank))
  }

  /// The record at `path` if it is a valid record of `member`: it reads, has the member's
  /// fingerprint, and every output file it names (in `folder`) has the recorded size.
  public static func valid(at path: String, of member: EnsembleMember, folder: String) -> MemberRecord? {
    guard let data = FileManager.default.contents(atPath: path),
          let json = try? JSONValue.parse([UInt8](data)), let record = MemberRecord(json: json),
          record.index == member.index, record.fingerprint == member.fingerprint else { return nil }
    for step in record.steps {
      guard let output = step.output else { continue }
      let file = (folder as NSString).appendingPathComponent(output)
      guard let size = fileSize(file), size == step.outputBytes else { return nil }
    }
    return record
  }
}

/// One task step as a record keeps it.
public struct RecordedStep: Sendable {
  /// The command line as run (without the options the ensemble adds).
  public var commandLine: String
  /// The exit status the command gives on the command line.
  public var status: Int32
  /// The command's `--json` object.
  public var result: JSONValue
  /// The output file's name in the members folder, and its size in bytes.
  public var output: String?
  public var outputBytes: Int?

  public init(commandLine: String, status: Int32, result: JSONValue, output: String?, outputBytes: Int?) {
    self.commandLine = commandLine
    self.status = status
    self.result = result
    self.output = output
    self.outputBytes = outputBytes
  }
}

/// The size in bytes of the regular file at `path`, or nil.
func fileSize(_ path: String) -> Int? {
  var status = stat()
  guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
  return Int(status.st_size)
}
