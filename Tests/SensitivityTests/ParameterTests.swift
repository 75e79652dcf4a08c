import Models
import ImplicitDifferentiation
import Foundation
import Minimization
import Sensitivity
import Testing

@Suite("Parameters and held quantities")
struct ParameterTests {
  /// E(x; ε) = ε·e(x) for every pair potential here, so x*(ε) does not depend on ε: dx*/dε = 0
  /// exactly (B = ∂F/∂ε = F/ε vanishes at a minimum).
  @Test("ε-sensitivity of a harmonic packing at fixed box is zero")
  func epsilonScaling() throws {
    let model = SmallSystems.bidisperseSpecies()
    let minimum = SmallSystems.minimum(of: model, seed: 3)
    try #require(minimum.converged)
    let result = try ImplicitSensitivity.compute(model: model, positions: minimum.positions, parameter: .epsilon,
                                                 holding: .box)
    let largest = result.physical.map(abs).max()!
    #expect(largest < 1e-9, "max |dR/dε| = \(largest)")
    // The same minimum at ε = 2 (started from x*) has not moved.
    let doubled = try model.setting(.epsilon, to: 2, holding: .box)
    let moved = try! doubled.minimize(from: minimum.positions, using: MinimizerChoice(FIRE(forceTolerance: 1e-13, maximumSteps: 10_000), largestDiameter: doubled.largestDiameter))
    #expect(zip(moved.positions, minimum.positions).map { abs($0 - $1) }.max()! < 1e-10)
  }

  /// x*(θ, L): holding φ moves L with θ, so dR/dθ|_φ = dR/dθ|_L + (dL/dθ)·dR/dL|_θ, and in either
  /// case dR/dθ = (dL/dθ)·x + L·dx/dθ.
  @Test("box-held and φ-held sensitivities are related through dL/dθ and the box-length sensitivity")
  func heldQuantities() throws {
    let reference = try PaperReference.load()
    let model = try PaperReference.paperModel()
    let positions = reference.physical(reference.xFire)
    let options = ImplicitOptions(solver: SolverChoice(tolerance: 1e-12), validate: false)
    let φHeld = try ImplicitSensitivity.compute(model: model, positions: positions, parameter: .speciesDiameter(0),
                                                holding: .packingFraction, options: options)
    let boxHeld = try ImplicitSensitivity.compute(model: model, positions: positions, parameter: .speciesDiameter(0),
                                                  holding: .box, options: options)
    let boxLength = try ImplicitSensitivity.compute(model: model, positions: positions, parameter: .boxLength,
                                                    holding: .box, options: options)
    let dL = φHeld.boxLengthDerivative
    #expect(abs(dL - reference.dLdTheta) < 1e-12)
    #expect(boxHeld.boxLengthDerivative == 0)
    #expect(boxLength.boxLengthDerivative == 1)
    let combined = zip(boxHeld.physical, boxLength.physical).map { $0 + dL * $1 }
    let difference = relativeDifference(φHeld.physical, combined)
    print("φ-held vs box-held + dL/dθ·(box-length sensitivity): \(difference)")
    #expect(difference < 1e-9)
    let L = model.boxLength
    for result in [φHeld, boxHeld, boxLength] {
      let rebuilt = positions.indices.map { result.boxLengthDerivative * positions[$0] / L + L * result.normalised[$0] }
      #expect(relativeDifference(result.physical, rebuilt) < 1e-14)
    }
  }

  @Test("the model's box and packing fraction follow θ as the paper's formula says")
  func boxFollowsDiameter() throws {
    let model = try PaperReference.paperModel()
    let θ = 0.61
    let shifted = try model.setting(.speciesDiameter(0), to: θ, holding: .packingFraction)
    let expected = (64 * Double.pi * (θ * θ + 1) / 4 / 0.98).squareRoot()
    #expect(abs(shifted.boxLength - expected) < 1e-12)
    #expect(abs(shifted.packingFraction - 0.98) < 1e-14)
    guard case .species(_, let table) = shifted.diameters else { Issue.record("species expected"); return }
    #expect(abs(table[0][0] - θ) < 1e-15 && abs(table[0][1] - (1 + θ) / 2) < 1e-15 && table[1][1] == 1)
  }

  /// A force-shifted Morse cluster with a particle held by two bonds. Bonds act both ways, so two
  /// hold it in 2D and it is no rattler (with the repulsive d + 1 rule it was excluded, and the
  /// result was 0.5 off). The fixture is the first seed where such a particle sits in a strict
  /// minimum (some clusters keep a floppy chain: the reduced Hessian singular, the response not
  /// unique) and no pair crosses the cutoff within ±h (where the force-shifted U'' jumps): finite
  /// differences are the reference only there.
  @Test("Morse: the α-sensitivity agrees with finite differences")
  func morseAlpha() throws {
    var model = SmallSystems.bidisperseSpecies(count: 16, packingFraction: 0.6)
    model.potential = .morse(epsilon: 1, alpha: 5, cutoff: 1.5)
    let (_, minimum) = try #require(SmallSystems.firstMinimum(of: model) { candidate in
      guard model.contactNetwork(at: candidate.positions).contactNumbers.min() == 2,
            let curvature = (try? ImplicitSensitivity.compute(model: model, positions: candidate.positions,
                                                              parameter: .alpha, holding: .box))?
              .validity?.root.smallestEigenvalue, curvature > 0.1 else { return false }
      return (try? FiniteDifferenceSensitivity.compute(model: model, positions: candidate.positions, parameter: .alpha,
                                                       holding: .box, step: 1e-5))?.finiteDifference?.networkUnchanged
        ?? false
    }, "no seed of 1–40 gives a particle held by two bonds in a strict minimum")
    let implicit = try ImplicitSensitivity.compute(model: model, positions: minimum.positions, parameter: .alpha,
                                                   holding: .box)
    #expect(implicit.rattlers.isEmpty)
    #expect(implicit.validity!.root.singular == false)
    let fd = try FiniteDifferenceSensitivity.compute(model: model, positions: minimum.positions, parameter: .alpha,
                                                     holding: .box, step: 1e-5)
    #expect(fd.finiteDifference!.networkUnchanged)
    let difference = relativeDifference(implicit.physical, fd.physical)
    print("Morse α: implicit vs FD \(difference), rattlers \(implicit.rattlers), λmin \(implicit.validity?.root.smallestEigenvalue ?? .nan)")
    #expect(difference < 1e-5)
  }
}
