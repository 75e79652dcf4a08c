import Foundation
import ImplicitDifferentiation
import Minimization
import Models
import Sensitivity
import Testing

/// The elastic response of a minimum against independent references: finite differences of the
/// energy (at fixed positions for the stress and the Born term, re-minimised for the full C), the
/// finite-difference non-affine field, a triangular crystal summed by hand, and the symmetries.
@Suite("Elasticity: stress, elastic constants and non-affine fields")
struct ElasticityTests {
  /// The model with the cell deformed additively by Σ γₐ eᵃ.
  static func strained(_ model: ParticleModel, _ strains: [(StrainComponent, Double)]) -> ParticleModel {
    var f = model.deformationGradient
    for (component, γ) in strains {
      let e = component.tensor(dimension: model.dimension)
      for a in f.indices { for b in f.indices { f[a][b] += γ * e[a][b] } }
    }
    var strained = model
    strained.deformation = f
    return strained
  }

  /// A packing whose every neighbour pair is at least 10⁻³σ from the cutoff (harmonic contacts have
  /// a kink in U'' there): the strains of the differences below (≤ 10⁻⁴) then cross no contact.
  static func packing() throws -> (model: ParticleModel, positions: [Double]) {
    let model = SmallSystems.bidisperse(count: 32, packingFraction: 1.0)
    let minimum = SmallSystems.minimum(of: model, seed: 6, tolerance: 1e-14)
    try #require(minimum.converged)
    let kernels = model.kernels()
    var closest = 1.0
    kernels.forEachInteractingPair(minimum.positions, kernels.neighbourList(minimum.positions, 0.5)) { pair in
      closest = min(closest, abs(1 - pair.distance / pair.diameter))
    }
    try #require(closest > 1e-3)
    return (model, minimum.positions)
  }

  @Test("σ = (1/V) ∂U/∂γ and the Born term = ∂²U/∂γₐ∂γ_b at fixed positions (central differences)")
  func stressAndBornTerm() throws {
    let (model, x) = try Self.packing()
    let response = try ElasticResponse.compute(model: model, positions: x)
    let strains = StrainComponent.components(dimension: 2)
    let h = 1e-5
    for (a, ea) in strains.enumerated() {
      let plus = Self.strained(model, [(ea, h)]).forces(at: x).energy
      let minus = Self.strained(model, [(ea, -h)]).forces(at: x).energy
      let e = ea.tensor(dimension: 2)
      var contraction = 0.0
      for i in 0..<2 { for j in 0..<2 { contraction += response.stress[i][j] * e[i][j] } }
      let slope = (plus - minus) / (2 * h)
      #expect(abs(contraction * response.volume - slope) <= 1e-7 * abs(slope), "σ:e\(a)")
      for (b, eb) in strains.enumerated() {
        func energy(_ γa: Double, _ γb: Double) -> Double {
          Self.strained(model, [(ea, γa), (eb, γb)]).forces(at: x).energy
        }
        let k = 1e-4
        let second = (energy(k, k) - energy(k, -k) - energy(-k, k) + energy(-k, -k)) / (4 * k * k)
        let born = response.born.responses[a][b] * response.volume
        #expect(abs(born - second) <= 1e-5 * max(1, abs(second)), "Born \(a)\(b): \(born) vs \(second)")
      }
    }
    #expect(response.pressure > 0)
    #expect(abs(response.pressure - model.pressure(at: x)) <= 1e-14 * response.pressure)
  }

  @Test("C = the second derivative of the re-minimised energy; the non-affine field = finite differences")
  func constantsAgainstReminimisedEnergy() throws {
    let (model, x) = try Self.packing()
    let response = try ElasticResponse.compute(model: model, positions: x)
    #expect(response.rattlers.isEmpty)
    #expect(response.relaxationAsymmetry < 1e-8)
    let strains = StrainComponent.components(dimension: 2)
    // The relaxed energy is strongly non-quadratic near jamming: the difference's error, ~k²·10⁵
    // relative, needs k ≈ 10⁻⁵ (its rounding, ~10⁻¹⁶U/k², stays ~10⁻⁷).
    let k = 1e-5
    let choice = MinimizerChoice(FIRE(forceTolerance: 1e-14, maximumSteps: 200_000), largestDiameter: model.largestDiameter)
    func relaxed(_ strains: [(StrainComponent, Double)]) throws -> Double {
      let outcome = try Self.strained(model, strains).minimize(from: x, using: choice)
      try #require(outcome.converged)
      return outcome.energy
    }
    for a in strains.indices {
      for b in a..<strains.count {
        let (ea, eb) = (strains[a], strains[b])
        let second = (try relaxed([(ea, k), (eb, k)]) - relaxed([(ea, k), (eb, -k)])
                      - relaxed([(ea, -k), (eb, k)]) + relaxed([(ea, -k), (eb, -k)])) / (4 * k * k)
        let exact = response.constants.responses[a][b] * response.volume
        #expect(abs(exact - second) <= 2e-5 * max(1, abs(second)), "C \(a)\(b): \(exact) vs \(second)")
        // Relaxation only lowers the energy: C ≤ C_Born on the diagonal.
        if a == b { #expect(exact <= response.born.responses[a][b] * response.volume) }
      }
    }
    // The shear field against central differences of the re-minimised positions.
    let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: x, parameter: .strain(.xy),
                                                     holding: .box, step: 1e-6)
    #expect(fd.finiteDifference!.networkUnchanged)
    let field = response.nonAffineFields[2]
    #expect(field.parameter == .strain(.xy))
    let largest = field.physical.map(abs).max()!
    let difference = zip(field.physical, fd.physical).map { abs($0 - $1) }.max()!
    #expect(difference <= 1e-5 * largest, "non-affine field vs FD: \(difference / largest)")
  }

  @Test("a triangular crystal of harmonic discs: no non-affine motion, C summed over its three bonds by hand")
  func triangularCrystal() throws {
    let (columns, rows, a) = (6, 6, 0.95)
    let height = a * 3.0.squareRoot() / 2
    var positions = [Double]()
    for j in 0..<rows {
      for i in 0..<columns { positions += [(Double(i) + 0.5 * Double(j % 2)) * a + 0.1, Double(j) * height + 0.1] }
    }
    let model = ParticleModel(dimension: 2, boxEdges: [Double(columns) * a, Double(rows) * height],
                              potential: .softSphere(epsilon: 1, alpha: 2),
                              diameters: .particles([Double](repeating: 1, count: columns * rows)), threads: 1)
    let response = try ElasticResponse.compute(model: model, positions: positions)
    // U = ½(1 − r)²: t = U'(a) = −(1 − a), k = U''(a) = 1; area per particle √3a²/2.
    let (t, k, area) = (-(1 - a), 1.0, a * a * 3.0.squareRoot() / 2)
    let expected = [
      (0, 0, 0, 0, (9.0 / 8 * k * a * a + 3.0 / 8 * t * a) / area),
      (1, 1, 1, 1, (9.0 / 8 * k * a * a + 3.0 / 8 * t * a) / area),
      (0, 0, 1, 1, (3.0 / 8 * k * a * a - 3.0 / 8 * t * a) / area),
      (0, 1, 0, 1, (3.0 / 8 * k * a * a + 3.0 / 8 * t * a) / area),
      (0, 0, 0, 1, 0.0), (1, 1, 0, 1, 0.0),
    ]
    for (i, j, l, m, value) in expected {
      #expect(abs(response.constants(i, j, l, m) - value) <= 1e-10, "C\(i)\(j)\(l)\(m)")
      #expect(abs(response.born(i, j, l, m) - value) <= 1e-10)
    }
    #expect(response.nonAffineFields.allSatisfy { $0.physical.map(abs).max()! < 1e-9 })
    // Isotropy of the triangular lattice: G = C_xyxy, B = (C_xxxx + C_xxyy)/2; pressure −tr σ/2 = −3t/(2a)·a²/area.
    #expect(abs(response.constants.shearModulus - response.constants(0, 1, 0, 1)) < 1e-10)
    #expect(abs(response.constants.bulkModulus - (response.constants(0, 0, 0, 0) + response.constants(0, 0, 1, 1)) / 2) < 1e-10)
    #expect(abs(response.pressure - (-3 * t * a / 2 / area)) < 1e-12)
    #expect(abs(response.contacts.backboneMeanContactNumber - 6) < 1e-12)
  }

  /// A triangular lattice of large discs A (spacing 1) with a small disc B at the centroid of every
  /// upward triangle: each B touches its three A at 120°, so no site is a centre of inversion and a
  /// strain moves the B sublattice against the A sublattice.
  ///
  /// By symmetry every A moves by u_A and every B by u_B. The three A–B contacts n_c (c = 1, 2, 3) of a
  /// B, each of stiffness k_c = α n_c n_cᵀ + β (I − n_c n_cᵀ) (α = U″(r), β = U′(r)/r), add up to
  /// κ I with κ = 3(α + β)/2; the affine force on a B is Ξ_B = r (α − β) Σ_c n_c (n_cᵀ e n_c) (Σ n_c = 0),
  /// and −Ξ_B on an A. The A–A bonds of the Bravais lattice exert no net affine force. Hence
  ///
  ///     u_B − u_A = Ξ_B / κ,   C_Born − C = N_B Ξ_B(e_a) · Ξ_B(e_b) / (κ V).
  @Test("a crystal with a two-disc basis: the sublattice shift u_B − u_A = Ξ_B/κ and C_Born − C in closed form")
  func twoDiscBasis() throws {
    let (columns, rows) = (4, 4)
    let height = 3.0.squareRoot() / 2
    var positions = [Double](), species = [Int]()
    for j in 0..<rows {
      let offset = 0.5 * Double(j % 2)
      for i in 0..<columns {
        positions += [Double(i) + offset, Double(j) * height]
        species.append(0)
        positions += [Double(i) + offset + 0.5, Double(j) * height + height / 3]
        species.append(1)
      }
    }
    let σ = 0.675  // A–B contact diameter: r/σ ≈ 0.855; A–A 1.05 (compressed), B–B 0.3 (apart)
    let model = ParticleModel(dimension: 2, boxEdges: [Double(columns), Double(rows) * height],
                              potential: .softSphere(epsilon: 1, alpha: 2),
                              diameters: .species(species: species, table: [[1.05, σ], [σ, 0.3]]), threads: 1)
    #expect(model.forces(at: positions).forces.map(abs).max()! < 1e-14)
    let response = try ElasticResponse.compute(model: model, positions: positions)
    #expect(response.rattlers.isEmpty)

    // U = ½(1 − r/σ)²: U′ = −(1 − r/σ)/σ, U″ = 1/σ².
    let r = 1 / 3.0.squareRoot()
    let (α, β) = (1 / (σ * σ), -(1 - r / σ) / σ / r)
    let κ = 1.5 * (α + β)
    let contacts = [90.0, 210.0, 330.0].map { [cos($0 * .pi / 180), sin($0 * .pi / 180)] }
    let strains = StrainComponent.components(dimension: 2)
    let forceOnB = strains.map { component -> [Double] in
      let e = component.tensor(dimension: 2)
      var ξ = [0.0, 0.0]
      for n in contacts {
        let stretch = (0..<2).reduce(0.0) { sum, a in sum + (0..<2).reduce(0.0) { $0 + n[a] * e[a][$1] * n[$1] } }
        for a in 0..<2 { ξ[a] += r * (α - β) * n[a] * stretch }
      }
      return ξ
    }
    for (index, field) in response.nonAffineFields.enumerated() {
      let u = field.physical
      let scale = forceOnB[index].map(abs).max()! / κ
      for a in 0..<2 {
        for particle in 0..<species.count {
          let sameKind = particle % 2  // A at even indices, B at odd
          #expect(abs(u[2 * particle + a] - u[2 * sameKind + a]) <= 1e-10 * max(scale, 1), "sublattice \(sameKind) not rigid")
        }
        let shift = u[2 + a] - u[a]
        #expect(abs(shift - forceOnB[index][a] / κ) <= 1e-10 * max(scale, 1e-3), "\(strains[index]): u_B − u_A")
      }
    }
    // The closed form of the three shifts: xy along −x by r(α − β)/(α + β); xx, yy along ∓y by half that.
    #expect(abs(forceOnB[2][0] / κ + r * (α - β) / (α + β)) < 1e-14 && abs(forceOnB[2][1]) < 1e-14)
    #expect(abs(forceOnB[0][1] / κ + r * (α - β) / (α + β) / 2) < 1e-14)

    let volume = Double(columns) * Double(rows) * height
    let count = Double(columns * rows)
    for a in 0..<3 {
      for b in 0..<3 {
        let relaxation = count * (forceOnB[a][0] * forceOnB[b][0] + forceOnB[a][1] * forceOnB[b][1]) / (κ * volume)
        let difference = response.born.responses[a][b] - response.constants.responses[a][b]
        #expect(abs(difference - relaxation) <= 1e-10 * max(1, abs(relaxation)), "relaxation \(a)\(b)")
      }
    }
    #expect(response.born.responses[2][2] - response.constants.responses[2][2] > 0.1)
  }

  @Test("a compressed simple cubic crystal: C_xxxx = k/a, C_xxyy = 0, C_xyxy = t/(2a²) < 0, no non-affine motion")
  func simpleCubicCrystal() throws {
    let (side, a) = (4, 0.95)
    var positions = [Double]()
    for i in 0..<side { for j in 0..<side { for k in 0..<side { positions += [Double(i) * a, Double(j) * a, Double(k) * a] } } }
    let model = ParticleModel(dimension: 3, boxEdges: [Double](repeating: Double(side) * a, count: 3),
                              potential: .softSphere(epsilon: 1, alpha: 2),
                              diameters: .particles([Double](repeating: 1, count: side * side * side)), threads: 1)
    // Compressed, the crystal is a saddle (its Hessian has negative eigenvalues along shears): MINRES,
    // not CG, solves the (rounding-level) H u = Ξ.
    let options = ImplicitOptions(solver: SolverChoice(.minres), validate: false)
    let response = try ElasticResponse.compute(model: model, positions: positions, options: options)
    let (t, k) = (-(1 - a), 1.0)
    for i in 0..<3 {
      #expect(abs(response.constants(i, i, i, i) - k / a) <= 1e-10)
      for j in 0..<3 where j != i {
        #expect(abs(response.constants(i, i, j, j)) <= 1e-10)
        #expect(abs(response.constants(i, j, i, j) - t / (2 * a * a)) <= 1e-10)
      }
    }
    #expect(response.nonAffineFields.allSatisfy { $0.physical.map(abs).max()! < 1e-9 })
    // The angle average: G = (Σ C_iiii − Σ_{i<j} C_iijj + 3 Σ_{i<j} C_ijij)/15, B = Σ C_iijj/9.
    #expect(abs(response.constants.shearModulus - (3 * k / a + 9 * t / (2 * a * a)) / 15) <= 1e-10)
    #expect(abs(response.constants.bulkModulus - k / a / 3) <= 1e-10)
  }

  @Test("C turns as a tensor when the whole packing is rotated (the cell deformed by a rotation R)")
  func rotationCovariance() throws {
    let (model, x) = try Self.packing()
    let response = try ElasticResponse.compute(model: model, positions: x)
    let angle = 0.3
    let r = [[cos(angle), -sin(angle)], [sin(angle), cos(angle)]]
    var rotated = model
    rotated.deformation = r
    // The same reference positions: every separation is R d, the energy and its minimum unchanged.
    #expect(abs(rotated.forces(at: x).energy - model.forces(at: x).energy) <= 1e-12 * model.forces(at: x).energy)
    let turned = try ElasticResponse.compute(model: rotated, positions: x)
    let scale = abs(response.constants(0, 0, 0, 0))
    for (i, j, k, l) in [(0, 0, 0, 0), (1, 1, 1, 1), (0, 0, 1, 1), (0, 1, 0, 1), (0, 0, 0, 1), (1, 1, 0, 1)] {
      var expected = 0.0
      for a in 0..<2 { for b in 0..<2 { for c in 0..<2 { for d in 0..<2 {
        expected += r[i][a] * r[j][b] * r[k][c] * r[l][d] * response.constants(a, b, c, d)
      } } } }
      #expect(abs(turned.constants(i, j, k, l) - expected) <= 1e-8 * scale, "C\(i)\(j)\(k)\(l)")
    }
    // B and the angle-averaged G are invariants; the pressure too.
    #expect(abs(turned.constants.bulkModulus - response.constants.bulkModulus) <= 1e-8 * scale)
    #expect(abs(turned.constants.shearModulus - response.constants.shearModulus) <= 1e-8 * scale)
    #expect(abs(turned.pressure - response.pressure) <= 1e-12 * response.pressure)
  }

  @Test("C does not depend on the particles' numbering, and turns with the packing (x ↔ y)")
  func symmetries() throws {
    let (model, x) = try Self.packing()
    let response = try ElasticResponse.compute(model: model, positions: x)
    let n = model.particleCount
    let order = Array((0..<n).reversed())
    var relabelled = model
    guard case .particles(let diameters) = model.diameters else { return }
    relabelled.diameters = .particles(order.map { diameters[$0] })
    let relabelledPositions = order.flatMap { [x[2 * $0], x[2 * $0 + 1]] }
    let again = try ElasticResponse.compute(model: relabelled, positions: relabelledPositions)
    var swapped = model
    swapped.boxEdges = [model.boxEdges[1], model.boxEdges[0]]
    let turned = try ElasticResponse.compute(model: swapped, positions: (0..<n).flatMap { [x[2 * $0 + 1], x[2 * $0]] })
    let scale = abs(response.constants(0, 0, 0, 0))
    for (i, j, k, l) in [(0, 0, 0, 0), (1, 1, 1, 1), (0, 0, 1, 1), (0, 1, 0, 1), (0, 0, 0, 1), (1, 1, 0, 1)] {
      #expect(abs(again.constants(i, j, k, l) - response.constants(i, j, k, l)) <= 1e-8 * scale)
      #expect(abs(turned.constants(1 - i, 1 - j, 1 - k, 1 - l) - response.constants(i, j, k, l)) <= 1e-8 * scale)
    }
  }
}
