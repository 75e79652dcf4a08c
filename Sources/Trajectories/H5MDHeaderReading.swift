import CHDF5

/// The reader's work while opening a file: reading the header and checking every shape once, so
/// that reading a frame later cannot meet an inconsistent file.
struct H5MDReadState {
  var file: hid_t = -1
  var header: TrajectoryHeader?
  var positionSteps: [Int] = []
  var elementSteps: [String: [Int]] = [:]
  var fieldNames: [String] = []
  /// The shape of one box: [d] (edge lengths) or [d, d] (the edge vectors of a triclinic cell).
  var boxShape: [Int] = []
  /// The paths of the particle group being read, set by ``readHeader()``.
  var layout = H5MDLayout()

  mutating func readHeader() throws {
    let metadata = try hdf5OpenGroup(file, H5MDLayout.metadataGroup)
    defer { H5Gclose(metadata) }
    let version = try hdf5ReadIntegerAttribute(metadata, "version", what: H5MDLayout.metadataGroup)
    guard version.first == 1 else {
      throw HDF5Failure("H5MD version \(excerpt(list: version)) is not 1.x", kind: .invalidData)
    }
    let authorName = try optionalString(H5MDLayout.authorGroup, "name")
    let creatorName = try optionalString(H5MDLayout.creatorGroup, "name")
    let creatorVersion = try optionalString(H5MDLayout.creatorGroup, "version")

    layout = try readParticleGroupLayout()
    let box = try hdf5OpenGroup(file, layout.boxGroup)
    defer { H5Gclose(box) }
    let dimensionValues = try hdf5ReadIntegerAttribute(box, "dimension", what: layout.boxGroup)
    guard dimensionValues.count == 1, let dimension = dimensionValues.first, dimension == 2 || dimension == 3 else {
      throw HDF5Failure("box dimension \(excerpt(list: dimensionValues)) is not 2 or 3", kind: .invalidData)
    }
    let boundary = try hdf5ReadStringAttribute(box, "boundary", what: layout.boxGroup)
    guard boundary.count == dimension, boundary.allSatisfy({ $0 == "periodic" || $0 == "none" }) else {
      throw HDF5Failure("box boundary \(excerpt(list: boundary)) must list \(dimension) of \"periodic\"/\"none\"",
                        kind: .inconsistentShape)
    }

    let periodic = boundary.map { $0 == "periodic" }
    let (species, speciesNames) = try readSpecies()
    let speciesDiameters = try readSpeciesDiameters(count: speciesNames.count)
    let n = species.count
    positionSteps = try readSteps(layout.position, frameShape: [n, dimension])

    let edgesRows: Int
    boxShape = try readBoxShape(dimension: dimension)
    switch hdf5Kind(file, layout.edges) {
    case .group?:
      elementSteps[layout.edges] = try readSteps(layout.edges, frameShape: boxShape)
      edgesRows = elementSteps[layout.edges]!.count
    case .dataset?:
      edgesRows = 0
    default:
      throw HDF5Failure("box edges \(layout.edges) are missing", kind: .missingObject)
    }
    let initialBox = try readInitialBox(dimension: dimension, periodic: periodic,
                                        timeDependent: edgesRows > 0 || elementSteps[layout.edges] != nil)

    for observable in [H5MDLayout.potentialEnergy, H5MDLayout.maxForce] where hdf5Kind(file, observable) == .group {
      elementSteps[observable] = try readSteps(observable, frameShape: [])
    }
    var fieldUnits: [String: String] = [:]
    let particles = try hdf5OpenGroup(file, layout.particleGroup)
    defer { H5Gclose(particles) }
    for name in try hdf5ChildNames(particles) where !H5MDLayout.nonFieldEntries.contains(name) {
      let element = layout.field(name)
      guard hdf5Kind(file, element) == .group, hdf5Kind(file, element + "/value") == .dataset else { continue }
      elementSteps[element] = try readSteps(element, frameShape: [n, dimension])
      fieldNames.append(name)
      let fieldUnit = try unit(of: element + "/value")
      // The writer omits empty units, so only recorded ones come back.
      if !fieldUnit.isEmpty { fieldUnits[name] = fieldUnit }
    }

    header = TrajectoryHeader(
      dimension: dimension, speciesNames: speciesNames, species: species,
      periodic: periodic, box: initialBox,
      authorName: authorName, creatorName: creatorName, creatorVersion: creatorVersion,
      lengthUnit: try unit(of: layout.position + "/value"),
      energyUnit: hdf5Exists(file, H5MDLayout.potentialEnergy + "/value")
        ? try unit(of: H5MDLayout.potentialEnergy + "/value") : "",
      timeUnit: try unit(of: layout.position + "/time"),
      unitSystem: try optionalString(H5MDLayout.unitsModule, "system"),
      fieldUnits: fieldUnits, speciesDiameters: speciesDiameters)
  }

  private func optionalString(_ groupPath: String, _ name: String) throws -> String {
    guard hdf5Kind(file, groupPath) == .group else { return "" }
    let group = try hdf5OpenGroup(file, groupPath)
    defer { H5Gclose(group) }
    guard hdf5AttributeExists(group, name) else { return "" }
    return try hdf5ReadStringAttribute(group, name, what: groupPath).first ?? ""
  }

  private func unit(of datasetPath: String) throws -> String {
    let dataset = try hdf5OpenDataset(file, datasetPath)
    defer { H5Dclose(dataset) }
    guard hdf5AttributeExists(dataset, "unit") else { return "" }
    return try hdf5ReadStringAttribute(dataset, "unit", what: datasetPath).first ?? ""
  }

  /// The species indices and names, checked before anything is built from them: every index must
  /// name one of the `names` attribute's entries or, without that attribute (files from other
  /// writers, species named by their index), lie in 0..<N, so there are never more species than
  /// particles.
  /// The layout of the particle group to read: the only group under `/particles`, or among several
  /// the one mdsens writes (`trajectory`) or its older name (`all`).
  private func readParticleGroupLayout() throws -> H5MDLayout {
    let particles = try hdf5OpenGroup(file, H5MDLayout.particlesGroup)
    defer { H5Gclose(particles) }
    let names = try hdf5ChildNames(particles)
    guard let name = H5MDLayout.particleGroupName(among: names) else {
      let listed = names.isEmpty ? "none" : excerpt(list: names)
      throw HDF5Failure("\(H5MDLayout.particlesGroup) must hold one particle group (or one named trajectory or all); found \(listed)",
                        kind: names.isEmpty ? .missingObject : .invalidData)
    }
    return H5MDLayout(groupName: name)
  }

  private func readSpecies() throws -> ([Int], [String]) {
    let what = layout.species
    let dataset = try hdf5OpenDataset(file, what)
    defer { H5Dclose(dataset) }
    let shape = try hdf5Shape(dataset, what: what)
    guard shape.count == 1, shape[0] > 0 else {
      throw HDF5Failure("\(what) has shape \(shape), expected [N] with N > 0", kind: .inconsistentShape)
    }
    try hdf5CheckStored(dataset, what: what)
    let species = try hdf5ReadIntegers(dataset, start: [0], count: shape, what: what)
    let n = species.count
    let names: [String]
    if hdf5AttributeExists(dataset, H5MDLayout.speciesNamesAttribute) {
      names = try hdf5ReadStringAttribute(dataset, H5MDLayout.speciesNamesAttribute, what: what)
      let attribute = "\(what) attribute \(H5MDLayout.speciesNamesAttribute)"
      guard !names.isEmpty else { throw HDF5Failure("\(attribute) is empty", kind: .invalidData) }
      if let bad = names.firstIndex(where: \.isEmpty) {
        throw HDF5Failure("\(attribute): name \(bad) is empty", kind: .invalidData)
      }
      guard Set(names).count == names.count else {
        throw HDF5Failure("\(attribute) repeats a name: \(excerpt(list: names))", kind: .invalidData)
      }
      if let bad = species.firstIndex(where: { $0 < 0 || $0 >= names.count }) {
        throw HDF5Failure(
          "\(what): particle \(bad) has species index \(species[bad]), outside the \(names.count) species names",
          kind: .invalidData)
      }
    } else {
      if let bad = species.firstIndex(where: { $0 < 0 || $0 >= n }) {
        throw HDF5Failure(
          "\(what): particle \(bad) has species index \(species[bad]); without a names attribute indices must lie in 0..<\(n) (the particle count)",
          kind: .invalidData)
      }
      // Files from other writers: name species by their index.
      names = (0...(species.max() ?? 0)).map { String($0) }
    }
    return (species, names)
  }

  /// The species' diameters (the `diameters` attribute of the species dataset), when present:
  /// one positive finite number per species.
  private func readSpeciesDiameters(count: Int) throws -> [Double]? {
    let what = layout.species
    let dataset = try hdf5OpenDataset(file, what)
    defer { H5Dclose(dataset) }
    guard hdf5AttributeExists(dataset, H5MDLayout.speciesDiametersAttribute) else { return nil }
    let diameters = try hdf5ReadDoubleAttribute(dataset, H5MDLayout.speciesDiametersAttribute, what: what)
    guard diameters.count == count, diameters.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw HDF5Failure("\(what) attribute \(H5MDLayout.speciesDiametersAttribute) \(excerpt(list: diameters)) must hold \(count) positive finite diameters",
                        kind: .invalidData)
    }
    return diameters
  }

  /// Reads `element/step` after checking that `step`, `time` and `value` agree on the frame count and
  /// that `value` has shape [frames] + frameShape.
  private func readSteps(_ element: String, frameShape: [Int]) throws -> [Int] {
    let value = try hdf5OpenDataset(file, element + "/value")
    defer { H5Dclose(value) }
    let valueShape = try hdf5Shape(value, what: element + "/value")
    guard valueShape.count == frameShape.count + 1, Array(valueShape.dropFirst()) == frameShape else {
      throw HDF5Failure("\(element)/value has shape \(valueShape), expected [frames] + \(frameShape)",
                        kind: .inconsistentShape)
    }
    try hdf5CheckStored(value, what: element + "/value")
    let frames = valueShape[0]
    let step = try hdf5OpenDataset(file, element + "/step")
    defer { H5Dclose(step) }
    let time = try hdf5OpenDataset(file, element + "/time")
    defer { H5Dclose(time) }
    let stepShape = try hdf5Shape(step, what: element + "/step")
    let timeShape = try hdf5Shape(time, what: element + "/time")
    guard stepShape == [frames], timeShape == [frames] else {
      throw HDF5Failure("\(element): step \(stepShape) and time \(timeShape) do not match \(frames) value rows",
                        kind: .inconsistentShape)
    }
    try hdf5CheckStored(step, what: element + "/step")
    try hdf5CheckStored(time, what: element + "/time")
    return try hdf5ReadIntegers(step, start: [0], count: [frames], what: element + "/step")
  }

  private func readInitialBox(dimension: Int, periodic: [Bool], timeDependent: Bool) throws -> SimulationBox {
    if timeDependent {
      guard (elementSteps[layout.edges]?.count ?? 0) > 0 else {
        throw HDF5Failure("box edges have no frames", kind: .missingObject)
      }
      let what = layout.edges + "/value"
      let dataset = try hdf5OpenDataset(file, what)
      defer { H5Dclose(dataset) }
      let values = try hdf5ReadDoubles(dataset, start: [0] + boxShape.map { _ in 0 }, count: [1] + boxShape,
                                       what: what)
      return try simulationBox(values, shape: boxShape, periodic: periodic, what: "\(what) row 0")
    }
    let what = layout.edges
    let dataset = try hdf5OpenDataset(file, what)
    defer { H5Dclose(dataset) }
    let values = try hdf5ReadDoubles(dataset, start: boxShape.map { _ in 0 }, count: boxShape, what: what)
    return try simulationBox(values, shape: boxShape, periodic: periodic, what: what)
  }

  /// The shape of one box in the file: H5MD stores a box as d edge lengths or as the d×d matrix of
  /// its edge vectors (a triclinic cell); anything else is refused.
  private func readBoxShape(dimension: Int) throws -> [Int] {
    let timeDependent = hdf5Kind(file, layout.edges) == .group
    let what = timeDependent ? layout.edges + "/value" : layout.edges
    guard hdf5Kind(file, what) == .dataset else { return [dimension] }
    let dataset = try hdf5OpenDataset(file, what)
    defer { H5Dclose(dataset) }
    let shape = Array(try hdf5Shape(dataset, what: what).dropFirst(timeDependent ? 1 : 0))
    guard shape == [dimension] || shape == [dimension, dimension] else {
      throw HDF5Failure("\(what) has a box of shape \(shape), expected [\(dimension)] or [\(dimension), \(dimension)]",
                        kind: .inconsistentShape)
    }
    return shape
  }
}

/// Throws unless every box edge is finite, positive on a periodic axis and non-negative on another
/// (0 meaning an unknown extent), naming `what` (the dataset and row).
func checkBoxEdges(_ edges: [Double], periodic: [Bool], what: String) throws {
  for (axis, edge) in edges.enumerated() {
    let isPeriodic = axis < periodic.count && periodic[axis]
    if !edge.isFinite || (isPeriodic ? edge <= 0 : edge < 0) {
      throw HDF5Failure(
        "\(what): box edge \(axis) is \(edge); edges must be finite, positive on a periodic axis and non-negative on others",
        kind: .invalidData)
    }
  }
}

/// The box of `values` stored with `shape` ([d] or [d, d]), checked: edge lengths as
/// ``checkBoxEdges(_:periodic:what:)``; edge vectors finite, of a periodic cell, right-handed with a
/// positive volume and positive diagonal entries.
func simulationBox(_ values: [Double], shape: [Int], periodic: [Bool], what: String) throws -> SimulationBox {
  guard shape.count == 2 else {
    try checkBoxEdges(values, periodic: periodic, what: what)
    return SimulationBox(edges: values)
  }
  let d = shape[0]
  try checkFinite(values, what: what)
  let box = SimulationBox(edgeVectors: (0..<d).map { Array(values[($0 * d)..<(($0 + 1) * d)]) })
  if box.isOrthorhombic {
    try checkBoxEdges(box.edges, periodic: periodic, what: what)
    return box
  }
  guard periodic.allSatisfy({ $0 }), box.volume > 0, (0..<d).allSatisfy({ values[$0 * d + $0] > 0 }) else {
    throw HDF5Failure("\(what): a triclinic box must be periodic, right-handed, with positive diagonal entries",
                      kind: .invalidData)
  }
  return box
}

/// Throws unless every value is finite, naming `what` (the dataset and frame).
func checkFinite(_ values: [Double], what: String) throws {
  if let bad = values.firstIndex(where: { !$0.isFinite }) {
    throw HDF5Failure("\(what): value \(bad) is \(values[bad]), not a finite number", kind: .invalidData)
  }
}
