import Sensitivity
import Analysis
import Models
import Testing

@Suite("Contacts, rattlers and pressure")
struct ContactStatisticsTests {
  @Test("the contact numbers of a packing are those of a brute-force count over all pairs")
  func bruteForceContacts() {
    let model = Packings.bidisperse()
    let positions = Packings.minimum(of: model)
    let statistics = model.contactStatistics(at: positions)
    var counts = [Int](repeating: 0, count: model.particleCount)
    var total = 0
    for i in 0..<model.particleCount {
      for j in (i + 1)..<model.particleCount
      where Packings.distance(model, positions, i, j) < Packings.diameter(model, i, j) {
        counts[i] += 1
        counts[j] += 1
        total += 1
      }
    }
    #expect(statistics.contactCount == total)
    #expect(statistics.contactNumbers == counts)
    #expect(statistics.meanContactNumber == 2 * Double(total) / Double(model.particleCount))
    // Every particle left in the backbone is held by at least d + 1 backbone contacts; the rattlers not.
    let rattlers = Set(statistics.rattlers)
    for i in 0..<model.particleCount where !rattlers.contains(i) {
      let held = statistics.network.pairs.filter { ($0.first == i && !rattlers.contains($0.second)) || ($0.second == i && !rattlers.contains($0.first)) }.count
      #expect(held >= 3)
    }
    // Above jamming the backbone is hyperstatic: Z′ > Z_iso(N′).
    #expect(statistics.excessContactNumber > 0)
  }

  @Test("Z_iso(N′) = 2(d(N′ − 1) + 1)/N′, approaching 2d")
  func isostaticCount() {
    let model = Packings.bidisperse()
    let statistics = model.contactStatistics(at: Packings.minimum(of: model))
    let n = Double(statistics.backboneParticleCount)
    #expect(abs(statistics.finiteSizeIsostaticContactNumber - 2 * (2 * (n - 1) + 1) / n) < 1e-12)
    #expect(statistics.isostaticContactNumber == 4)
    let all = Double(statistics.particleCount)
    #expect(abs(statistics.excessContactNumberIncludingRattlers
                - (2 * Double(statistics.contactCount) / all - 2 * (2 * (all - 1) + 1) / all)) < 1e-12)
  }

  @Test("a triangular lattice has six contacts per particle, no rattlers and ΔZ = 2 + 2/N")
  func triangularLattice() {
    let (model, positions) = Packings.triangular()
    let statistics = model.contactStatistics(at: positions)
    #expect(statistics.contactNumbers.allSatisfy { $0 == 6 })
    #expect(statistics.rattlers.isEmpty)
    #expect(statistics.meanContactNumber == 6)
    #expect(abs(statistics.excessContactNumber - (6 - 4 + 2.0 / 36)) < 1e-12)
  }

  @Test("the virial pressure is −dE/dV under affine compression (central differences)")
  func pressureIsVolumeDerivative() {
    let model = Packings.bidisperse()
    let positions = Packings.minimum(of: model)
    func energy(scale: Double) -> Double {
      var scaled = model
      scaled.boxEdges = model.boxEdges.map { $0 * scale }
      return scaled.forces(at: positions.map { $0 * scale }).energy
    }
    let h = 1e-5
    let dEds = (energy(scale: 1 + h) - energy(scale: 1 - h)) / (2 * h)
    let reference = -dEds / (Double(model.dimension) * model.boxVolume)
    let p = model.pressure(at: positions)
    #expect(p > 0)
    #expect(abs(p - reference) <= 1e-6 * abs(reference))
  }

  @Test("the triangular lattice's pressure in closed form: p = −3N a U′(a) / (2V)")
  func triangularPressure() {
    let (model, positions) = Packings.triangular()
    let slope = model.kernels().pairDerivatives(1, 1.1).slope
    let expected = -3 * 36 * 1 * slope / (2 * model.boxVolume)
    #expect(abs(model.pressure(at: positions) - expected) <= 1e-12 * expected)
  }
}
