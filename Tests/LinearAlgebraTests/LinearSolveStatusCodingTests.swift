import Foundation
import LinearAlgebra
import Testing

@Suite("LinearSolveStatus in JSON")
struct LinearSolveStatusCodingTests {
  static let statuses: [LinearSolveStatus] = [
    .converged, .maximumIterationsReached, .breakdown("rho"), .breakdown("singular matrix: pivot 3"),
    .stagnated, .nonFinite,
  ]

  @Test("Every status is encoded as its description and decodes back to itself", arguments: statuses)
  func roundTrip(status: LinearSolveStatus) throws {
    let data = try JSONEncoder().encode(status)
    let text = try #require(String(data: data, encoding: .utf8))
    #expect(text == "\"\(status.description)\"")
    #expect(try JSONDecoder().decode(LinearSolveStatus.self, from: data) == status)
  }

  @Test("The stable words a report shows")
  func stableWords() throws {
    let encoded = try JSONEncoder().encode([LinearSolveStatus.converged, .stagnated, .breakdown("omega")])
    #expect(String(data: encoded, encoding: .utf8) == #"["converged","stagnated","breakdown: omega"]"#)
  }

  @Test("An unknown word is a decoding error, not a guess")
  func unknownWordIsRefused() {
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(LinearSolveStatus.self, from: Data(#""diverged""#.utf8))
    }
  }
}
