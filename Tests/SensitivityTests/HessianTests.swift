import Models
import ImplicitDifferentiation
import Foundation
import LinearAlgebra
import Sensitivity
import Testing

@Suite("Hessian operator and parameter derivative")
struct HessianTests {
  @Test("H·v is symmetric, equals the central difference of −F along v, and annihilates translations")
  func hessianProducts() throws {
    let model = SmallSystems.bidisperseSpecies(count: 16)
    let minimum = SmallSystems.minimum(of: model, seed: 3)
    try #require(minimum.converged)
    let product = model.kernels().hessian(minimum.positions, model.neighbourList(at: minimum.positions))
    let hessian = MatrixFreeOperator(dimension: model.degreesOfFreedom) { v, result in product(v, into: &result) }
    let dense = DenseMatrix(assembling: hessian)
    var asymmetry = 0.0
    var largest = 0.0
    for i in 0..<dense.rowCount {
      for j in 0..<dense.columnCount {
        asymmetry = max(asymmetry, abs(dense[i, j] - dense[j, i]))
        largest = max(largest, abs(dense[i, j]))
      }
    }
    #expect(asymmetry <= 1e-13 * largest)
    // −(F(x + εv) − F(x − εv)) / 2ε.
    let direction = (0..<minimum.positions.count).map { sin(Double($0) * 1.7) }
    let step = 1e-6
    let plus = model.forces(at: zip(minimum.positions, direction).map { $0 + step * $1 }).forces
    let minus = model.forces(at: zip(minimum.positions, direction).map { $0 - step * $1 }).forces
    let finiteDifference = zip(plus, minus).map { -($0 - $1) / (2 * step) }
    #expect(relativeDifference(hessian(direction), finiteDifference) < 1e-7)
    // Uniform translations are zero modes; the diagonal from the stiffness blocks matches the assembled one.
    let translation = (0..<minimum.positions.count).map { $0 % 2 == 0 ? 1.0 : 0.0 }
    #expect(hessian(translation).map(abs).max()! < 1e-12 * largest)
    #expect((0..<dense.rowCount).allSatisfy { abs(dense[$0, $0] - product.diagonal[$0]) <= 1e-13 * largest })
  }

  /// The trap the design notes warn about: with φ held the box moves with θ. B is the derivative
  /// of the physical force at fixed normalised coordinates, F(L(θ)·x; θ); a force written in
  /// fractional coordinates would be L times larger.
  @Test("B at fixed normalised coordinates equals central differences of the physical force")
  func parameterDerivative() throws {
    let reference = try PaperReference.load()
    let model = try PaperReference.paperModel()
    let positions = reference.physical(reference.xFire)
    let b = try model.parameterDerivative(at: positions, parameter: .speciesDiameter(0), holding: .packingFraction)
    let step = 1e-6
    var forces = [[Double]]()
    for sign in [1.0, -1.0] {
      let shifted = try model.setting(.speciesDiameter(0), to: 0.6 + sign * step, holding: .packingFraction)
      let scale = shifted.boxLength / model.boxLength
      forces.append(shifted.forces(at: positions.map { $0 * scale }).forces)
    }
    let finiteDifference = zip(forces[0], forces[1]).map { ($0 - $1) / (2 * step) }
    let difference = relativeDifference(b, finiteDifference)
    print("B vs FD of physical forces: \(difference)")
    #expect(difference < 1e-7)
    #expect(abs(b.reduce(0, +)) < 1e-10, "Newton's third law: B is orthogonal to translations")
  }
}
