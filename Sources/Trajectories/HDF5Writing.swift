import CHDF5
import Foundation

// Small writing helpers over raw identifiers. Each closes what it opens with `defer`, so no
// identifier's lifetime depends on when Swift releases an object. Callers hold HDF5Library's lock.

/// Creates a group below `parent` and returns its (open) identifier.
func hdf5CreateGroup(_ parent: hid_t, _ name: String) throws -> hid_t {
  let p = HDF5Library.defaultProperties
  return try hdf5Identifier(H5Gcreate2(parent, name, p, p, p), "create group \(name)")
}

/// Makes `link` (an absolute path) a second name of the object at `target`: an HDF5 hard link.
func hdf5HardLink(_ file: hid_t, _ target: String, as link: String) throws {
  let p = HDF5Library.defaultProperties
  try hdf5Check(H5Lcreate_hard(file, target, file, link, p, p), "link \(link) to \(target)")
}

/// The variable-length UTF-8 string type, which h5py reads as `str` (fixed-length reads as bytes).
func hdf5VariableStringType() throws -> hid_t {
  let type = try hdf5Identifier(H5Tcopy(mdsens_h5t_c_s1()), "copy the string type")
  guard H5Tset_size(type, mdsens_h5t_variable()) >= 0, H5Tset_cset(type, H5T_CSET_UTF8) >= 0 else {
    H5Tclose(type)
    throw HDF5Failure("HDF5 failed to make a variable-length UTF-8 string type")
  }
  return type
}

/// A dataspace for `count` elements, or a scalar one.
func hdf5Dataspace(count: Int?) throws -> hid_t {
  if let count {
    var dimensions = [hsize_t(count)]
    return try hdf5Identifier(H5Screate_simple(1, &dimensions, nil), "create a dataspace")
  }
  return try hdf5Identifier(H5Screate(H5S_SCALAR), "create a scalar dataspace")
}

/// Writes an integer attribute: a scalar when `scalar`, else a 1-D array.
func hdf5WriteAttribute(_ object: hid_t, _ name: String, integers: [Int32], scalar: Bool = false) throws {
  let space = try hdf5Dataspace(count: scalar ? nil : integers.count)
  defer { H5Sclose(space) }
  let type = mdsens_h5t_native_int()
  let p = HDF5Library.defaultProperties
  let attribute = try hdf5Identifier(H5Acreate2(object, name, type, space, p, p), "create attribute \(name)")
  defer { H5Aclose(attribute) }
  try integers.withUnsafeBufferPointer { buffer in
    try hdf5Check(H5Awrite(attribute, type, buffer.baseAddress), "write attribute \(name)")
  }
}

/// Writes a 1-D double attribute.
func hdf5WriteAttribute(_ object: hid_t, _ name: String, doubles: [Double]) throws {
  let space = try hdf5Dataspace(count: doubles.count)
  defer { H5Sclose(space) }
  let type = mdsens_h5t_native_double()
  let p = HDF5Library.defaultProperties
  let attribute = try hdf5Identifier(H5Acreate2(object, name, type, space, p, p), "create attribute \(name)")
  defer { H5Aclose(attribute) }
  try doubles.withUnsafeBufferPointer { buffer in
    try hdf5Check(H5Awrite(attribute, type, buffer.baseAddress), "write attribute \(name)")
  }
}

/// Writes a variable-length UTF-8 string attribute: a scalar when `scalar`, else a 1-D array.
func hdf5WriteAttribute(_ object: hid_t, _ name: String, strings: [String], scalar: Bool = false) throws {
  let space = try hdf5Dataspace(count: scalar ? nil : strings.count)
  defer { H5Sclose(space) }
  let type = try hdf5VariableStringType()
  defer { H5Tclose(type) }
  let p = HDF5Library.defaultProperties
  let attribute = try hdf5Identifier(H5Acreate2(object, name, type, space, p, p), "create attribute \(name)")
  defer { H5Aclose(attribute) }
  let cStrings: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
  defer { cStrings.forEach { free($0) } }
  try cStrings.withUnsafeBufferPointer { buffer in
    try hdf5Check(H5Awrite(attribute, type, buffer.baseAddress), "write attribute \(name)")
  }
}

/// Writes a fixed 1-D integer dataset (a time-independent H5MD element) and returns its identifier.
func hdf5CreateDataset(_ parent: hid_t, _ name: String, integers: [Int32]) throws -> hid_t {
  let space = try hdf5Dataspace(count: integers.count)
  defer { H5Sclose(space) }
  let type = mdsens_h5t_native_int()
  let p = HDF5Library.defaultProperties
  let dataset = try hdf5Identifier(H5Dcreate2(parent, name, type, space, p, p, p), "create dataset \(name)")
  do {
    try integers.withUnsafeBufferPointer { buffer in
      try hdf5Check(H5Dwrite(dataset, type, mdsens_h5s_all(), mdsens_h5s_all(), p, buffer.baseAddress),
                    "write dataset \(name)")
    }
  } catch {
    H5Dclose(dataset)
    throw error
  }
  return dataset
}

/// Creates an empty dataset of shape `[0] + frameShape` that grows along its first axis, one row per
/// stored frame, and returns its identifier.
func hdf5CreateExtendableDataset(_ parent: hid_t, _ name: String, type: hid_t, frameShape: [Int]) throws -> hid_t {
  let rank = Int32(frameShape.count + 1)
  var current = [hsize_t(0)] + frameShape.map { hsize_t($0) }
  var maximum = [mdsens_h5s_unlimited()] + frameShape.map { hsize_t($0) }
  var chunk = hdf5ChunkShape(frameShape: frameShape)
  let space = try hdf5Identifier(H5Screate_simple(rank, &current, &maximum), "create a dataspace for \(name)")
  defer { H5Sclose(space) }
  let properties = try hdf5Identifier(H5Pcreate(mdsens_h5p_dataset_create()), "create dataset properties")
  defer { H5Pclose(properties) }
  try hdf5Check(H5Pset_chunk(properties, rank, &chunk), "set the chunk shape of \(name)")
  let p = HDF5Library.defaultProperties
  return try hdf5Identifier(H5Dcreate2(parent, name, type, space, p, properties, p), "create dataset \(name)")
}

/// About 64 KiB per chunk: many frames per chunk for scalars (appending one value should not cost a
/// chunk each), one frame (or part of one, for very large N) for per-particle arrays.
func hdf5ChunkShape(frameShape: [Int]) -> [hsize_t] {
  let target = 8192  // elements of 8 bytes
  let frameElements = max(1, frameShape.reduce(1, *))
  if frameElements <= target {
    return [hsize_t(max(1, target / frameElements))] + frameShape.map { hsize_t(max(1, $0)) }
  }
  var shape = frameShape.map { hsize_t(max(1, $0)) }
  let rowElements = max(1, frameShape.dropFirst().reduce(1, *))
  shape[0] = hsize_t(max(1, target / rowElements))
  return [1] + shape
}

/// Appends one row (the frame's values, `frameShape` elements in row-major order) to an extendable dataset.
func hdf5AppendRow(_ dataset: hid_t, type: hid_t, frameShape: [Int], values: UnsafeRawPointer) throws {
  let rank = Int32(frameShape.count + 1)
  let oldSpace = try hdf5Identifier(H5Dget_space(dataset), "get a dataspace")
  var dimensions = [hsize_t](repeating: 0, count: Int(rank))
  let rankRead = H5Sget_simple_extent_dims(oldSpace, &dimensions, nil)
  H5Sclose(oldSpace)
  guard rankRead == rank else { throw HDF5Failure("HDF5 dataset has rank \(rankRead), expected \(rank)") }
  let row = dimensions[0]
  dimensions[0] += 1
  try hdf5Check(H5Dset_extent(dataset, &dimensions), "extend a dataset")
  let fileSpace = try hdf5Identifier(H5Dget_space(dataset), "get a dataspace")
  defer { H5Sclose(fileSpace) }
  var start = [row] + frameShape.map { _ in hsize_t(0) }
  var count = [hsize_t(1)] + frameShape.map { hsize_t($0) }
  try hdf5Check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil), "select a row")
  let memorySpace = try hdf5Identifier(H5Screate_simple(rank, &count, nil), "create a dataspace")
  defer { H5Sclose(memorySpace) }
  try hdf5Check(H5Dwrite(dataset, type, memorySpace, fileSpace, HDF5Library.defaultProperties, values),
                "write a row")
}
