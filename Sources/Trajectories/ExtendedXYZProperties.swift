/// One column group of the `Properties=name:type:count:...` description of the particle lines.
struct ExtendedXYZProperty: Equatable {
  /// `S` string, `R` real, `I` integer, `L` logical.
  enum ValueType: String { case string = "S", real = "R", integer = "I", logical = "L" }

  var name: String
  var type: ValueType
  var count: Int

  /// The column of the species' real names when `species` holds stand-in element symbols
  /// (``ExtendedXYZWriter`` writes both, as ASE accepts only elements in `species`).
  static let speciesNameColumn = "species_name"

  /// The most columns one property may span; real files use 1 to 9.
  static let maximumCount = 1_000_000

  /// Parses `species:S:1:pos:R:3:...` into its column groups.
  static func parseList(_ text: String) throws(ExtendedXYZSyntaxError) -> [ExtendedXYZProperty] {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard !text.isEmpty, parts.count % 3 == 0 else {
      throw ExtendedXYZSyntaxError("Properties=\(excerpt(text)) is not a list of name:type:count triples")
    }
    var properties: [ExtendedXYZProperty] = []
    var seen: Set<String> = []
    for start in stride(from: 0, to: parts.count, by: 3) {
      let name = parts[start]
      guard !name.isEmpty, let type = ValueType(rawValue: parts[start + 1].uppercased()),
            let count = Int(parts[start + 2]), (1...maximumCount).contains(count) else {
        let entry = excerpt("\(parts[start]):\(parts[start + 1]):\(parts[start + 2])")
        throw ExtendedXYZSyntaxError(
          "Properties entry \(entry) needs a name, a type S/R/I/L and a count from 1 to \(maximumCount)")
      }
      guard seen.insert(name).inserted else {
        throw ExtendedXYZSyntaxError("Properties names \(excerpt(name)) twice")
      }
      properties.append(ExtendedXYZProperty(name: name, type: type, count: count))
    }
    return properties
  }

  static func formatList(_ properties: [ExtendedXYZProperty]) -> String {
    properties.map { "\($0.name):\($0.type.rawValue):\($0.count)" }.joined(separator: ":")
  }
}
