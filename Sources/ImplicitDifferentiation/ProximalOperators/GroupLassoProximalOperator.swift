import DualNumbers

/// The proximal operator of the group-lasso penalty g(x) = λ Σ_g w_g ‖x_g‖₂: block soft
/// thresholding (jaxopt's `prox_group_lasso`, applied per group).
///
///     prox_{ηg}(y)_g = max(1 − ηλw_g / ‖y_g‖, 0) · y_g
///
/// for each group g (disjoint index sets stored in the struct); components in no group are not
/// penalised and come back unchanged. A group is zeroed as a whole when ‖y_g‖ ≤ ηλw_g. The weights
/// w_g default to 1 (jaxopt's convention; √|g| is the other common choice, pass it explicitly).
/// θ = [λ], or [] for the stored strength.
public struct GroupLassoProximalOperator: ProximalOperator {
  /// The groups, as disjoint lists of component indices.
  public let groups: [[Int]]
  /// One weight w_g per group.
  public let weights: [Double]
  /// λ used when θ is empty; `nil` requires θ.
  public let strength: Double?

  /// Groups given as index lists.
  @inlinable
  public init(groups: [[Int]], weights: [Double]? = nil, strength: Double? = nil) {
    let weights = weights ?? [Double](repeating: 1, count: groups.count)
    precondition(weights.count == groups.count, "\(weights.count) weights for \(groups.count) groups")
    precondition(weights.allSatisfy { $0 >= 0 }, "group weights must be non-negative")
    precondition(strength.map { $0 >= 0 } ?? true, "the group-lasso strength must be non-negative")
    var seen = Set<Int>()
    for group in groups {
      for index in group {
        precondition(index >= 0, "negative component index \(index) in a group")
        precondition(seen.insert(index).inserted, "component \(index) is in two groups")
      }
    }
    self.groups = groups
    self.weights = weights
    self.strength = strength
  }

  /// Consecutive groups of the given sizes, covering components 0..<Σ sizes.
  @inlinable
  public init(groupSizes: [Int], weights: [Double]? = nil, strength: Double? = nil) {
    var groups: [[Int]] = []
    var start = 0
    for size in groupSizes {
      precondition(size > 0, "group sizes must be positive")
      groups.append(Array(start..<(start + size)))
      start += size
    }
    self.init(groups: groups, weights: weights, strength: strength)
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S], scaling η: S) -> [S] {
    let λ: S = ProjectionKernels.scalarParameter(parameters, stored: strength, name: "λ")
    let scaledStrength = η * λ
    precondition(scaledStrength.primalValue >= 0, "η·λ must be non-negative")
    var result = y
    for (group, weight) in zip(groups, weights) {
      var squaredNorm = S(0)
      for index in group {
        precondition(index < y.count, "group index \(index) out of range for \(y.count) components")
        squaredNorm += y[index] * y[index]
      }
      let threshold = S.scaled(scaledStrength, by: weight)
      // Compare squares so that the square root (whose derivative is infinite at 0) is taken only
      // for a group that survives, hence has a nonzero norm.
      if squaredNorm.primalValue <= threshold.primalValue * threshold.primalValue {
        for index in group { result[index] = S(0) }
      } else {
        let factor = 1 - threshold / S.sqrt(squaredNorm)
        for index in group { result[index] = y[index] * factor }
      }
    }
    return result
  }
}
