import Foundation
import Particles

// mdsens-benchmark: see Options.help. The parent process runs every (N, d) in a child process of
// itself (`--child N,d`), so that each configuration's peak memory is its own.


func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("mdsens-benchmark: \(message)\n".utf8))
  exit(2)
}

func log(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

let options: Options
do {
  options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
  if error.isHelp {
    print(Options.help)
    exit(0)
  }
  fail(error.message)
}

if let request = options.child {
  let result = request.dimension == 3
    ? measure(ThreeDimensions.self, size: request.size, threadCounts: options.threads, options: options)
    : measure(TwoDimensions.self, size: request.size, threadCounts: options.threads, options: options)
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  guard let data = try? encoder.encode(result) else { fail("cannot encode the result") }
  FileHandle.standardOutput.write(data)
  FileHandle.standardOutput.write(Data("\n".utf8))
  exit(0)
}

/// Runs one configuration in a child process and decodes its JSON line.
func runChild(_ request: Options.ChildRequest) -> [ConfigurationResult] {
  let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    ?? CommandLine.arguments[0]
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = options.childArguments(request)
  let output = Pipe()
  process.standardOutput = output
  do { try process.run() } catch { fail("cannot start \(executable): \(error)") }
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    fail("child \(request.size),\(request.dimension) exited with \(process.terminationStatus)")
  }
  do {
    return try JSONDecoder().decode([ConfigurationResult].self, from: data)
  } catch {
    fail("cannot decode the child's output: \(String(decoding: data, as: UTF8.self))")
  }
}

/// The report of the configurations measured so far.
func makeReport(_ results: [ConfigurationResult]) -> Report {
  Report(
    date: ISO8601DateFormatter().string(from: Date()), processors: ProcessInfo.processInfo.activeProcessorCount,
    command: (["mdsens-benchmark"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
    peakMemoryMethod: results.first?.peakMethod ?? "", rows: makeRows(results))
}

func writeMarkdown(_ report: Report) {
  guard let path = options.markdownPath else { return }
  do {
    try markdownTable(report.rows, report: report, options: options)
      .write(toFile: path, atomically: true, encoding: .utf8)
  } catch {
    fail("cannot write \(path): \(error)")
  }
}

var results = [ConfigurationResult]()
for dimension in options.dimensions {
  for size in options.sizes.sorted() {
    let started = Date()
    for result in runChild(Options.ChildRequest(size: size, dimension: dimension)) {
      results.append(result)
      log(String(format: "N=%d d=%d threads=%d: force %.1f ns/particle (%.2f ns/pair), FIRE %.1f ns/particle, %.2f pairs/particle, %.3f rebuilds/step, peak %.1f MiB (%.0f s)",
                 size, dimension, result.threads, result.medianForce, result.medianForcePerPair,
                 result.medianFIRE, result.medianPairs, result.medianRebuilds, result.peakMiB,
                 Date().timeIntervalSince(started)))
    }
    // Rewritten after every size: an interrupted run keeps the rows it finished.
    writeMarkdown(makeReport(results))
  }
}

let report = makeReport(results)
let rows = report.rows

if options.json {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  guard let data = try? encoder.encode(report) else { fail("cannot encode the report") }
  print(String(decoding: data, as: UTF8.self))
} else {
  print("mdsens-benchmark, \(report.date), \(report.processors) processors; medians of \(options.repeats) repetitions")
  print("peak memory: \(report.peakMemoryMethod)")
  print()
  print(textTable(rows))
}

writeMarkdown(report)
