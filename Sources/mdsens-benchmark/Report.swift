import Foundation

/// One row of the table: a configuration and, for more than one thread, its speed-up over the
/// one-thread run of the same (N, d).
struct Row: Codable {
  var result: ConfigurationResult
  var forceSpeedUp: Double?
  var fireSpeedUp: Double?
}

/// The whole run, as printed with --json.
struct Report: Codable {
  var date: String
  var processors: Int
  var command: String
  var peakMemoryMethod: String
  var rows: [Row]
}

func makeRows(_ results: [ConfigurationResult]) -> [Row] {
  results.map { result in
    var row = Row(result: result)
    if result.threads != 1,
       let serial = results.first(where: {
         $0.size == result.size && $0.dimension == result.dimension && $0.threads == 1
       }) {
      row.forceSpeedUp = serial.medianForce / result.medianForce
      row.fireSpeedUp = serial.medianFIRE / result.medianFIRE
    }
    return row
  }
}

private func fixed(_ value: Double, _ decimals: Int) -> String {
  value.isFinite ? String(format: "%.\(decimals)f", value) : "-"
}

private func sizeLabel(_ n: Int) -> String {
  var exponent = 0
  var rest = n
  while rest >= 10 && rest % 10 == 0 {
    rest /= 10
    exponent += 1
  }
  let superscripts: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
  if rest == 1 && exponent >= 3 { return "10" + String(superscripts[exponent]) }
  return String(n)
}

let tableHeader = [
  "N", "d", "threads", "ns/particle force", "ns/particle FIRE step", "ns/pair",
  "pairs/particle", "rebuilds/step", "ns/particle rebuild", "peak MiB", "speed-up force", "speed-up FIRE",
]

func tableCells(_ row: Row) -> [String] {
  let r = row.result
  return [
    sizeLabel(r.size), "\(r.dimension)", "\(r.threads)", fixed(r.medianForce, 1), fixed(r.medianFIRE, 1),
    fixed(r.medianForcePerPair, 2), fixed(r.medianPairs, 2), fixed(r.medianRebuilds, 3),
    fixed(r.medianRebuild, 1),    fixed(r.peakMiB, 1), row.forceSpeedUp.map { fixed($0, 2) + "x" } ?? "-",
    row.fireSpeedUp.map { fixed($0, 2) + "x" } ?? "-",
  ]
}

/// A plain-text table with right-aligned columns.
func textTable(_ rows: [Row]) -> String {
  let cells = [tableHeader] + rows.map(tableCells)
  var widths = [Int](repeating: 0, count: tableHeader.count)
  for line in cells {
    for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
  }
  func render(_ line: [String]) -> String {
    line.enumerated().map { column, cell in
      String(repeating: " ", count: widths[column] - cell.count) + cell
    }.joined(separator: "  ")
  }
  var lines = [render(tableHeader)]
  lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
  var previous: (Int, Int)?
  for row in rows {
    let key = (row.result.dimension, row.result.size)
    if let previous, previous.0 != key.0 { lines.append("") }
    previous = key
    lines.append(render(tableCells(row)))
  }
  return lines.joined(separator: "\n")
}

func markdownTable(_ rows: [Row], report: Report, options: Options) -> String {
  var lines = [
    "# mdsens benchmark",
    "",
    "\(report.date), \(report.processors) processors. `\(report.command)`",
    "",
    "Harmonic soft spheres (SoftSphere ε = 1, α = 2), 50:50 diameters 1.0/1.4, periodic box,",
    "φ = 0.90 (2D) / 0.70 (3D), random start + \(options.warmupSteps) untimed FIRE steps, skin \(options.skin).",
    "Medians of \(options.repeats) repetitions. Peak memory: \(report.peakMemoryMethod).",
    "ns/pair = force-only time / pairs stored in the neighbour list (pairs within cutoff + skin).",
    "FIRE step = one `FIRE.minimize` call of k steps (k + 1 force evaluations, neighbour-list",
    "checks and rebuilds, position wrapping) divided by k. A rebuild (cell list + Verlet list from",
    "scratch) is timed once per repetition; a FIRE step pays it rebuilds/step times on average.",
    "",
    "| " + tableHeader.joined(separator: " | ") + " |",
    "|" + tableHeader.map { _ in "---:" }.joined(separator: "|") + "|",
  ]
  for row in rows { lines.append("| " + tableCells(row).joined(separator: " | ") + " |") }
  return lines.joined(separator: "\n") + "\n"
}
