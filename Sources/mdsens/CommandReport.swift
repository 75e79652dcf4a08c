/// What a command found: one JSON object for machines (`--json`), the summary for people, the
/// warnings that go with the summary, and the exit status.
///
/// Commands compute a report and the command line prints it; `mdsens ensemble` runs the same
/// computation for each member and keeps the JSON object in the member's record.
struct CommandReport {
  var json: [String: Any]
  var summary: String
  var warnings: [String] = []
  var status: Int32 = 0

  /// Prints the report as the command line does (the JSON object with `--json`, else the warnings on
  /// stderr and the summary on stdout) and returns the exit status.
  func print(asJSON: Bool) -> Int32 {
    if asJSON {
      Output.json(json)
    } else {
      warnings.forEach(Output.warning)
      Output.result(summary)
    }
    return status
  }
}
