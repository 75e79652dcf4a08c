import Foundation

/// How far a sweep has got: members done of the total (with the failures), the rate of this run in
/// members per second, and the time left at that rate.
public final class SweepProgress: @unchecked Sendable {
  public let total: Int
  private let alreadyDone: Int
  private var finishedNow = 0
  private var failedNow = 0
  private let began = ContinuousClock.now
  private let lock = NSLock()

  /// `alreadyDone` members had valid records before this run (they do not count in the rate).
  public init(total: Int, alreadyDone: Int) {
    self.total = total
    self.alreadyDone = alreadyDone
  }

  func count(succeeded: Bool) {
    lock.lock()
    finishedNow += 1
    if !succeeded { failedNow += 1 }
    lock.unlock()
  }

  /// Members with a record (before and during this run).
  public var done: Int {
    lock.lock()
    defer { lock.unlock() }
    return alreadyDone + finishedNow
  }

  /// One progress line: "members 12/40 (1 failed), 2.31 members/s, 12 s left".
  public var line: String {
    lock.lock()
    let (finished, failed) = (finishedNow, failedNow)
    lock.unlock()
    let seconds = (ContinuousClock.now - began).seconds
    let rate = seconds > 0 ? Double(finished) / seconds : 0
    let left = total - alreadyDone - finished
    let eta = rate > 0 ? String(format: "%.0f s left", Double(left) / rate) : "time left unknown"
    return "members \(alreadyDone + finished)/\(total)" + (failed > 0 ? " (\(failed) failed)" : "")
      + String(format: ", %.3g members/s, ", rate) + eta
  }
}
