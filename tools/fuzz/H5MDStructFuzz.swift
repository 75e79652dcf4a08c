// libFuzzer target "h5md-struct": a structure-aware harness for the H5MD reader. The fuzz bytes
// do not become the file; they choose how to build a well-formed HDF5 file (with the HDF5 C API)
// whose H5MD content is hostile: attribute values and types, dataset shapes (mismatched, empty,
// huge but unallocated), extreme species/step values, NaN/0/negative box edges, missing groups.
// All-zero bytes build a valid 2-frame file, so mutations start from the reader's happy path.
// This exercises mdsens's header checks, which raw byte mutation rarely gets past HDF5 to reach.
import CHDF5
import Foundation
import Trajectories

/// Reads choices from the fuzz bytes; past the end every choice is 0 (the ordinary one).
struct Choices {
  let bytes: UnsafeBufferPointer<UInt8>
  var index = 0

  mutating func byte() -> UInt8 {
    guard index < bytes.count else { return 0 }
    defer { index += 1 }
    return bytes[index]
  }
  /// 0 with probability ~ 1 - rare/256 ... in practice: 0 for byte 0, else byte % n.
  mutating func pick(_ n: Int) -> Int { Int(byte()) % n }
  mutating func raw64() -> UInt64 {
    var value: UInt64 = 0
    for _ in 0..<8 { value = value << 8 | UInt64(byte()) }
    return value
  }

  static let specialIntegers: [Int64] = [
    -1, 0, 1, 2, 3, Int64(Int32.max), Int64(Int32.max) + 1, 2_000_000_000, -2_000_000_000, Int64.max, Int64.min,
    1 << 40, 1 << 62, -(1 << 62),
  ]
  static let specialDoubles: [Double] = [
    .nan, .infinity, -.infinity, 0, -0.0, -1, 1e308, -1e308, .leastNonzeroMagnitude, 1e-300, 2e9, Double(Int64.max), 1e19,
  ]
  /// Extents that overflow or exhaust a reader that trusts them (datasets stay unallocated).
  static let specialExtents: [UInt64] = [
    0, 1, 2, 3, 7, 100_000, 1 << 31, 1 << 32, 1 << 40, 1 << 61, 1 << 62, UInt64(Int64.max), 1 << 63,
    UInt64.max - 1,
  ]

  /// An integer: `ordinary` for byte 0, else a special value or raw bits.
  mutating func integer(_ ordinary: Int64) -> Int64 {
    switch byte() {
    case 0...191: return ordinary
    case 192...239: return Self.specialIntegers[pick(Self.specialIntegers.count)]
    case 240...247: return ordinary + Int64(Int8(bitPattern: byte()))
    default: return Int64(bitPattern: raw64())
    }
  }

  mutating func double(_ ordinary: Double) -> Double {
    switch byte() {
    case 0...191: return ordinary
    case 192...239: return Self.specialDoubles[pick(Self.specialDoubles.count)]
    case 240...247: return ordinary * Double(Int8(bitPattern: byte()))
    default: return Double(bitPattern: raw64())
    }
  }

  /// A shape: usually `ordinary`, sometimes with one extent replaced, or a rank added or dropped.
  mutating func shape(_ ordinary: [UInt64]) -> [UInt64] {
    var result = ordinary
    switch byte() {
    case 0...223: break
    case 224...231 where !result.isEmpty: result[pick(result.count)] = Self.specialExtents[pick(Self.specialExtents.count)]
    case 232...235 where !result.isEmpty: result.removeLast()
    case 236...239: result.append(UInt64(pick(4)))
    case 240...247 where !result.isEmpty: let axis = pick(result.count); result[axis] = result[axis] &+ 1
    case 248...251 where !result.isEmpty: let axis = pick(result.count); result[axis] = result[axis] == 0 ? 0 : result[axis] - 1
    case 252...255: result = (0..<pick(4)).map { _ in Self.specialExtents[pick(Self.specialExtents.count)] }
    default: break
    }
    return result
  }

  mutating func string(_ ordinary: String) -> String {
    switch byte() {
    case 0...223: return ordinary
    case 224...231: return ["periodic", "none", "", "periodic ", "Periodic", "fixed", "é", String(repeating: "x", count: 300)][pick(8)]
    default:
      let length = pick(12)
      return String(decoding: (0..<length).map { _ in byte() }, as: UTF8.self)
    }
  }
}

/// Element types a dataset or attribute may be stored with.
enum StoredType { case int64, int32, uint64, double, string }

struct FileBuilder {
  var choices: Choices
  let p = mdsens_h5p_default()

  mutating func storedType(_ ordinary: StoredType) -> StoredType {
    switch choices.byte() {
    case 0...239: return ordinary
    default: return [StoredType.int64, .int32, .uint64, .double, .string][choices.pick(5)]
    }
  }

  /// The file type for `type` (caller closes).
  func fileType(_ type: StoredType) -> hid_t {
    switch type {
    case .int64: return H5Tcopy(mdsens_h5t_native_int64())
    case .int32: return H5Tcopy(mdsens_h5t_native_int())
    case .uint64:
      let t = H5Tcopy(mdsens_h5t_native_int64())
      H5Tset_sign(t, H5T_SGN_NONE)
      return t
    case .double: return H5Tcopy(mdsens_h5t_native_double())
    case .string:
      let t = H5Tcopy(mdsens_h5t_c_s1())
      H5Tset_size(t, 8)
      return t
    }
  }

  /// Creates a dataset of `shape` and, when it is small, writes values made by `value(i)`.
  mutating func dataset(_ parent: hid_t, _ name: String, shape ordinaryShape: [UInt64], type ordinaryType: StoredType,
                        value: (inout Choices, Int) -> Double) {
    let shape = choices.shape(ordinaryShape)
    let type = storedType(ordinaryType)
    var dims = shape.map { hsize_t($0) }
    let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dims.count), &dims, nil)
    guard space >= 0 else { return }
    defer { H5Sclose(space) }
    let t = fileType(type)
    defer { H5Tclose(t) }
    let (total, overflow) = shape.reduce((UInt64(1), false)) { acc, extent in
      let (product, o) = acc.0.multipliedReportingOverflow(by: extent)
      return (product, acc.1 || o)
    }
    let small = !overflow && total <= 4096
    let dcpl = H5Pcreate(mdsens_h5p_dataset_create())
    defer { H5Pclose(dcpl) }
    if !small && !shape.isEmpty {
      // Huge extents: a chunked dataset that is never written, so the file stays small.
      var chunk = shape.map { _ in hsize_t(1) }
      H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
    }
    let dataset = H5Dcreate2(parent, name, t, space, p, dcpl, p)
    guard dataset >= 0 else { return }
    defer { H5Dclose(dataset) }
    if type == .string && choices.pick(2) == 0 { addUnitLikeAttribute(dataset) }
    guard small, type != .string else { maybeUnit(dataset); return }
    let count = Int(total)
    if type == .double {
      var values = (0..<count).map { value(&choices, $0) }
      _ = H5Dwrite(dataset, mdsens_h5t_native_double(), mdsens_h5s_all(), mdsens_h5s_all(), p, &values)
    } else {
      var values = (0..<count).map { i -> Int64 in
        let v = value(&choices, i)
        return v.isFinite && abs(v) < 9e18 ? Int64(v) : Int64.max
      }
      _ = H5Dwrite(dataset, mdsens_h5t_native_int64(), mdsens_h5s_all(), mdsens_h5s_all(), p, &values)
    }
    maybeUnit(dataset)
  }

  mutating func maybeUnit(_ object: hid_t) {
    switch choices.pick(8) {
    case 1: stringAttribute(object, "unit", ["nm"], scalar: true)
    case 2: integerAttribute(object, "unit", [1], scalar: true)
    case 3: stringAttribute(object, "unit", [], scalar: false)
    default: break
    }
  }

  mutating func addUnitLikeAttribute(_ object: hid_t) { stringAttribute(object, "unit", ["x", "y"], scalar: false) }

  mutating func integerAttribute(_ object: hid_t, _ name: String, _ values: [Int64], scalar: Bool) {
    var dims = [hsize_t(values.count)]
    let space = scalar && values.count == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil)
    guard space >= 0 else { return }
    defer { H5Sclose(space) }
    let t = fileType(choices.pick(4) == 1 ? .int32 : .int64)
    defer { H5Tclose(t) }
    let attribute = H5Acreate2(object, name, t, space, p, p)
    guard attribute >= 0 else { return }
    defer { H5Aclose(attribute) }
    var copy = values
    _ = H5Awrite(attribute, mdsens_h5t_native_int64(), &copy)
  }

  mutating func doubleAttribute(_ object: hid_t, _ name: String, _ values: [Double]) {
    var dims = [hsize_t(values.count)]
    let space = H5Screate_simple(1, &dims, nil)
    guard space >= 0 else { return }
    defer { H5Sclose(space) }
    let attribute = H5Acreate2(object, name, mdsens_h5t_native_double(), space, p, p)
    guard attribute >= 0 else { return }
    defer { H5Aclose(attribute) }
    var copy = values
    _ = H5Awrite(attribute, mdsens_h5t_native_double(), &copy)
  }

  /// A string attribute, variable- or fixed-length (the fuzz bytes choose).
  mutating func stringAttribute(_ object: hid_t, _ name: String, _ values: [String], scalar: Bool) {
    var dims = [hsize_t(values.count)]
    let space = scalar && values.count == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil)
    guard space >= 0 else { return }
    defer { H5Sclose(space) }
    let t = H5Tcopy(mdsens_h5t_c_s1())
    defer { H5Tclose(t) }
    let variable = choices.pick(3) != 2
    if choices.pick(2) == 0 { H5Tset_cset(t, H5T_CSET_UTF8) }
    if variable {
      H5Tset_size(t, mdsens_h5t_variable())
    } else {
      let width = max(1, values.map(\.utf8.count).max() ?? 1) + choices.pick(3)
      H5Tset_size(t, width)
      if choices.pick(2) == 1 { H5Tset_strpad(t, H5T_STR_SPACEPAD) }
    }
    let attribute = H5Acreate2(object, name, t, space, p, p)
    guard attribute >= 0 else { return }
    defer { H5Aclose(attribute) }
    if variable {
      let cStrings: [UnsafeMutablePointer<CChar>?] = values.map { strdup($0) }
      defer { cStrings.forEach { free($0) } }
      var pointers = cStrings
      _ = H5Awrite(attribute, t, &pointers)
    } else {
      let width = H5Tget_size(t)
      var buffer = [UInt8](repeating: 0, count: max(1, width * values.count))
      for (i, value) in values.enumerated() {
        for (j, byte) in value.utf8.prefix(width).enumerated() { buffer[i * width + j] = byte }
      }
      _ = H5Awrite(attribute, t, &buffer)
    }
  }

  mutating func group(_ parent: hid_t, _ name: String) -> hid_t {
    H5Gcreate2(parent, name, p, p, p)
  }

  /// A time-dependent H5MD element: group `name` with value [frames] + frameShape, step, time.
  mutating func element(_ parent: hid_t, _ name: String, frames: Int, frameShape: [UInt64],
                        value: @escaping (inout Choices, Int) -> Double) {
    switch choices.pick(16) {
    case 1: return  // missing element
    case 2:  // a dataset where a group belongs
      dataset(parent, name, shape: [UInt64(frames)] + frameShape, type: .double, value: value)
      return
    default: break
    }
    let g = group(parent, name)
    guard g >= 0 else { return }
    defer { H5Gclose(g) }
    let parts = choices.pick(8)  // 0: all; 1: no value; 2: no step; 3: no time
    if parts != 1 { dataset(g, "value", shape: [UInt64(frames)] + frameShape, type: .double, value: value) }
    if parts != 2 {
      dataset(g, "step", shape: [UInt64(frames)], type: .int64) { c, i in Double(c.integer(Int64(i * 100))) }
    }
    if parts != 3 {
      dataset(g, "time", shape: [UInt64(frames)], type: .double) { c, i in c.double(Double(i) * 0.5) }
    }
  }

  mutating func build(path: String) -> Bool {
    let file = H5Fcreate(path, mdsens_h5f_acc_trunc(), p, p)
    guard file >= 0 else { return false }
    defer { H5Fclose(file) }

    let dimension = [3, 2, 1, 4, 0][choices.pick(5)]
    let n = 1 + choices.pick(6)
    let frames = [2, 1, 3, 0][choices.pick(4)]
    let d = UInt64(max(dimension, 0))

    // /h5md: version and provenance.
    let h5md = group(file, "h5md")
    if h5md >= 0 {
      switch choices.pick(10) {
      case 1: integerAttribute(h5md, "version", [2, 0], scalar: false)
      case 2: integerAttribute(h5md, "version", [1], scalar: true)
      case 3: break  // missing
      case 4: stringAttribute(h5md, "version", ["1.1"], scalar: true)
      case 5: integerAttribute(h5md, "version", [], scalar: false)
      case 6: integerAttribute(h5md, "version", [choices.integer(1), choices.integer(1)], scalar: false)
      case 7: doubleAttribute(h5md, "version", [1, 1])
      default: integerAttribute(h5md, "version", [1, 1], scalar: false)
      }
      for (name, keys) in [("author", ["name"]), ("creator", ["name", "version"])] where choices.pick(6) != 1 {
        let g = group(h5md, name)
        guard g >= 0 else { continue }
        for key in keys {
          switch choices.pick(6) {
          case 1: break
          case 2: integerAttribute(g, key, [7], scalar: true)
          case 3: stringAttribute(g, key, [], scalar: false)
          default: stringAttribute(g, key, [choices.string("mdsens")], scalar: true)
          }
        }
        H5Gclose(g)
      }
      H5Gclose(h5md)
    }

    guard choices.pick(24) != 1 else { return true }  // no /particles at all
    let particles = group(file, "particles")
    guard particles >= 0 else { return true }
    defer { H5Gclose(particles) }
    // The group mdsens writes, its older name, any other name, and sometimes a second group.
    let all = group(particles, ["trajectory", "all", "group1", "trajectory"][choices.pick(4)])
    guard all >= 0 else { return true }
    defer { H5Gclose(all) }
    if choices.pick(16) == 1 { H5Gclose(group(particles, choices.string("solvent"))) }

    // Box: dimension and boundary attributes, edges fixed or time-dependent.
    if choices.pick(24) != 1 {
      let box = group(all, "box")
      if box >= 0 {
        switch choices.pick(8) {
        case 1: break
        case 2: integerAttribute(box, "dimension", [Int64(dimension), Int64(dimension)], scalar: false)
        case 3: stringAttribute(box, "dimension", [String(dimension)], scalar: true)
        case 4: integerAttribute(box, "dimension", [choices.integer(Int64(dimension))], scalar: true)
        default: integerAttribute(box, "dimension", [Int64(dimension)], scalar: true)
        }
        let boundaryCount = choices.pick(4) == 1 ? choices.pick(5) : max(dimension, 0)
        let boundary = (0..<boundaryCount).map { _ in choices.string("periodic") }
        if choices.pick(10) != 1 { stringAttribute(box, "boundary", boundary, scalar: false) }
        switch choices.pick(6) {
        case 1:  // time-independent edges
          dataset(box, "edges", shape: [d], type: .double) { c, _ in c.double(10) }
        case 2: break  // missing
        case 3:
          let g = group(box, "edges")
          if g >= 0 { H5Gclose(g) }  // an empty group
        default:
          element(box, "edges", frames: frames, frameShape: [d]) { c, _ in c.double(10) }
        }
        H5Gclose(box)
      }
    }

    // Species: values, names attribute.
    if choices.pick(24) != 1 {
      let speciesShape = choices.shape([UInt64(n)])
      var dims = speciesShape.map { hsize_t($0) }
      let space = speciesShape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dims.count), &dims, nil)
      if space >= 0 {
        let (total, overflow) = speciesShape.reduce((UInt64(1), false)) { acc, e in
          let (p, o) = acc.0.multipliedReportingOverflow(by: e); return (p, acc.1 || o)
        }
        let small = !overflow && total <= 4096
        let dcpl = H5Pcreate(mdsens_h5p_dataset_create())
        if !small && !speciesShape.isEmpty {
          var chunk = speciesShape.map { _ in hsize_t(1) }
          H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
        }
        let type = storedType(.int64)
        let t = fileType(type)
        let species = H5Dcreate2(all, "species", t, space, p, dcpl, p)
        H5Tclose(t)
        H5Pclose(dcpl)
        H5Sclose(space)
        if species >= 0 {
          var values: [Int64] = []
          if small && type != .string {
            values = (0..<Int(total)).map { i in choices.integer(Int64(i % 2)) }
            _ = H5Dwrite(species, mdsens_h5t_native_int64(), mdsens_h5s_all(), mdsens_h5s_all(), p, &values)
          }
          switch choices.pick(8) {
          case 1: break  // no names: the reader names species by index
          case 2: integerAttribute(species, "names", [0, 1], scalar: false)
          case 3: stringAttribute(species, "names", [], scalar: false)
          case 4: stringAttribute(species, "names", ["A"], scalar: true)
          case 5: stringAttribute(species, "names", ["A", "A", "B"], scalar: false)
          default:
            let count = choices.pick(4) == 1 ? choices.pick(5) : 2
            stringAttribute(species, "names", (0..<count).map { choices.string(["A", "B", "C", "D"][$0 % 4]) },
                            scalar: false)
          }
          H5Dclose(species)
        }
      }
    }

    // Position and extra per-particle fields.
    element(all, "position", frames: frames, frameShape: [UInt64(n), d]) { c, i in c.double(Double(i) * 0.37) }
    let fieldNames = ["sensitivity_diameter", "force", "image", "x y", "é", "velocity"]
    for _ in 0..<choices.pick(3) {
      element(all, fieldNames[choices.pick(fieldNames.count)], frames: frames, frameShape: [UInt64(n), d]) { c, i in
        c.double(Double(i) * -0.01)
      }
    }

    // Observables.
    if choices.pick(12) != 1 {
      let observables = group(file, "observables")
      if observables >= 0 {
        element(observables, "potential_energy", frames: frames, frameShape: []) { c, i in c.double(1.5 - Double(i)) }
        element(observables, "max_force", frames: frames, frameShape: []) { c, _ in c.double(1e-12) }
        H5Gclose(observables)
      }
    }
    return true
  }
}

private let scratch = fuzzScratchPath("struct.h5")
private let silenced: Void = mdsens_h5e_silence()

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  _ = silenced
  let bytes = UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
  var builder = FileBuilder(choices: Choices(bytes: bytes))
  guard builder.build(path: scratch) else { return 0 }
  if let trajectory = fuzzRun("h5md", { try H5MDReader.readAll(path: scratch) }) {
    _ = trajectory.frames.count
  }
  return 0
}
