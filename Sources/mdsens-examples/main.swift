// mdsens-examples: the bilevel machine-learning experiments of Blondel et al. (2022), §3–4.
import BilevelExamples
import Foundation
import ImplicitDifferentiation

let usage = """
  usage: mdsens-examples <command> [--option value ...]
    ridge               [--lambda 1.0] [--perturbation 0]
    jacobian-precision  [--iterations 200] [--weight 0.1]
    svm                 [--features 100,500,1000,2000,5000] [--outer 10] [--max-inner 5000]
                        [--solvers md,md-plain,pg,bcd] [--condition projected-gradient,mirror-descent]
                        [--tolerance 1e-12] [--preconditioner automatic|jacobi|none]
                        [--log-lambda 3] [--step 0.5] [--max-move 1] [--seed 0]
    distillation        [--steps 200] [--learning-rate 0.02] [--timing-steps 20] [--inner-steps 100]
    dictionary          [--datasets breast-cancer,synthetic] [--splits 10] [--steps 50] [--atoms 10]
  common: --output DIR (default examples-output)
  """

/// `--key value` pairs after the command.
struct Options {
  var values: [String: String] = [:]
  init(_ arguments: ArraySlice<String>) throws {
    var iterator = arguments.makeIterator()
    while let key = iterator.next() {
      guard key.hasPrefix("--"), let value = iterator.next() else {
        throw ExampleError.invalidOption("expected --option value, got \(key)")
      }
      values[String(key.dropFirst(2))] = value
    }
  }
  func double(_ key: String, _ fallback: Double) throws -> Double {
    guard let text = values[key] else { return fallback }
    guard let value = Double(text) else { throw ExampleError.invalidOption("--\(key) needs a number") }
    return value
  }
  func int(_ key: String, _ fallback: Int) throws -> Int { Int(try double(key, Double(fallback))) }
  func list(_ key: String, _ fallback: [String]) -> [String] {
    values[key].map { $0.split(separator: ",").map(String.init) } ?? fallback
  }
  var output: String { values["output"] ?? "examples-output" }
}

func format(_ value: Double, _ width: Int = 11) -> String {
  let text = String(format: "%.3e", value)
  return String(repeating: " ", count: max(0, width - text.count)) + text
}

func pad(_ text: String, _ width: Int) -> String {
  text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
  print(usage)
  exit(2)
}
do {
  let options = try Options(arguments.dropFirst(2))
  switch arguments[1] {
  case "ridge": try runRidge(options)
  case "jacobian-precision": try runJacobianPrecision(options)
  case "svm": try runSVM(options)
  case "distillation": try runDistillation(options)
  case "dictionary": try runDictionary(options)
  case "-h", "--help", "help": print(usage)
  default:
    FileHandle.standardError.write("unknown command \(arguments[1])\n\(usage)\n".data(using: .utf8)!)
    exit(2)
  }
} catch {
  FileHandle.standardError.write("mdsens-examples: \(error)\n".data(using: .utf8)!)
  exit(1)
}
