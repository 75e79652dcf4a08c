import BilevelExamples
import Foundation
import ImplicitDifferentiation
import Testing

@Suite struct SVMTests {
  static let tight = 1e-13

  static func search(_ solver: SVMInnerSolver, _ condition: SVMOptimalityCondition) -> SVMHyperparameterSearch {
    let data = ClassificationData(samples: 18, features: 16, informative: 4, classes: 3, seed: 3)
    let (train, validation) = data.split(at: 10)
    return SVMHyperparameterSearch(
      problem: MulticlassSVMDual(features: train.features, labels: train.oneHotLabels),
      validation: SVMValidationLoss(features: validation.features, labels: validation.oneHotLabels),
      solver: solver, condition: condition, maximumInnerIterations: 200_000, innerTolerance: tight)
  }

  /// β*(θ) solved tightly by accelerated projected gradient.
  static func tightSolution(_ search: SVMHyperparameterSearch, _ θ: Double) -> Matrix {
    let result = SVMInnerSolver.acceleratedProjectedGradient.solve(
      search.problem, θ, from: search.problem.uniformStart, maximumIterations: 200_000, tolerance: tight)
    precondition(result.converged, "the reference solve must converge")
    return result.solution
  }

  /// L(θ) with the inner problem solved tightly.
  static func tightLoss(_ search: SVMHyperparameterSearch, _ θ: Double) -> Double {
    search.validationLoss(tightSolution(search, θ), θ)
  }

  static func centralDifference(_ search: SVMHyperparameterSearch, _ θ: Double, h: Double = 1e-5) -> Double {
    (tightLoss(search, θ + h) - tightLoss(search, θ - h)) / (2 * h)
  }

  @Test(arguments: SVMOptimalityCondition.allCases)
  func implicitHypergradientMatchesFiniteDifferences(condition: SVMOptimalityCondition) throws {
    let search = Self.search(.acceleratedProjectedGradient, condition)
    let θ = 3.5
    let implicit = try search.hypergradient(θ, from: search.problem.uniformStart, mode: .implicit)
    #expect(implicit.inner.converged)
    let difference = Self.centralDifference(search, θ)
    #expect(abs(implicit.gradient - difference) <= 1e-5 * abs(difference),
            "implicit \(implicit.gradient) vs FD \(difference)")
  }

  /// The mirror-descent fixed point is differentiated at solutions with exact zeros (from projected
  /// gradient or coordinate descent), where a form through log β would be undefined.
  @Test(arguments: [SVMInnerSolver.acceleratedProjectedGradient, .blockCoordinateDescent])
  func mirrorDescentFixedPointAtExactZerosMatchesFiniteDifferences(solver: SVMInnerSolver) throws {
    let search = Self.search(solver, .mirrorDescent)
    let θ = 3.5
    let β = solver.solve(search.problem, θ, from: search.problem.uniformStart, maximumIterations: 200_000,
                         tolerance: Self.tight).solution
    #expect(β.elements.contains(0), "the instance must exercise exact zeros")
    let implicit = try search.implicitHypergradient(at: β, θ).gradient
    let difference = Self.centralDifference(search, θ)
    #expect(abs(implicit - difference) <= 1e-5 * abs(difference), "\(solver): \(implicit) vs FD \(difference)")
  }

  @Test(arguments: [SVMInnerSolver.blockCoordinateDescent, .mirrorDescent])
  func everySolverPairsWithEveryCondition(solver: SVMInnerSolver) throws {
    let referenceSearch = Self.search(.acceleratedProjectedGradient, .projectedGradient)
    let reference = try referenceSearch.hypergradient(3.5, from: referenceSearch.problem.uniformStart,
                                                      mode: .implicit).gradient
    for condition in SVMOptimalityCondition.allCases {
      // Accelerated mirror descent reaches the others' 1e-13 (plain mirror descent stopped at 1e-11
      // here: its vanishing entries decay at a rate exp(−η·gap) close to 1).
      let search = Self.search(solver, condition)
      let result = try search.hypergradient(3.5, from: search.problem.uniformStart, mode: .implicit)
      #expect(result.inner.converged, "\(solver) stopped at residual \(result.inner.residual)")
      #expect(abs(result.gradient - reference) <= 1e-6 * abs(reference),
              "\(solver) with \(condition): \(result.gradient) vs \(reference)")
    }
  }

  /// Plain mirror descent with η = 1/L is a descent method, f being L-smooth relative to the entropy:
  /// each step satisfies f(β⁺) ≤ f(β) − L·KL(β‖β⁺) (three-point inequality of the mirror step), so
  /// its iterates cannot blow up; they stay on the simplices and the residual falls.
  @Test func plainMirrorDescentDecreasesTheObjectiveSufficiently() {
    let data = ClassificationData(samples: 80, features: 200, informative: 20, classes: 5, seed: 1)
    let problem = MulticlassSVMDual(features: data.features, labels: data.oneHotLabels)
    let θ = 1.0, lipschitz = 1 / problem.stepSize(θ)
    func iterate(_ count: Int) -> SVMInnerSolution {
      SVMInnerSolver.plainMirrorDescent.solve(problem, θ, from: problem.uniformStart, maximumIterations: count,
                                              tolerance: 0)
    }
    var β = iterate(0).solution
    for count in 1...40 {
      let next = iterate(count).solution
      var divergence = 0.0
      for index in β.elements.indices where β.elements[index] > 0 {
        divergence += β.elements[index] * Foundation.log(β.elements[index] / next.elements[index])
      }
      let before = problem.value(β, θ), after = problem.value(next, θ)
      #expect(after <= before - lipschitz * divergence + 1e-12 * abs(before),
              "step \(count): f \(before) → \(after), L·KL = \(lipschitz * divergence)")
      for i in 0..<next.rowCount {
        let row = next.row(i)
        #expect(row.allSatisfy { $0 >= 0 && $0.isFinite } && abs(row.reduce(0, +) - 1) <= 1e-12)
      }
      β = next
    }
    #expect(iterate(2_000).residual < iterate(40).residual / 10)
  }

  /// The adaptive step of accelerated mirror descent, from step sizes at the cap 2⁴¹/L, keeps the
  /// descent inequality it is built on, f(β⁺) ≤ f(y) + ⟨∇f(y), β⁺ − y⟩ + Σᵢⱼ L·Dᵢⱼ/sᵢⱼ, and, the
  /// step being the exact mirror step of the weighted entropy, its three-point consequence
  /// f(β⁺) ≤ f(y) − Σᵢⱼ L·D(yᵢⱼ‖βᵢⱼ⁺)/sᵢⱼ; the halving must leave large steps for the small entries
  /// (else the step would be plain mirror descent's).
  @Test func adaptiveMirrorStepKeepsTheDescentInequality() {
    let data = ClassificationData(samples: 80, features: 200, informative: 20, classes: 5, seed: 1)
    let problem = MulticlassSVMDual(features: data.features, labels: data.oneHotLabels)
    let θ = 1.0, lipschitz = 1 / problem.stepSize(θ)
    func divergence(_ a: Double, _ b: Double) -> Double { a > 0 ? a * Foundation.log(a / b) - a + b : b }
    var y = SVMInnerSolver.plainMirrorDescent.solve(problem, θ, from: problem.uniformStart,
                                                    maximumIterations: 30, tolerance: 0).solution
    var largeSteps = 0
    for step in 0..<20 {
      var multipliers = Matrix(rowCount: y.rowCount, columnCount: y.columnCount,
                               elements: [Double](repeating: SVMInnerSolver.mirrorStepMultiplierCap,
                                                  count: y.elements.count))
      let next = SVMInnerSolver.adaptiveMirrorStep(problem, θ, from: y, multipliers: &multipliers)
      let gradient = problem.gradient(y, θ)
      var linear = 0.0, forward = 0.0, backward = 0.0
      for index in y.elements.indices {
        let s = multipliers.elements[index]
        #expect(s >= 1 && s <= SVMInnerSolver.mirrorStepMultiplierCap)
        if s > 1e3 { largeSteps += 1 }
        linear += gradient.elements[index] * (next.elements[index] - y.elements[index])
        forward += lipschitz / s * divergence(next.elements[index], y.elements[index])
        // An entry that underflowed to 0 has a finite but unrepresentable D(y‖β⁺) > 0: leaving
        // it out only weakens the bound.
        if next.elements[index] > 0 {
          backward += lipschitz / s * divergence(y.elements[index], next.elements[index])
        }
      }
      let before = problem.value(y, θ), after = problem.value(next, θ)
      #expect(after <= before + linear + forward + 1e-12 * abs(before), "step \(step): descent inequality")
      #expect(after <= before - backward + 1e-12 * abs(before), "step \(step): f \(before) → \(after)")
      for i in 0..<next.rowCount {
        let row = next.row(i)
        #expect(row.allSatisfy { $0 >= 0 && $0.isFinite } && abs(row.reduce(0, +) - 1) <= 1e-12)
      }
      // Keep the next start interior, as the solver does.
      for index in next.elements.indices { y.elements[index] = next.elements[index] + 1e-30 }
    }
    #expect(largeSteps > 0, "no entry kept a step above 1,000/L")
  }

  /// At a size where plain mirror descent cannot reach r = 1e-12 in 5,000 iterations, accelerated
  /// mirror descent does, and lands within the residual's distance bound of projected gradient's β*.
  @Test func acceleratedMirrorDescentReachesTheTightTolerance() {
    let data = ClassificationData(samples: 200, features: 400, informative: 40, classes: 5, seed: 2)
    let problem = MulticlassSVMDual(features: data.features, labels: data.oneHotLabels)
    let θ = 3.0
    let plain = SVMInnerSolver.plainMirrorDescent.solve(problem, θ, from: problem.uniformStart,
                                                        maximumIterations: 5_000, tolerance: 1e-12)
    let accelerated = SVMInnerSolver.mirrorDescent.solve(problem, θ, from: problem.uniformStart,
                                                         maximumIterations: 5_000, tolerance: 1e-12)
    #expect(!plain.converged, "plain mirror descent reached \(plain.residual)")
    #expect(accelerated.converged, "accelerated mirror descent stopped at \(accelerated.residual)")
    let exact = SVMInnerSolver.acceleratedProjectedGradient.solve(
      problem, θ, from: problem.uniformStart, maximumIterations: 200_000, tolerance: Self.tight).solution
    var distance = 0.0, norm = 0.0
    for index in exact.elements.indices {
      let change = accelerated.solution.elements[index] - exact.elements[index]
      distance += change * change
      norm += accelerated.solution.elements[index] * accelerated.solution.elements[index]
    }
    let bound = accelerated.residual * norm.squareRoot() / (problem.stepSize(θ) * problem.dualRidge)
    #expect(distance.squareRoot() <= bound, "‖β − β*‖ = \(distance.squareRoot()) > \(bound)")
  }

  /// Each solver stops once r(β) ≤ tolerance, reports the residual of what it returns, and is then
  /// within (L/μ)·r(β)·‖β‖ of β* (T is a (1 − μ/L)-contraction); a capped run reports no convergence.
  @Test(arguments: SVMInnerSolver.allCases)
  func solversStopOnTheProjectedGradientResidual(solver: SVMInnerSolver) {
    let search = Self.search(solver, .projectedGradient)
    let problem = search.problem, θ = 2.0
    let exact = Self.tightSolution(search, θ)
    let loose = solver.solve(problem, θ, from: problem.uniformStart, maximumIterations: 200_000, tolerance: 1e-6)
    let strict = solver.solve(problem, θ, from: problem.uniformStart, maximumIterations: 200_000, tolerance: 1e-9)
    for result in [loose, strict] {
      #expect(result.converged)
      let recomputed = problem.projectedGradientResidual(
        result.solution, gradient: problem.gradient(result.solution, θ), θ)
      #expect(abs(recomputed - result.residual) <= 1e-6 * result.residual + 1e-15)
      var distance = 0.0, norm = 0.0
      for index in exact.elements.indices {
        distance += (result.solution.elements[index] - exact.elements[index]) * (result.solution.elements[index] - exact.elements[index])
        norm += result.solution.elements[index] * result.solution.elements[index]
      }
      let bound = result.residual * norm.squareRoot() / (problem.stepSize(θ) * problem.dualRidge)
      #expect(distance.squareRoot() <= bound, "\(solver): ‖β − β*‖ = \(distance.squareRoot()) > \(bound)")
    }
    #expect(loose.residual <= 1e-6 && strict.residual <= 1e-9)
    #expect(loose.iterations < strict.iterations)
    let capped = solver.solve(problem, θ, from: problem.uniformStart, maximumIterations: 2, tolerance: 1e-9)
    #expect(!capped.converged && capped.iterations == 2 && capped.residual > 1e-9)
  }

  /// diag(A) of the Jacobi preconditioner equals eᵢᵀ A eᵢ from the fixed point's own products.
  @Test(arguments: SVMOptimalityCondition.allCases)
  func jacobiPreconditionerIsTheDiagonalOfA(condition: SVMOptimalityCondition) throws {
    let search = Self.search(.blockCoordinateDescent, condition)
    let problem = search.problem, θ = 2.5
    let β = SVMInnerSolver.plainMirrorDescent.solve(problem, θ, from: problem.uniformStart,
                                                    maximumIterations: 300, tolerance: 0).solution
    let linearization = svmFixedPointLinearization(problem, condition: condition, at: β, θ)
    let preconditioner = try svmFixedPointJacobiPreconditioner(problem, condition: condition, at: β, θ)
    let dimension = linearization.stateDimension
    for index in 0..<dimension {
      var unit = [Double](repeating: 0, count: dimension)
      unit[index] = 1
      let entry = linearization.applyA(unit)[index]
      #expect(abs(1 / preconditioner.inverseDiagonal[index] - entry) <= 1e-12 * max(1, abs(entry)),
              "diagonal entry \(index)")
    }
  }

  @Test(arguments: SVMInnerSolver.allCases)
  func unrolledHypergradientMatchesFiniteDifferencesOfTheUnrolledSolver(solver: SVMInnerSolver) throws {
    // Unrolling differentiates the t-step map exactly (from a warm start held constant, as in the
    // outer loop): compare with FD of that same map.
    var search = Self.search(solver, .projectedGradient)
    search.maximumInnerIterations = 50
    search.innerTolerance = 0
    let start = Self.tightSolution(search, 3.0)
    let θ = 3.5, h = 1e-5
    func loss(_ θ: Double) -> Double {
      let β = solver.solve(search.problem, θ, from: start, maximumIterations: 50, tolerance: 0).solution
      return search.validationLoss(β, θ)
    }
    let unrolled = try search.hypergradient(θ, from: start, mode: .unrolled).gradient
    let difference = (loss(θ + h) - loss(θ - h)) / (2 * h)
    #expect(abs(unrolled - difference) <= 1e-5 * abs(difference), "unrolled \(unrolled) vs FD \(difference)")
  }
}
