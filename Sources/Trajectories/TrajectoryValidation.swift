// Both writers check their input here first, so that a file is never written half-way and then
// abandoned because of a mistake that was visible up front.

/// Per-particle field names that would collide with the layouts' own entries.
let reservedFieldNames: Set<String> = ["position", "pos", "box", "species", "species_name", "image", "id", "Z"]

extension TrajectoryHeader {
  /// A sentence describing the first problem, or nil when the header can be written.
  func validationProblem() -> String? {
    guard dimension == 2 || dimension == 3 else { return "dimension must be 2 or 3, not \(dimension)" }
    guard !species.isEmpty else { return "a trajectory needs at least one particle" }
    guard !speciesNames.isEmpty else { return "species names are empty" }
    guard Set(speciesNames).count == speciesNames.count else { return "species names repeat" }
    for name in speciesNames where !isPlainToken(name) {
      return "species name \"\(name)\" must be non-empty without whitespace, quotes or '='"
    }
    if let bad = species.firstIndex(where: { $0 < 0 || $0 >= speciesNames.count }) {
      return "particle \(bad) has species \(species[bad]) outside 0..<\(speciesNames.count)"
    }
    guard periodic.count == dimension else {
      return "periodic flags have \(periodic.count) entries for dimension \(dimension)"
    }
    if let problem = boxProblem(box) { return problem }
    if let speciesDiameters {
      guard speciesDiameters.count == speciesNames.count else {
        return "\(speciesDiameters.count) species diameters for \(speciesNames.count) species"
      }
      if let bad = speciesDiameters.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
        return "species diameter \(bad) is \(speciesDiameters[bad]); diameters must be positive and finite"
      }
    }
    for name in fieldUnits.keys where !isValidFieldName(name) {
      return "field name \"\(name)\" must use letters, digits and '_' and not be reserved"
    }
    return nil
  }

  /// A sentence describing why `box` does not fit this header, or nil.
  func boxProblem(_ box: SimulationBox) -> String? {
    guard box.dimension == dimension else {
      return "box has dimension \(box.dimension), header \(dimension)"
    }
    if !box.isOrthorhombic {
      guard periodic.allSatisfy({ $0 }) else { return "a triclinic box must be periodic along every axis" }
      guard box.edgeVectors.allSatisfy(\.isFinite) else { return "the box's edge vectors are not finite" }
      guard box.volume > 0 else { return "the box's edge vectors span no volume (or a left-handed one)" }
    }
    for (axis, edge) in box.edges.enumerated() {
      guard edge.isFinite else { return "box edge \(axis) is not finite" }
      if periodic[axis] ? edge <= 0 : edge < 0 {
        return "box edge \(axis) is \(edge); periodic edges must be positive, others non-negative"
      }
    }
    return nil
  }

  /// A sentence describing why `frame` cannot be stored under this header, or nil.
  func frameProblem(_ frame: TrajectoryFrame) -> String? {
    let valueCount = particleCount * dimension
    guard frame.positions.count == valueCount else {
      return "frame at step \(frame.step) has \(frame.positions.count) position values, expected N × d = \(valueCount)"
    }
    if let bad = frame.positions.firstIndex(where: { !$0.isFinite }) {
      return "frame at step \(frame.step): position value \(bad) is not finite"
    }
    guard frame.time.isFinite else { return "frame at step \(frame.step): time is not finite" }
    if let problem = boxProblem(frame.box) { return "frame at step \(frame.step): \(problem)" }
    if let energy = frame.potentialEnergy, !energy.isFinite {
      return "frame at step \(frame.step): potential energy is not finite"
    }
    if let force = frame.maxForceComponent, !force.isFinite {
      return "frame at step \(frame.step): max force is not finite"
    }
    for (name, values) in frame.fields {
      guard isValidFieldName(name) else {
        return "field name \"\(name)\" must use letters, digits and '_' and not be reserved"
      }
      guard values.count == valueCount else {
        return "field \(name) at step \(frame.step) has \(values.count) values, expected N × d = \(valueCount)"
      }
      if let bad = values.firstIndex(where: { !$0.isFinite }) {
        return "field \(name) at step \(frame.step): value \(bad) is not finite"
      }
    }
    for (name, values) in frame.observables {
      guard isValidFieldName(name), name != "potential_energy", name != "max_force" else {
        return "observable name \"\(name)\" must use letters, digits and '_' and not be reserved"
      }
      guard !values.isEmpty else { return "observable \(name) at step \(frame.step) has no values" }
      if let bad = values.firstIndex(where: { !$0.isFinite }) {
        return "observable \(name) at step \(frame.step): value \(bad) is not finite"
      }
    }
    return nil
  }
}

/// Whether `text` can stand unquoted as one whitespace-separated token in the XYZ comment line.
func isPlainToken(_ text: String) -> Bool {
  !text.isEmpty && !text.contains { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "=" || $0 == ":" }
}

/// Whether `name` is usable as an HDF5 group name and an XYZ property name.
func isValidFieldName(_ name: String) -> Bool {
  guard let first = name.unicodeScalars.first, !reservedFieldNames.contains(name) else { return false }
  let isLetter: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "_" }
  return isLetter(first) && name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
}
