import CHDF5
import Foundation

// Small reading helpers over raw identifiers; failures are `.missingObject` or `.inconsistentShape`
// so that the reader's errors say what is wrong with the file. Callers hold HDF5Library's lock.

/// Whether every link along `path` (absolute, `/`-separated) exists; H5Lexists alone fails when an
/// intermediate group is missing.
func hdf5Exists(_ file: hid_t, _ path: String) -> Bool {
  var prefix = ""
  for component in path.split(separator: "/") {
    prefix += "/" + component
    guard H5Lexists(file, prefix, HDF5Library.defaultProperties) > 0 else { return false }
  }
  return true
}

/// The kind of object at `path`, when it is a group or dataset.
enum HDF5ObjectKind { case group, dataset, other }

func hdf5Kind(_ file: hid_t, _ path: String) -> HDF5ObjectKind? {
  guard hdf5Exists(file, path) else { return nil }
  let object = H5Oopen(file, path, HDF5Library.defaultProperties)
  guard object >= 0 else { return nil }
  defer { H5Oclose(object) }
  switch H5Iget_type(object) {
  case H5I_GROUP: return .group
  case H5I_DATASET: return .dataset
  default: return .other
  }
}

func hdf5OpenGroup(_ file: hid_t, _ path: String) throws -> hid_t {
  guard hdf5Kind(file, path) == .group else { throw HDF5Failure("group \(path) is missing", kind: .missingObject) }
  return try hdf5Identifier(H5Gopen2(file, path, HDF5Library.defaultProperties), "open group \(path)", kind: .cannotOpen)
}

func hdf5OpenDataset(_ file: hid_t, _ path: String) throws -> hid_t {
  guard hdf5Kind(file, path) == .dataset else { throw HDF5Failure("dataset \(path) is missing", kind: .missingObject) }
  return try hdf5Identifier(H5Dopen2(file, path, HDF5Library.defaultProperties), "open dataset \(path)", kind: .cannotOpen)
}

/// The current shape of a dataset; every extent fits in `Int` and so does their product.
func hdf5Shape(_ dataset: hid_t, what: String = "a dataset") throws -> [Int] {
  let space = try hdf5Identifier(H5Dget_space(dataset), "get a dataspace", kind: .cannotOpen)
  defer { H5Sclose(space) }
  let rank = H5Sget_simple_extent_ndims(space)
  guard rank >= 0, rank <= 32 else { throw HDF5Failure("HDF5 failed to read the rank of \(what)", kind: .cannotOpen) }
  var dimensions = [hsize_t](repeating: 0, count: Int(rank))
  guard H5Sget_simple_extent_dims(space, &dimensions, nil) == rank else {
    throw HDF5Failure("HDF5 failed to read the shape of \(what)", kind: .cannotOpen)
  }
  let shape = dimensions.compactMap { Int(exactly: $0) }
  guard shape.count == dimensions.count, hdf5ElementCount(shape) != nil else {
    throw HDF5Failure("\(what) has an impossible shape \(dimensions)", kind: .invalidData)
  }
  return shape
}

/// The number of elements of a block of shape `shape`, or nil when negative or beyond `Int`.
func hdf5ElementCount(_ shape: [Int]) -> Int? {
  var total = 1
  for extent in shape {
    guard extent >= 0 else { return nil }
    let (product, overflow) = total.multipliedReportingOverflow(by: extent)
    guard !overflow else { return nil }
    total = product
  }
  return total
}

/// The most bytes one read may allocate: a quarter of the machine's memory. Shapes come from the
/// file, so a crafted extent must not become an allocation the process cannot survive.
var hdf5ReadLimit: Int { Int(ProcessInfo.processInfo.physicalMemory / 4) }

/// Throws unless a block of `elements` values of 8 bytes fits in the read limit.
func hdf5CheckReadSize(elements: Int, what: String) throws {
  let (bytes, overflow) = elements.multipliedReportingOverflow(by: 8)
  guard !overflow, bytes <= hdf5ReadLimit else {
    throw HDF5Failure("\(what): reading \(elements) values needs more memory than this machine has",
                      kind: .invalidData)
  }
}

/// Throws unless the file really holds the whole extent of `dataset` when it is stored without
/// filters (which cannot compress), so that a few bytes of file cannot claim gigabytes of values
/// (an extent whose chunks were never written reads as fill values). Called once per dataset when
/// a file is opened.
func hdf5CheckStored(_ dataset: hid_t, what: String) throws {
  let creation = H5Dget_create_plist(dataset)
  guard creation >= 0 else { throw HDF5Failure("HDF5 failed to examine \(what)", kind: .cannotOpen) }
  let filters = H5Pget_nfilters(creation)
  H5Pclose(creation)
  guard filters == 0 else { return }
  let type = H5Dget_type(dataset)
  guard type >= 0 else { throw HDF5Failure("HDF5 failed to examine \(what)", kind: .cannotOpen) }
  let typeSize = H5Tget_size(type)
  H5Tclose(type)
  let shape = try hdf5Shape(dataset, what: what)
  guard let extent = hdf5ElementCount(shape) else { return }
  let (declared, tooLarge) = extent.multipliedReportingOverflow(by: Int(typeSize))
  let stored = H5Dget_storage_size(dataset)
  guard !tooLarge, UInt64(declared) <= stored else {
    throw HDF5Failure(
      "\(what) declares \(extent) values but the file stores only \(stored) bytes of them (truncated or crafted file)",
      kind: .invalidData)
  }
}

/// Reads the block `start ..< start + count` of a dataset, converted to `Element`'s native type.
func hdf5Read<Element: Numeric>(_ dataset: hid_t, as memoryType: hid_t, start: [Int], count: [Int],
                                 what: String) throws -> [Element] {
  guard let total = hdf5ElementCount(count), start.allSatisfy({ $0 >= 0 }) else {
    throw HDF5Failure("\(what): block \(count) cannot be read", kind: .invalidData)
  }
  try hdf5CheckReadSize(elements: total, what: what)
  var values = [Element](repeating: 0, count: total)
  guard total > 0 else { return values }
  let fileSpace = try hdf5Identifier(H5Dget_space(dataset), "get a dataspace", kind: .cannotOpen)
  defer { H5Sclose(fileSpace) }
  var fileStart = start.map { hsize_t($0) }
  var fileCount = count.map { hsize_t($0) }
  try hdf5Check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &fileStart, nil, &fileCount, nil),
                "select part of \(what)", kind: .inconsistentShape)
  let memorySpace = try hdf5Identifier(H5Screate_simple(Int32(count.count), &fileCount, nil), "create a dataspace",
                                       kind: .cannotOpen)
  defer { H5Sclose(memorySpace) }
  try values.withUnsafeMutableBufferPointer { buffer in
    try hdf5Check(H5Dread(dataset, memoryType, memorySpace, fileSpace, HDF5Library.defaultProperties,
                          buffer.baseAddress), "read \(what)", kind: .cannotOpen)
  }
  return values
}

func hdf5ReadDoubles(_ dataset: hid_t, start: [Int], count: [Int], what: String) throws -> [Double] {
  try hdf5Read(dataset, as: mdsens_h5t_native_double(), start: start, count: count, what: what)
}

func hdf5ReadIntegers(_ dataset: hid_t, start: [Int], count: [Int], what: String) throws -> [Int] {
  let values: [Int64] = try hdf5Read(dataset, as: mdsens_h5t_native_int64(), start: start, count: count, what: what)
  return values.map { Int($0) }
}

/// The size in bytes of the file `object` belongs to (Int.max when unknown).
func hdf5FileSize(of object: hid_t) -> Int {
  let file = H5Iget_file_id(object)
  guard file >= 0 else { return Int.max }
  defer { H5Fclose(file) }
  var size: hsize_t = 0
  guard H5Fget_filesize(file, &size) >= 0, let bytes = Int(exactly: size) else { return Int.max }
  return bytes
}

func hdf5AttributeExists(_ object: hid_t, _ name: String) -> Bool {
  H5Aexists(object, name) > 0
}

/// Opens attribute `name`, runs `body` with its identifier, its file type and element count, and closes it.
private func withAttribute<Result>(_ object: hid_t, _ name: String, what: String,
                                   _ body: (hid_t, hid_t, Int) throws -> Result) throws -> Result {
  guard hdf5AttributeExists(object, name) else {
    throw HDF5Failure("attribute \(name) of \(what) is missing", kind: .missingObject)
  }
  let attribute = try hdf5Identifier(H5Aopen(object, name, HDF5Library.defaultProperties),
                                     "open attribute \(name) of \(what)", kind: .cannotOpen)
  defer { H5Aclose(attribute) }
  let type = try hdf5Identifier(H5Aget_type(attribute), "get the type of attribute \(name)", kind: .cannotOpen)
  defer { H5Tclose(type) }
  let space = try hdf5Identifier(H5Aget_space(attribute), "get the dataspace of attribute \(name)", kind: .cannotOpen)
  defer { H5Sclose(space) }
  let points = H5Sget_simple_extent_npoints(space)
  // Attribute values are stored whole in the file (no compression): a count larger than the file
  // can hold is a crafted header, refused before anything is allocated from it.
  let elementSize = H5Tis_variable_str(type) > 0 ? 16 : max(1, H5Tget_size(type))
  let fileSize = hdf5FileSize(of: object)
  guard points >= 0, let count = Int(exactly: points),
        count.multipliedReportingOverflow(by: elementSize).partialValue <= fileSize,
        !count.multipliedReportingOverflow(by: elementSize).overflow else {
    throw HDF5Failure("attribute \(name) of \(what) claims \(points) values, more than the file holds",
                      kind: .invalidData)
  }
  return try body(attribute, type, count)
}

/// Reads an integer attribute (scalar or 1-D) as an array.
func hdf5ReadIntegerAttribute(_ object: hid_t, _ name: String, what: String) throws -> [Int] {
  try withAttribute(object, name, what: what) { attribute, type, count in
    guard H5Tget_class(type) == H5T_INTEGER else {
      throw HDF5Failure("attribute \(name) of \(what) is not an integer", kind: .invalidData)
    }
    var values = [Int64](repeating: 0, count: count)
    try values.withUnsafeMutableBufferPointer { buffer in
      try hdf5Check(H5Aread(attribute, mdsens_h5t_native_int64(), buffer.baseAddress),
                    "read attribute \(name) of \(what)", kind: .cannotOpen)
    }
    return values.map { Int($0) }
  }
}

/// Reads a floating-point attribute (scalar or 1-D) as doubles.
func hdf5ReadDoubleAttribute(_ object: hid_t, _ name: String, what: String) throws -> [Double] {
  try withAttribute(object, name, what: what) { attribute, type, count in
    guard H5Tget_class(type) == H5T_FLOAT else {
      throw HDF5Failure("attribute \(name) of \(what) is not a floating-point number", kind: .invalidData)
    }
    var values = [Double](repeating: 0, count: count)
    try values.withUnsafeMutableBufferPointer { buffer in
      try hdf5Check(H5Aread(attribute, mdsens_h5t_native_double(), buffer.baseAddress),
                    "read attribute \(name) of \(what)", kind: .cannotOpen)
    }
    return values
  }
}

/// Reads a string attribute (scalar or 1-D; variable- or fixed-length, as other H5MD writers use both).
func hdf5ReadStringAttribute(_ object: hid_t, _ name: String, what: String) throws -> [String] {
  try withAttribute(object, name, what: what) { attribute, type, count in
    guard H5Tget_class(type) == H5T_STRING else {
      throw HDF5Failure("attribute \(name) of \(what) is not a string", kind: .invalidData)
    }
    let memoryType = try hdf5Identifier(H5Tcopy(mdsens_h5t_c_s1()), "copy the string type", kind: .cannotOpen)
    defer { H5Tclose(memoryType) }
    H5Tset_cset(memoryType, H5Tget_cset(type))
    if H5Tis_variable_str(type) > 0 {
      H5Tset_size(memoryType, mdsens_h5t_variable())
      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      try pointers.withUnsafeMutableBufferPointer { buffer in
        try hdf5Check(H5Aread(attribute, memoryType, buffer.baseAddress), "read attribute \(name) of \(what)",
                      kind: .cannotOpen)
      }
      defer { pointers.forEach { if let pointer = $0 { H5free_memory(pointer) } } }
      return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }
    let size = H5Tget_size(type)
    H5Tset_size(memoryType, size)
    var bytes = [UInt8](repeating: 0, count: size * count)
    try bytes.withUnsafeMutableBufferPointer { buffer in
      try hdf5Check(H5Aread(attribute, memoryType, buffer.baseAddress), "read attribute \(name) of \(what)",
                    kind: .cannotOpen)
    }
    return (0..<count).map { index in
      let field = bytes[index * size ..< (index + 1) * size]
      let end = field.firstIndex(of: 0) ?? field.endIndex
      return String(decoding: field[field.startIndex..<end], as: UTF8.self).trimmingTrailingSpaces()
    }
  }
}

/// The names of the links in a group, in name order.
func hdf5ChildNames(_ group: hid_t) throws -> [String] {
  var info = H5G_info_t()
  try hdf5Check(H5Gget_info(group, &info), "list a group", kind: .cannotOpen)
  let p = HDF5Library.defaultProperties
  return try (0..<info.nlinks).map { index in
    let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, p)
    guard length >= 0 else { throw HDF5Failure("HDF5 failed to list a group", kind: .cannotOpen) }
    var buffer = [CChar](repeating: 0, count: Int(length) + 1)
    guard H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, p) >= 0 else {
      throw HDF5Failure("HDF5 failed to list a group", kind: .cannotOpen)
    }
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

extension String {
  /// Fixed-length HDF5 strings may be space padded.
  func trimmingTrailingSpaces() -> String {
    var result = self
    while result.last == " " { result.removeLast() }
    return result
  }
}
