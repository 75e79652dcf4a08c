import RandomNumbers
import Testing
@testable import Trajectories

@Suite("Fields of a text line")
struct LineFieldTests {
  @Test("split by bytes, a line gives the fields and blankness that splitting its Characters gives", arguments: [
    "", " ", "\t\r", "H 0.5 1.25", "  Fe\t-1e-3   2.0  \r", "a\u{0B}b\u{0C}c", "x\u{1C}y",
    "Cu 1\u{00A0}2", "O\u{2003}3 4", "é 1 2", "\u{3000}", "n  \u{0085} m",
  ])
  func agreesWithCharacterSplit(line: String) {
    let text = line[...]
    #expect(text.whitespaceFields() == text.split(whereSeparator: \.isWhitespace))
    #expect(text.isBlank == text.allSatisfy(\.isWhitespace))
  }

  @Test("on random lines over every ASCII character the two splits agree")
  func randomASCII() {
    var generator = SplitMix64(seed: 17)
    for _ in 0..<2000 {
      let length = Int.random(in: 0...24, using: &generator)
      let scalars = (0..<length).map { _ in Unicode.Scalar(UInt8.random(in: 1...127, using: &generator)) }
      let text = String(String.UnicodeScalarView(scalars))[...]
      #expect(text.whitespaceFields() == text.split(whereSeparator: \.isWhitespace), "\(Array(text.utf8))")
      #expect(text.isBlank == text.allSatisfy(\.isWhitespace))
    }
  }
}
