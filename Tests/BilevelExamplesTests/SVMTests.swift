import BilevelExamples
import ImplicitDifferentiation
import Testing

@Suite struct SVMTests {
  static func search(_ solver: SVMInnerSolver, _ condition: SVMOptimalityCondition) -> SVMHyperparameterSearch {
    let data = ClassificationData(samples: 18, features: 16, informative: 4, classes: 3, seed: 3)
    let (train, validation) = data.split(at: 10)
    return SVMHyperparameterSearch(
      problem: MulticlassSVMDual(features: train.features, labels: train.oneHotLabels),
      validation: SVMValidationLoss(features: validation.features, labels: validation.oneHotLabels),
      solver: solver, condition: condition, innerIterations: 200_000, innerTolerance: 1e-15)
  }

  /// L(θ) with the inner problem solved tightly by accelerated projected gradient.
  static func tightLoss(_ search: SVMHyperparameterSearch, _ θ: Double) -> Double {
    let β = SVMInnerSolver.acceleratedProjectedGradient.solve(
      search.problem, θ, from: search.problem.uniformStart, iterations: 200_000, tolerance: 1e-15).solution
    return search.validationLoss(β, θ)
  }

  @Test(arguments: SVMOptimalityCondition.allCases)
  func implicitHypergradientMatchesFiniteDifferences(condition: SVMOptimalityCondition) throws {
    let search = Self.search(.acceleratedProjectedGradient, condition)
    let θ = 3.5, h = 1e-5
    let implicit = try search.hypergradient(θ, from: search.problem.uniformStart, mode: .implicit).gradient
    let difference = (Self.tightLoss(search, θ + h) - Self.tightLoss(search, θ - h)) / (2 * h)
    #expect(abs(implicit - difference) <= 1e-5 * abs(difference), "implicit \(implicit) vs FD \(difference)")
  }

  @Test(arguments: [SVMInnerSolver.blockCoordinateDescent, .mirrorDescent])
  func everySolverPairsWithEveryCondition(solver: SVMInnerSolver) throws {
    let reference = try Self.search(.acceleratedProjectedGradient, .projectedGradient)
      .hypergradient(3.5, from: Self.search(.acceleratedProjectedGradient, .projectedGradient).problem.uniformStart,
                     mode: .implicit).gradient
    for condition in SVMOptimalityCondition.allCases {
      var search = Self.search(solver, condition)
      // Mirror descent converges sublinearly: a loose tolerance of its own.
      if solver == .mirrorDescent { search.innerIterations = 20_000; search.innerTolerance = 0 }
      let value = try search.hypergradient(3.5, from: search.problem.uniformStart, mode: .implicit).gradient
      #expect(abs(value - reference) <= (solver == .mirrorDescent ? 1e-3 : 1e-6) * abs(reference),
              "\(solver) with \(condition): \(value) vs \(reference)")
    }
  }

  @Test(arguments: SVMInnerSolver.allCases)
  func unrolledHypergradientMatchesFiniteDifferencesOfTheUnrolledSolver(solver: SVMInnerSolver) throws {
    // Unrolling differentiates the t-step map exactly: compare with FD of that same map.
    var search = Self.search(solver, .projectedGradient)
    search.innerIterations = 50
    let start = search.problem.uniformStart
    let θ = 3.5, h = 1e-5
    func loss(_ θ: Double) -> Double {
      let β = solver.solve(search.problem, θ, from: start, iterations: 50).solution
      return search.validationLoss(β, θ)
    }
    let unrolled = try search.hypergradient(θ, from: start, mode: .unrolled).gradient
    let difference = (loss(θ + h) - loss(θ - h)) / (2 * h)
    #expect(abs(unrolled - difference) <= 1e-5 * abs(difference), "unrolled \(unrolled) vs FD \(difference)")
  }
}
