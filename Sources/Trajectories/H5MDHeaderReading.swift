import CHDF5

/// The reader's work while opening a file: reading the header and checking every shape once, so
/// that reading a frame later cannot meet an inconsistent file.
struct H5MDReadState {
  var file: hid_t = -1
  var header: TrajectoryHeader?
  var positionSteps: [Int] = []
  var elementSteps: [String: [Int]] = [:]
  var fieldNames: [String] = []

  mutating func readHeader() throws {
    let metadata = try hdf5OpenGroup(file, H5MDLayout.metadataGroup)
    defer { H5Gclose(metadata) }
    let version = try hdf5ReadIntegerAttribute(metadata, "version", what: H5MDLayout.metadataGroup)
    guard version.first == 1 else {
      throw HDF5Failure("H5MD version \(version) is not 1.x", kind: .invalidData)
    }
    let authorName = try optionalString(H5MDLayout.authorGroup, "name")
    let creatorName = try optionalString(H5MDLayout.creatorGroup, "name")
    let creatorVersion = try optionalString(H5MDLayout.creatorGroup, "version")

    let box = try hdf5OpenGroup(file, H5MDLayout.boxGroup)
    defer { H5Gclose(box) }
    let dimensionValues = try hdf5ReadIntegerAttribute(box, "dimension", what: H5MDLayout.boxGroup)
    guard dimensionValues.count == 1, let dimension = dimensionValues.first, dimension == 2 || dimension == 3 else {
      throw HDF5Failure("box dimension \(dimensionValues) is not 2 or 3", kind: .invalidData)
    }
    let boundary = try hdf5ReadStringAttribute(box, "boundary", what: H5MDLayout.boxGroup)
    guard boundary.count == dimension, boundary.allSatisfy({ $0 == "periodic" || $0 == "none" }) else {
      throw HDF5Failure("box boundary \(boundary) must list \(dimension) of \"periodic\"/\"none\"",
                        kind: .inconsistentShape)
    }

    let (species, speciesNames) = try readSpecies()
    let n = species.count
    positionSteps = try readSteps(H5MDLayout.position, frameShape: [n, dimension])

    let edgesRows: Int
    switch hdf5Kind(file, H5MDLayout.edges) {
    case .group?:
      elementSteps[H5MDLayout.edges] = try readSteps(H5MDLayout.edges, frameShape: [dimension])
      edgesRows = elementSteps[H5MDLayout.edges]!.count
    case .dataset?:
      edgesRows = 0
    default:
      throw HDF5Failure("box edges \(H5MDLayout.edges) are missing", kind: .missingObject)
    }
    let initialBox = try readInitialBox(dimension: dimension, timeDependent: edgesRows > 0 || elementSteps[H5MDLayout.edges] != nil)

    for observable in [H5MDLayout.potentialEnergy, H5MDLayout.maxForce] where hdf5Kind(file, observable) == .group {
      elementSteps[observable] = try readSteps(observable, frameShape: [])
    }
    var fieldUnits: [String: String] = [:]
    let particles = try hdf5OpenGroup(file, H5MDLayout.particleGroup)
    defer { H5Gclose(particles) }
    for name in try hdf5ChildNames(particles) where !H5MDLayout.nonFieldEntries.contains(name) {
      let element = H5MDLayout.field(name)
      guard hdf5Kind(file, element) == .group, hdf5Kind(file, element + "/value") == .dataset else { continue }
      elementSteps[element] = try readSteps(element, frameShape: [n, dimension])
      fieldNames.append(name)
      let fieldUnit = try unit(of: element + "/value")
      // The writer omits empty units, so only recorded ones come back.
      if !fieldUnit.isEmpty { fieldUnits[name] = fieldUnit }
    }

    header = TrajectoryHeader(
      dimension: dimension, speciesNames: speciesNames, species: species,
      periodic: boundary.map { $0 == "periodic" }, box: initialBox,
      authorName: authorName, creatorName: creatorName, creatorVersion: creatorVersion,
      lengthUnit: try unit(of: H5MDLayout.position + "/value"),
      energyUnit: hdf5Exists(file, H5MDLayout.potentialEnergy + "/value")
        ? try unit(of: H5MDLayout.potentialEnergy + "/value") : "",
      fieldUnits: fieldUnits)
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

  private func readSpecies() throws -> ([Int], [String]) {
    let dataset = try hdf5OpenDataset(file, H5MDLayout.species)
    defer { H5Dclose(dataset) }
    let shape = try hdf5Shape(dataset)
    guard shape.count == 1, shape[0] > 0 else {
      throw HDF5Failure("species has shape \(shape), expected [N] with N > 0", kind: .inconsistentShape)
    }
    let species = try hdf5ReadIntegers(dataset, start: [0], count: shape, what: H5MDLayout.species)
    let names: [String]
    if hdf5AttributeExists(dataset, H5MDLayout.speciesNamesAttribute) {
      names = try hdf5ReadStringAttribute(dataset, H5MDLayout.speciesNamesAttribute, what: H5MDLayout.species)
    } else {
      // Files from other writers: name species by their index.
      names = (0...(species.max() ?? 0)).map { String($0) }
    }
    if let bad = species.first(where: { $0 < 0 || $0 >= names.count }) {
      throw HDF5Failure("species index \(bad) is outside the \(names.count) species names", kind: .invalidData)
    }
    return (species, names)
  }

  /// Reads `element/step` after checking that `step`, `time` and `value` agree on the frame count and
  /// that `value` has shape [frames] + frameShape.
  private func readSteps(_ element: String, frameShape: [Int]) throws -> [Int] {
    let value = try hdf5OpenDataset(file, element + "/value")
    defer { H5Dclose(value) }
    let valueShape = try hdf5Shape(value)
    guard valueShape.count == frameShape.count + 1, Array(valueShape.dropFirst()) == frameShape else {
      throw HDF5Failure("\(element)/value has shape \(valueShape), expected [frames] + \(frameShape)",
                        kind: .inconsistentShape)
    }
    let frames = valueShape[0]
    let step = try hdf5OpenDataset(file, element + "/step")
    defer { H5Dclose(step) }
    let time = try hdf5OpenDataset(file, element + "/time")
    defer { H5Dclose(time) }
    let stepShape = try hdf5Shape(step), timeShape = try hdf5Shape(time)
    guard stepShape == [frames], timeShape == [frames] else {
      throw HDF5Failure("\(element): step \(stepShape) and time \(timeShape) do not match \(frames) value rows",
                        kind: .inconsistentShape)
    }
    return try hdf5ReadIntegers(step, start: [0], count: [frames], what: element + "/step")
  }

  private func readInitialBox(dimension: Int, timeDependent: Bool) throws -> SimulationBox {
    if timeDependent {
      guard (elementSteps[H5MDLayout.edges]?.count ?? 0) > 0 else {
        throw HDF5Failure("box edges have no frames", kind: .missingObject)
      }
      let dataset = try hdf5OpenDataset(file, H5MDLayout.edges + "/value")
      defer { H5Dclose(dataset) }
      return SimulationBox(edges: try hdf5ReadDoubles(dataset, start: [0, 0], count: [1, dimension], what: "box edges"))
    }
    let dataset = try hdf5OpenDataset(file, H5MDLayout.edges)
    defer { H5Dclose(dataset) }
    guard try hdf5Shape(dataset) == [dimension] else {
      throw HDF5Failure("box edges have shape \(try hdf5Shape(dataset)), expected [\(dimension)]", kind: .inconsistentShape)
    }
    return SimulationBox(edges: try hdf5ReadDoubles(dataset, start: [0], count: [dimension], what: "box edges"))
  }
}
