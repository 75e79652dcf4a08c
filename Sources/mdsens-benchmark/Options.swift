#if canImport(Glibc)
import Glibc
#endif

/// Command-line options of the benchmark.
struct Options {
  var sizes = [1_000, 10_000, 100_000, 1_000_000]
  var dimensions = [2, 3]
  var threads = [1, 2]
  var repeats = 5
  /// FIRE steps run (untimed) from the random start before anything is measured.
  var warmupSteps = 100
  /// Verlet skin in units of the small diameter (1.0).
  var skin = 0.3
  var seed: UInt64 = 2024
  /// Multiplies the default numbers of timed force evaluations and FIRE steps.
  var workScale = 1.0
  var json = false
  var markdownPath: String?
  /// Internal: run one configuration in this process and print its result as one JSON line.
  var child: ChildRequest?

  struct ChildRequest {
    var size: Int
    var dimension: Int
  }

  static let help = """
    mdsens-benchmark: time per force evaluation and per FIRE step of harmonic soft spheres.

    Usage: swift run -c release mdsens-benchmark [options]

    System: 50:50 binary mixture of diameters 1.0 and 1.4, SoftSphere(epsilon: 1, alpha: 2),
    periodic square/cubic box at packing fraction 0.90 (2D) or 0.70 (3D), random start.
    Each (N, d) runs in its own child process of this executable, sizes in increasing order; within
    it the thread counts are interleaved round by round (same noise for all). Peak memory: VmHWM
    from /proc/self/status, reset (clear_refs) before each thread count's phase, so each row's peak
    is that of its own (N, d, threads) run plus the shared warm-up.

    Options:
      --sizes LIST        particle counts, comma-separated   (default 1000,10000,100000,1000000)
      --dimensions LIST   2 and/or 3                          (default 2,3)
      --threads LIST      thread counts                        (default 1,2)
      --repeats R         repetitions; medians are reported    (default 5)
      --warmup S          untimed FIRE steps from the random start (default 100)
      --skin S            Verlet skin, small diameters          (default 0.3)
      --seed S            random seed                          (default 2024)
      --work-scale X      scale the timed step counts          (default 1)
      --json              print JSON instead of the table
      --markdown PATH     also write the table (markdown) to PATH
      --help              this text

    Timed work per repetition: force-only evaluations on a fixed neighbour list, then one
    FIRE(forceTolerance: 0, maximumSteps: k).minimize call continuing from the previous
    configuration (k + 1 force evaluations, neighbour-list updates and rebuilds included;
    the time is divided by k).
    """

  static func parse(_ arguments: [String]) throws(OptionError) -> Options {
    var options = Options()
    var index = 0
    func value() throws(OptionError) -> String {
      index += 1
      guard index < arguments.count else { throw OptionError("\(arguments[index - 1]) needs a value") }
      return arguments[index]
    }
    func integers(_ text: String) throws(OptionError) -> [Int] {
      var result = [Int]()
      for part in text.split(separator: ",") {
        guard let number = Int(String(part.filter { $0 != "_" })), number > 0 else {
          throw OptionError("not a positive integer: \(part)")
        }
        result.append(number)
      }
      guard !result.isEmpty else { throw OptionError("empty list") }
      return result
    }
    while index < arguments.count {
      let argument = arguments[index]
      switch argument {
      case "--help", "-h": throw OptionError.help
      case "--sizes": options.sizes = try integers(try value())
      case "--dimensions":
        options.dimensions = try integers(try value())
        guard options.dimensions.allSatisfy({ $0 == 2 || $0 == 3 }) else {
          throw OptionError("dimensions must be 2 or 3")
        }
      case "--threads": options.threads = try integers(try value())
      case "--repeats": options.repeats = try integers(try value())[0]
      case "--warmup":
        guard let steps = Int(try value()), steps >= 0 else { throw OptionError("bad --warmup") }
        options.warmupSteps = steps
      case "--skin":
        guard let skin = Double(try value()), skin >= 0 else { throw OptionError("bad --skin") }
        options.skin = skin
      case "--seed":
        guard let seed = UInt64(try value()) else { throw OptionError("bad --seed") }
        options.seed = seed
      case "--work-scale":
        guard let scale = Double(try value()), scale > 0 else { throw OptionError("bad --work-scale") }
        options.workScale = scale
      case "--json": options.json = true
      case "--markdown": options.markdownPath = try value()
      case "--child":
        let parts = try integers(try value())
        guard parts.count == 2 else { throw OptionError("--child N,d") }
        options.child = ChildRequest(size: parts[0], dimension: parts[1])
      default: throw OptionError("unknown option \(argument) (see --help)")
      }
      index += 1
    }
    return options
  }

  /// The arguments that make a child process measure `request` with these settings.
  func childArguments(_ request: ChildRequest) -> [String] {
    ["--child", "\(request.size),\(request.dimension)",
     "--threads", threads.map(String.init).joined(separator: ","),
     "--repeats", "\(repeats)", "--warmup", "\(warmupSteps)", "--skin", "\(skin)",
     "--seed", "\(seed)", "--work-scale", "\(workScale)"]
  }
}

struct OptionError: Error {
  var message: String
  init(_ message: String) { self.message = message }
  static let help = OptionError("")
  var isHelp: Bool { message.isEmpty }
}
