import Models
extension SystemDescription {
  /// The `minimizer.fire2` object: LAMMPS's `min_modify` keywords of the fire style, each with the
  /// type it takes (yes/no as true/false, the integrator by name, numbers), no other key.
  static func fire2(_ object: JSONFields) throws(SystemError) -> [FIRE2Keyword: FIRE2Keyword.Value] {
    var fields = object
    var values: [FIRE2Keyword: FIRE2Keyword.Value] = [:]
    for keyword in FIRE2Keyword.allCases {
      let value: FIRE2Keyword.Value?
      if keyword.isFlag {
        value = try fields.bool(keyword.rawValue).map(FIRE2Keyword.Value.flag)
      } else if keyword.isName {
        value = try fields.string(keyword.rawValue).map(FIRE2Keyword.Value.name)
      } else {
        value = try fields.number(keyword.rawValue).map(FIRE2Keyword.Value.number)
      }
      if let value { values[keyword] = value }
    }
    try fields.finish()
    return values
  }
}

/// Reading a ``SystemDescription`` from a strictly parsed system file.
///
/// Field names are those of `Systems/*.json` (snake case). Every object refuses fields it does not
/// know, every value must have its field's type (a whole number where a count is meant), and the
/// messages name the field by its path; ranges and cross-field rules are checked afterwards by
/// ``ParticleSystem/init(_:baseDirectory:)``.
extension SystemDescription {
  public init(json: JSONValue) throws(SystemError) {
    var fields = try JSONFields(json, path: "")
    name = try fields.string("name")
    description = try fields.string("description")
    guard let dimension = try fields.integer("dimension", in: Int.min...Int.max) else {
      throw SystemError("missing field 'dimension' (2 or 3)")
    }
    self.dimension = dimension
    boundary = try fields.string("boundary")

    guard let speciesList = try fields.list("species") else {
      throw SystemError("missing field 'species' (a list of {name, count, diameter})")
    }
    species = []
    for (index, element) in speciesList.enumerated() {
      var entry = try JSONFields(element, path: "species[\(index)]")
      guard let name = try entry.string("name") else { throw SystemError("missing field 'species[\(index)].name'") }
      guard let count = try entry.integer("count", in: 0...Int.max) else {
        throw SystemError("missing field 'species[\(index)].count'")
      }
      guard let diameter = try entry.number("diameter") else {
        throw SystemError("missing field 'species[\(index)].diameter'")
      }
      let variable = try entry.bool("variable")
      try entry.finish()
      species.append(Species(name: name, count: count, diameter: diameter, variable: variable))
    }

    guard var potentialFields = try fields.object("potential") else {
      throw SystemError("missing field 'potential' (kind and its parameters)")
    }
    guard let kind = try potentialFields.string("kind") else { throw SystemError("missing field 'potential.kind'") }
    potential = Potential(kind: kind, epsilon: try potentialFields.number("epsilon"),
                          alpha: try potentialFields.number("alpha"), cutoff: try potentialFields.number("cutoff"))
    try potentialFields.finish()

    pairDiameters = try fields.list("pair_diameters").map { (rows: [JSONValue]) throws(SystemError) in
      var table: [[Double]] = []
      for (a, row) in rows.enumerated() {
        guard case .array(let entries) = row else {
          throw SystemError("field 'pair_diameters[\(a)]' must be a list of numbers, got \(row.kindName)")
        }
        var numbers: [Double] = []
        for (b, entry) in entries.enumerated() {
          numbers.append(try JSONFields.number(entry, name: "pair_diameters[\(a)][\(b)]"))
        }
        table.append(numbers)
      }
      return table
    }

    switch fields.value("box") {
    case nil: box = nil
    case .number(_, let side): box = [side]
    case .array(let edges)?:
      var numbers: [Double] = []
      for (axis, edge) in edges.enumerated() { numbers.append(try JSONFields.number(edge, name: "box[\(axis)]")) }
      box = numbers
    case let other?:
      throw SystemError("field 'box' must be a number or a list of numbers, got \(other.kindName) \(other.excerpt)")
    }
    packingFraction = try fields.number("packing_fraction")
    deformation = try fields.list("deformation").map { (rows: [JSONValue]) throws(SystemError) in
      var matrix: [[Double]] = []
      for (a, row) in rows.enumerated() {
        guard case .array(let entries) = row else {
          throw SystemError("field 'deformation[\(a)]' must be a list of numbers, got \(row.kindName)")
        }
        var numbers: [Double] = []
        for (b, entry) in entries.enumerated() {
          numbers.append(try JSONFields.number(entry, name: "deformation[\(a)][\(b)]"))
        }
        matrix.append(numbers)
      }
      return matrix
    }

    if var initialFields = try fields.object("initial") {
      initial = Initial(seed: try initialFields.unsigned("seed"), positions: try initialFields.string("positions"))
      try initialFields.finish()
    } else {
      initial = nil
    }

    if var settings = try fields.object("minimizer") {
      minimizer = MinimizerSettings(
        kind: try settings.string("kind"),
        forceTolerance: try settings.number("force_tolerance"),
        maxSteps: try settings.integer("max_steps", in: 0...Int.max),
        neighbourSkin: try settings.number("neighbour_skin"),
        stepSize: try settings.number("step_size"),
        timeStep: try settings.number("time_step"),
        maximumTimeStep: try settings.number("max_time_step"),
        maximumDisplacement: try settings.number("max_displacement"),
        fire2: try settings.object("fire2").map { (fields: JSONFields) throws(SystemError) in try Self.fire2(fields) },
        pressure: try settings.number("pressure"), relaxShear: try settings.bool("relax_shear"),
        memory: try settings.integer("memory", in: 1...1000), pairPrecision: try settings.string("pair_precision"),
        preconditioner: try settings.string("preconditioner"), crossover: try settings.number("crossover"))
      try settings.finish()
    } else {
      minimizer = nil
    }
    try fields.finish()
  }
}
