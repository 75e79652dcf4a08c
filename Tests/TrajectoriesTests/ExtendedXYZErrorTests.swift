import Testing
@testable import Trajectories

/// Malformed files are rejected with the line a user has to fix.
@Suite("Extended XYZ reader errors name the offending line")
struct ExtendedXYZErrorTests {
  static let comment = #"Lattice="2 0 0 0 2 0 0 0 2" Properties=species:S:1:pos:R:3 pbc="T T T""#

  func error(reading text: String, dimension: Int = 3) -> TrajectoryError? {
    do {
      _ = try ExtendedXYZReader.parse(text, path: "bad.xyz", dimension: dimension)
      return nil
    } catch let error as TrajectoryError {
      return error
    } catch {
      Issue.record("unexpected error \(error)")
      return nil
    }
  }

  @Test("A particle count larger than the particle lines is reported after the last one")
  func tooFewParticles() throws {
    let error = try #require(self.error(reading: "3\n\(Self.comment)\nA 0 0 0\nA 1 1 1\n"))
    #expect(error.line == 5)
    #expect(error.reason.contains("3"))
  }

  @Test("A count line that is not a number is reported")
  func badCount() throws {
    let text = "1\n\(Self.comment)\nA 0 0 0\nB 1 1 1\n"
    let error = try #require(self.error(reading: text))
    #expect(error.line == 4)
    #expect(error.kind == .malformedText)
  }

  @Test("A number that does not parse is reported with its line and column")
  func badNumber() throws {
    let error = try #require(self.error(reading: "2\n\(Self.comment)\nA 0 0 0\nA 1 1x 1\n"))
    #expect(error.line == 4)
    #expect(error.reason.contains("1x"))
    #expect(error.description.hasPrefix("bad.xyz:4:"))
  }

  @Test("NaN and infinity are rejected", arguments: ["nan", "NaN", "inf", "-infinity"])
  func nonFinite(token: String) throws {
    let error = try #require(self.error(reading: "1\n\(Self.comment)\nA 0 \(token) 0\n"))
    #expect(error.line == 3)
    #expect(error.kind == .invalidData)
  }

  @Test("A comment line without Properties is rejected")
  func missingProperties() throws {
    let error = try #require(self.error(reading: "1\nLattice=\"2 0 0 0 2 0 0 0 2\"\nA 0 0 0\n"))
    #expect(error.line == 2)
    #expect(error.kind == .missingObject)
  }

  @Test("A line with the wrong number of columns is rejected")
  func wrongColumnCount() throws {
    let error = try #require(self.error(reading: "1\n\(Self.comment)\nA 0 0\n"))
    #expect(error.line == 3)
  }

  @Test("An unterminated quote in the comment line is rejected")
  func unterminatedQuote() throws {
    let error = try #require(self.error(reading: "1\nLattice=\"2 0 0 Properties=species:S:1:pos:R:3\nA 0 0 0\n"))
    #expect(error.line == 2)
  }

  @Test("A second frame with a different particle count is rejected at its count line")
  func changingParticleCount() throws {
    let text = "1\n\(Self.comment)\nA 0 0 0\n2\n\(Self.comment)\nA 0 0 0\nA 1 1 1\n"
    let error = try #require(self.error(reading: text))
    #expect(error.line == 4)
    #expect(error.kind == .inconsistentShape)
  }

  @Test("Read as 2D, a particle off the z = 0 plane is rejected")
  func twoDimensionalOffPlane() throws {
    let error = try #require(self.error(reading: "1\n\(Self.comment)\nA 0 0 0.5\n", dimension: 2))
    #expect(error.line == 3)
  }
}
