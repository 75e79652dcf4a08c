import CHDF5

/// An open H5MD time-dependent element (a group holding `step`, `time` and `value`) that grows by one
/// row per appended frame.
///
/// Each element has its own step and time datasets, so elements may be sampled at different steps
/// (a frame without an energy simply adds no energy row). An element sampled with another (the box
/// with the positions) hard-links that element's step and time instead, as H5MD asks of the box,
/// and appends values only.
final class H5MDTimeSeries {
  let path: String
  /// The shape of one frame's value, e.g. `[N, d]` for positions or `[]` for a scalar observable.
  let frameShape: [Int]
  private var group: hid_t = -1
  private var step: hid_t = -1
  private var time: hid_t = -1
  private var value: hid_t = -1
  /// Whether step and time are hard links to another element's, which appends them.
  let sharesClock: Bool

  /// Creates the element's group and empty datasets; `unit` (when non-empty) goes on `value` and
  /// `timeUnit` on `time`. With `clock`, `step` and `time` are hard links to that element's.
  init(file: hid_t, path: String, frameShape: [Int], unit: String, timeUnit: String = "",
       clock: H5MDTimeSeries? = nil) throws {
    self.path = path
    self.frameShape = frameShape
    self.sharesClock = clock != nil
    do {
      group = try hdf5CreateGroup(file, path)
      if let clock {
        try hdf5HardLink(file, clock.path + "/step", as: path + "/step")
        try hdf5HardLink(file, clock.path + "/time", as: path + "/time")
      } else {
        step = try hdf5CreateExtendableDataset(group, "step", type: mdsens_h5t_native_int64(), frameShape: [])
        time = try hdf5CreateExtendableDataset(group, "time", type: mdsens_h5t_native_double(), frameShape: [])
        if !timeUnit.isEmpty { try hdf5WriteAttribute(time, "unit", strings: [timeUnit], scalar: true) }
      }
      value = try hdf5CreateExtendableDataset(group, "value", type: mdsens_h5t_native_double(), frameShape: frameShape)
      if !unit.isEmpty { try hdf5WriteAttribute(value, "unit", strings: [unit], scalar: true) }
    } catch {
      close()
      throw error
    }
  }

  /// Appends one frame: its step, time and `frameShape` values in row-major order. An element that
  /// shares another's clock stores the values only; the caller appends to the clock's owner first.
  func append(step stepNumber: Int, time timeValue: Double, values: [Double]) throws {
    precondition(values.count == max(1, frameShape.reduce(1, *)), "validated by the writer")
    if !sharesClock {
      var stepValue = Int64(stepNumber)
      var timeCopy = timeValue
      try hdf5AppendRow(step, type: mdsens_h5t_native_int64(), frameShape: [], values: &stepValue)
      try hdf5AppendRow(time, type: mdsens_h5t_native_double(), frameShape: [], values: &timeCopy)
    }
    try values.withUnsafeBufferPointer { buffer in
      try hdf5AppendRow(value, type: mdsens_h5t_native_double(), frameShape: frameShape, values: buffer.baseAddress!)
    }
  }

  /// Closes the datasets and the group; returns false if any close failed.
  @discardableResult
  func close() -> Bool {
    var succeeded = true
    for dataset in [step, time, value] where dataset >= 0 { succeeded = H5Dclose(dataset) >= 0 && succeeded }
    if group >= 0 { succeeded = H5Gclose(group) >= 0 && succeeded }
    (group, step, time, value) = (-1, -1, -1, -1)
    return succeeded
  }

  deinit { HDF5Library.synchronized { _ = close() } }
}
