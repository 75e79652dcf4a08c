import Foundation
import Testing

/// A small valid system file, as text, so that a case can break it the way a user's editor would
/// (a misspelt key, a key twice, a trailing comma) — things no JSON library lets one build.
private func systemText(replacing old: String = "", with new: String = "") -> String {
  let text = """
    {
      "name": "hostile",
      "dimension": 2,
      "boundary": "periodic",
      "species": [
        {"name": "small", "count": 8, "diameter": 0.6, "variable": true},
        {"name": "large", "count": 8, "diameter": 1.0}
      ],
      "potential": {"kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0},
      "packing_fraction": 0.9,
      "initial": {"seed": 1},
      "minimizer": {"kind": "fire", "force_tolerance": 1e-12, "max_steps": 100000}
    }
    """
  guard !old.isEmpty else { return text }
  precondition(text.contains(old), "the template has no '\(old)'")
  return text.replacingOccurrences(of: old, with: new)
}

/// The paper system's 128 particles (64 'small', then 64 'large') at the given coordinates, as
/// extended XYZ in the paper's box.
private func paperPositions(_ coordinate: (Int) -> (Double, Double)) -> String {
  let side = 8.352016507218536
  var lines = ["128", "Lattice=\"\(side) 0 0 0 \(side) 0 0 0 1.0\" Properties=species:S:1:pos:R:3 pbc=\"T T F\""]
  for particle in 0..<128 {
    let (x, y) = coordinate(particle)
    lines.append("\(particle < 64 ? "small" : "large") \(x) \(y) 0")
  }
  return lines.joined(separator: "\n") + "\n"
}

/// A scattered non-minimum: a deterministic quasi-random spread over the box.
private func scattered(_ particle: Int) -> (Double, Double) {
  let side = 8.352016507218536
  let golden = 0.6180339887498949, plastic = 0.7548776662466927
  return ((Double(particle) * golden).truncatingRemainder(dividingBy: 1) * side,
          (Double(particle) * plastic + 0.5).truncatingRemainder(dividingBy: 1) * side)
}

@Suite("Bad input gets one clear line, exit status 1 and no file")
struct HostileInputTests {
  @Test("system files: unknown, duplicated and mistyped fields, and numbers out of range", arguments: [
    ("\"force_tolerance\"", "\"force_tolerence\"",
     "unknown field 'force_tolerence' in minimizer (line 12) (did you mean 'force_tolerance'?)"),
    ("\"packing_fraction\"", "\"packing_fracton\"", "unknown field 'packing_fracton' at the top level"),
    ("\"boundary\": \"periodic\",", "\"boundary\": \"periodic\", \"deformation\": [[1, 0], [0, -1]],",
     "deformation must keep the cell right-handed"),
    ("\"boundary\": \"periodic\",", "\"boundary\": \"periodic\", \"deformation\": [[1, 0, 0], [0, 1, 0]],",
     "deformation must be a 2×2 matrix"),
    ("\"boundary\": \"periodic\",", "\"boundary\": \"periodic\", \"deformation\": [[1, 40], [0, 1]],",
     "shorter than twice the interaction range"),
    ("\"packing_fraction\"", "\"packing_fracton\"", "did you mean 'packing_fraction'?"),
    ("\"boundary\": \"periodic\",", "\"boundary\": \"periodic\",\n  \"dimension\": 3,", "field 'dimension' is given twice"),
    ("\"max_steps\": 100000}", "\"max_steps\": 100000,}", "trailing comma before '}'"),
    ("\"diameter\": 1.0}", "\"diameter\": 1.0},", "trailing comma before ']'"),
    ("\"diameter\": 1.0}", "\"diameter\": 1.0, \"variable\": true}", "'small' and 'large'; mark at most one"),
    ("\"count\": 8, \"diameter\": 1.0", "\"count\": 9223372036854775807, \"diameter\": 1.0",
     "the counts add up to more than 9223372036854775807 particles"),
    ("\"count\": 8, \"diameter\": 0.6", "\"count\": 1e12, \"diameter\": 0.6", "bytes"),
    ("\"count\": 8, \"diameter\": 0.6", "\"count\": 1000000000000, \"diameter\": 0.6", "particles need at least"),
    ("\"dimension\": 2", "\"dimension\": 2.5", "field 'dimension' must be a whole number, got 2.5"),
    ("\"dimension\": 2", "\"dimension\": \"2\"", "field 'dimension' must be a whole number, got a string"),
    ("\"count\": 8, \"diameter\": 0.6", "\"count\": 64.5, \"diameter\": 0.6",
     "field 'species[0].count' must be a whole number, got 64.5"),
    ("\"seed\": 1", "\"seed\": -1", "field 'initial.seed' must be a whole number from 0"),
    ("\"max_steps\": 100000", "\"max_steps\": 1e20", "field 'minimizer.max_steps' must be a whole number from 0"),
    ("\"diameter\": 0.6", "\"diameter\": 1e200", "species[0].diameter must be a length from"),
    ("\"diameter\": 0.6", "\"diameter\": 1e-160", "species[0].diameter must be a length from"),
    ("\"epsilon\": 1.0", "\"epsilon\": 1e308", "potential.epsilon must be an energy from"),
    ("\"epsilon\": 1.0", "\"epsilon\": NaN", "line 9, column 51: expected a value"),
    ("\"epsilon\": 1.0", "\"epsilon\": 1e400", "out of the range of a double"),
    ("\"alpha\": 2.0", "\"alpha\": 2.0, \"cutof\": 2.5", "unknown field 'cutof' in potential (line 9) (did you mean 'cutoff'?)"),
    ("\"name\": \"small\"", "\"name\": \"small\", \"colour\": \"red\"", "unknown field 'colour' in species[0]"),
  ])
  func systemFiles(old: String, new: String, message: String) throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let file = try runner.write("system.json", systemText(replacing: old, with: new))
    try runner.expectRefusal(["minimize", file], mentioning: message, inputs: [file])
    try runner.expectRefusal(["minimize", file], mentioning: "system file \(file)", inputs: [file])
  }

  @Test("the unmodified template is accepted: the refusals above are the edits'")
  func templateIsValid() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let file = try runner.write("system.json", systemText())
    let outcome = try runner.run(["minimize", file, "--out", runner.path("out.xyz")])
    #expect(outcome.status == 0, "\(outcome.standardError)")
  }

  @Test("command-line options: repeated, malformed, out of range or contradicting each other", arguments: [
    (["minimize", "--seed", "1", "--seed", "2"], "option --seed is given twice"),
    (["minimize", "--json", "--json"], "option --json is given twice"),
    (["minimize", "--minimizer", "bfgs"], "use fire, fire2, gradient-descent or lbfgs"),
    (["minimize", "--preconditioner", "jacobi"], "use automatic, none or long-wavelength"),
    (["minimize", "--preconditioner", "long-wavelength=0"], "must be a finite positive number"),
    (["minimize", "--preconditioner", "long-wavelength=nan"], "must be a finite positive number"),
    (["sensitivity", "--param", "diameter", "--tol", "1e300"], "--tol is a relative residual"),
    (["sensitivity", "--param", "diameter", "--tol", "1"], "--tol is a relative residual"),
    (["sensitivity", "--param", "diameter", "--method", "fd", "--h", "1e-300"], "finite-difference step h = 1e-300 is too small"),
    (["sensitivity", "--param", "diameter", "--method", "fd", "--h", "0.7"], "makes a diameter non-positive"),
    (["sensitivity", "--param", "alpha", "--method", "fd", "--h", "1.5"], "it needs ε > 0, α > 1"),
    (["gradient", "--observable", "position:1:abc:0"], "--observable position:I:K"),
    (["gradient", "--observable", "position:1:0:"], "--observable position:I:K"),
    (["gradient", "--observable", "energy", "--positions", "start.xyz", "--seed", "5"],
     "give either --positions or --seed, not both"),
    (["sensitivity", "--param", "strain:zz"], "--param strain:C needs a strain component of a 2D cell"),
    (["sensitivity", "--param", "strain:shear"], "--param strain:C needs a strain component"),
    (["elasticity", "--out", "moduli.h5"], "--out and --format go with --fields"),
    (["elasticity", "--positions", "start.xyz"], "not a minimum"),
  ])
  func options(arguments: [String], message: String) throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let start = try runner.write("start.xyz", paperPositions(scattered))
    try runner.expectRefusal(arguments, mentioning: message, inputs: [start])
  }

  @Test("an output that is an input, or not a regular file, is refused before any work")
  func outputs() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let system = try runner.write("system.json", systemText())
    let start = try runner.write("start.xyz", paperPositions(scattered))
    let inputs = [system, start, runner.path("fifo")]
    try runner.expectRefusal(["minimize", system, "--out", system], mentioning: "is the same file as the input",
                             inputs: inputs)
    try runner.expectRefusal(["minimize", system, "--out", runner.directory.path + "/./system.json", "--format", "xyz"],
                             mentioning: "is the same file as the input", inputs: inputs)
    try runner.expectRefusal(["minimize", "--positions", start, "--out", start], mentioning: "is the same file as the input",
                             inputs: inputs)
    try runner.expectRefusal(["sensitivity", "--param", "diameter", "--positions", start, "--out", start, "--format", "xyz"],
                             mentioning: "is the same file as the input", inputs: inputs)
    #expect(mkfifo(runner.path("fifo"), 0o644) == 0)
    try runner.expectRefusal(["minimize", system, "--out", runner.path("fifo")], mentioning: "not a regular file",
                             inputs: inputs)
    var status = stat()
    #expect(stat(runner.path("fifo"), &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
    #expect(try String(contentsOfFile: system, encoding: .utf8) == systemText())
  }

  @Test("a disk that fills up mid-write: exit status 1, no file, no crash", arguments: ["h5md", "xyz"])
  func fullDisk(format: String) throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    try runner.expectRefusal(["minimize", "--out", runner.path("out.\(format == "h5md" ? "h5" : "xyz")")],
                             mentioning: "cannot write", fileSizeLimit: 8)
    try runner.expectRefusal(["sensitivity", "--param", "diameter", "--format", format, "--json"],
                             mentioning: "cannot write", fileSizeLimit: 8)
  }

  @Test("positions files: hostile XYZ counts are refused naming the file; CRLF line endings are read")
  func extendedXYZ() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let text = paperPositions(scattered)
    let huge = try runner.write("huge.xyz", "9223372036854775807" + text.drop { $0 != "\n" })
    try runner.expectRefusal(["minimize", "--positions", huge], mentioning: "huge.xyz", inputs: [huge])
    let windows = try runner.write("windows.xyz", text.replacingOccurrences(of: "\n", with: "\r\n"))
    let outcome = try runner.run(["minimize", "--positions", windows, "--out", runner.path("out.xyz")])
    #expect(outcome.status == 0, "\(outcome.standardError)")
  }

  @Test("a configuration that is not a minimum is refused by every method alike",
        arguments: ["implicit", "fd"])
  func notAMinimum(method: String) throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    let start = try runner.write("start.xyz", paperPositions(scattered))
    try runner.expectRefusal(["sensitivity", "--param", "diameter", "--method", method, "--positions", start],
                             mentioning: "not a minimum: max force component", inputs: [start])
  }

  @Test("positions files: coincident particles are named, far-away coordinates refused")
  func positions() throws {
    let runner = try CommandLineRunner()
    defer { runner.removeAll() }
    // Particles 3 and 70 at the same place, 70 given one box length away (wrapping makes them equal).
    let side = 8.352016507218536
    let coincident = try runner.write("coincident.xyz", paperPositions { particle in
      particle == 70 ? (1.25 + side, 2.5) : particle == 3 ? (1.25, 2.5) : scattered(particle)
    })
    try runner.expectRefusal(["minimize", "--positions", coincident],
                             mentioning: "particles 3 and 70 are at the same place", inputs: [coincident])
    let far = try runner.write("far.xyz", paperPositions { particle in particle == 5 ? (1e300, 1) : scattered(particle) })
    try runner.expectRefusal(["minimize", "--positions", far],
                             mentioning: "particle 5 has coordinate 0 = 1e+300, farther than", inputs: [far, coincident])
  }
}
