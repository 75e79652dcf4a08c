import Ensembles
import Foundation
import Simulation
import Testing

@Suite("Sweep files")
struct SweepFileTests {
  @Test("a product varies the last field fastest and applies every value to the system file")
  func product() throws {
    let scratch = try Scratch()
    let sweep = try scratch.sweep("""
      { "system": "small.json", "vary": { "packing_fraction": [0.85, 0.9], "seed": {"from": 3, "count": 3} },
        "task": "minimize" }
      """)
    #expect(sweep.memberCount == 6)
    #expect(sweep.output == scratch.path("sweep-ensemble"))
    let expected: [(Double, Double)] = [(0.85, 3), (0.85, 4), (0.85, 5), (0.9, 3), (0.9, 4), (0.9, 5)]
    for (index, (fraction, seed)) in expected.enumerated() {
      let member = sweep.member(index)
      #expect(member.parameters.map(\.field.name) == ["packing_fraction", "seed"])
      #expect(member.parameters.map { $0.value.numberValue } == [fraction, seed])
      let system = try member.system()
      #expect(abs(system.packingFraction - fraction) < 1e-14)
      #expect(system.description.initial?.seed == UInt64(seed))
    }
  }

  @Test("a list pairs the i-th values; diameters, ε and the minimiser's fields reach the system")
  func list() throws {
    let scratch = try Scratch()
    let sweep = try scratch.sweep("""
      { "system": "small.json", "combine": "list",
        "vary": { "diameter.large": [1.2, 1.3, 1.4], "epsilon": [1, 2, 3], "max_steps": [10, 20, 30],
                  "count.small": [8, 9, 10], "force_tolerance": [1e-8, 1e-9, 1e-10] },
        "task": ["minimize"] }
      """)
    #expect(sweep.memberCount == 3)
    let system = try sweep.member(1).system()
    #expect(system.speciesDiameters == [1.0, 1.3])
    #expect(system.description.potential.epsilon == 2)
    #expect(system.minimizer.maximumSteps == 20)
    #expect(system.minimizer.forceTolerance == 1e-9)
    #expect(system.particleCount == 9 + 8)
  }

  @Test("ranges: from/count with a step, from/to evenly spaced, and geometrically with log spacing")
  func ranges() throws {
    let scratch = try Scratch()
    let sweep = try scratch.sweep("""
      { "system": "small.json", "combine": "list",
        "vary": { "seed": {"from": 10, "count": 4, "step": 5},
                  "packing_fraction": {"from": 0.84, "to": 0.9, "count": 4},
                  "epsilon": {"from": 0.001, "to": 1, "count": 4, "spacing": "log"} },
        "task": "minimize" }
      """)
    let seeds = (0..<4).map { sweep.member($0).parameters[0].value.numberValue! }
    #expect(seeds == [10, 15, 20, 25])
    for index in 0..<4 {
      let fraction = sweep.member(index).parameters[1].value.numberValue!
      #expect(abs(fraction - (0.84 + 0.02 * Double(index))) < 1e-15)
      let epsilon = sweep.member(index).parameters[2].value.numberValue!
      #expect(abs(epsilon / Foundation.pow(10, -3 + Double(index)) - 1) < 1e-14)
    }
    // The last value is the given end exactly, not a sum that missed it by rounding.
    #expect(sweep.member(3).parameters[1].value.numberValue == 0.9)
  }

  @Test("without a system the built-in paper system is the base; a seed replaces a positions file")
  func builtInBase() throws {
    let scratch = try Scratch()
    let sweep = try scratch.sweep(#"{ "vary": { "seed": [7] }, "task": "elasticity", "output": "out" }"#)
    let system = try sweep.member(0).system()
    #expect(system.particleCount == 128)
    #expect(system.description.initial?.seed == 7)
    #expect(sweep.output == scratch.path("out"))
  }

  @Test("fingerprints differ between members and change with the task")
  func fingerprints() throws {
    let scratch = try Scratch()
    let one = try scratch.sweep(#"{ "system": "small.json", "vary": { "seed": [1, 2] }, "task": "minimize" }"#)
    let other = try scratch.sweep(#"{ "system": "small.json", "vary": { "seed": [1, 2] }, "task": "elasticity" }"#)
    #expect(one.member(0).fingerprint != one.member(1).fingerprint)
    #expect(one.member(0).fingerprint != other.member(0).fingerprint)
    #expect(one.member(0).fingerprint == (try scratch.sweep(#"{"system": "small.json", "vary": {"seed": [1, 2]}, "task": "minimize"}"#)).member(0).fingerprint)
  }

  @Test("bad sweep files are refused with a message naming the field", arguments: [
    (#"{ "task": "minimize", "vary": { "seed": [1, 2], }"#, "not valid JSON"),
    (#"{ "task": "minimize", "varry": {} }"#, "unknown field 'varry'"),
    (#"{ "vary": { "seed": [1] } }"#, "missing field 'task'"),
    (#"{ "task": "", "vary": { "seed": [1] } }"#, "task step is empty"),
    (#"{ "task": "minimize", "vary": { "temperature": [1] } }"#, "'temperature' is not a field a sweep can vary"),
    (#"{ "task": "minimize", "vary": { "diameter.medium": [1] } }"#, "no species 'medium'"),
    (#"{ "task": "minimize", "vary": { "seed": [1.5] } }"#, "must be a whole number ≥ 0"),
    (#"{ "task": "minimize", "vary": { "seed": [-1] } }"#, "must be a whole number ≥ 0"),
    (#"{ "task": "minimize", "vary": { "seed": [] } }"#, "has no values"),
    (#"{ "task": "minimize", "vary": { "seed": [1, 1] } }"#, "lists a value twice"),
    (#"{ "task": "minimize", "combine": "list", "vary": { "seed": [1, 1], "epsilon": [2, 2] } }"#, "two members of the list have the same values"),
    (#"{ "task": "minimize", "vary": { "epsilon": ["one"] } }"#, "'vary.epsilon[0]' must be a number"),
    (#"{ "task": "minimize", "vary": { "seed": {"from": 0} } }"#, "'vary.seed.count' must be a whole number ≥ 1"),
    (#"{ "task": "minimize", "vary": { "epsilon": {"from": 0, "to": 1, "count": 3, "spacing": "log"} } }"#, "log spacing needs"),
    (#"{ "task": "minimize", "combine": "list", "vary": { "seed": [1, 2], "epsilon": [1] } }"#, "every field needs as many values"),
    (#"{ "task": "minimize", "combine": "zip" }"#, "'combine' must be"),
    (#"{ "task": "minimize", "system": "missing.json" }"#, "cannot read system file"),
    (#"{ "task": "minimize", "vary": { "seed": {"from": 0, "count": 100000}, "epsilon": {"from": 1, "to": 2, "count": 1000} } }"#, "more than 10000000 members"),
  ])
  func refused(text: String, message: String) throws {
    let scratch = try Scratch()
    do {
      _ = try scratch.sweep(text)
      Issue.record("accepted: \(text)")
    } catch let error as SweepError {
      #expect(error.message.contains(message), "\(error.message)")
      #expect(error.message.hasPrefix("sweep file \(scratch.path("sweep.json"))"))
    }
  }

  @Test("a base system file with a mistake is the sweep's error, not every member's")
  func badBase() throws {
    let scratch = try Scratch()
    try Data(#"{"dimension": 2, "species": [], "potential": {"kind": "soft-sphere"}}"#.utf8)
      .write(to: URL(fileURLWithPath: scratch.path("bad.json")))
    #expect(throws: SweepError.self) { try scratch.sweep(#"{ "system": "bad.json", "task": "minimize" }"#) }
  }
}
