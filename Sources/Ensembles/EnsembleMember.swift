import Foundation
import Simulation

/// One member of a sweep: its index, the values of the varied fields and the system file they give.
public struct EnsembleMember: Sendable {
  /// The position in the sweep, 0 ..< ``Sweep/memberCount``.
  public let index: Int
  /// The values of the varied fields.
  public let parameters: [(field: SweepField, value: JSONValue)]
  /// The base system file with the parameters applied.
  public let systemFile: JSONValue
  /// Where relative paths in the system file point.
  public let systemDirectory: URL?
  /// A digest of the system file and the task: a record with another fingerprint belongs to
  /// another sweep (the sweep file was edited) and is redone, never reused.
  public let fingerprint: String

  /// The parameters as a JSON object, in the sweep file's field order.
  public var parameterObject: JSONValue { .object(parameters.map { ($0.field.name, $0.value) }) }

  /// The member's system, checked by the system-file reader; its message when a parameter value
  /// makes the file invalid (a negative diameter, an impossible packing fraction …).
  public func system() throws -> ParticleSystem {
    let label = parameters.map { "\($0.field.name) = \($0.value.excerpt)" }.joined(separator: ", ")
    return try ParticleSystem.parse(json: systemFile.text(), origin: "member \(index) (\(label))",
                                    baseDirectory: systemDirectory)
  }
}

extension Sweep {
  /// Member `index`.
  public func member(_ index: Int) -> EnsembleMember {
    let parameters = parameters(of: index)
    let file = parameters.reduce(system) { file, parameter in parameter.field.apply(parameter.value, to: file) }
    let identity = JSONValue.object([("system", file), ("task", .array(task.map { .string($0.commandLine) }))])
    return EnsembleMember(index: index, parameters: parameters, systemFile: file, systemDirectory: systemDirectory,
                          fingerprint: Self.digest(identity.text()))
  }

  /// FNV-1a (64 bit) of the text, in hexadecimal: stable across runs, machines and Swift versions
  /// (unlike `Hasher`, which is seeded per process).
  static func digest(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
