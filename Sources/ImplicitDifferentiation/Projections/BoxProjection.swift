import DualNumbers

/// Euclidean projection onto the box C = {x : lower ≤ x ≤ upper}.
///
/// P(y)ᵢ = min(max(yᵢ, lowerᵢ), upperᵢ). The bounds come either from θ, so that the projection is
/// differentiable with respect to them, or from the struct (fixed bounds, infinite ones allowed
/// for one-sided constraints):
/// - θ = [] uses the bounds stored by `init(lower:upper:)` (scalars for every component, or one
///   pair per component); a box made with ``init()`` requires θ.
/// - θ = [l, u] applies the same bounds to every component.
/// - θ = [l₁, …, l_d, u₁, …, u_d] gives per-component bounds (jaxopt's `hyperparams = (lower, upper)`).
///
/// ∂P/∂yᵢ = 1 strictly inside the bounds, 0 where a bound is active; ∂P/∂lᵢ, ∂P/∂uᵢ are 1 on the
/// components clamped to that bound. A component exactly on a bound takes the interior branch.
public struct BoxProjection: Projection {
  /// Stored lower bounds: one value (for every component) or one per component; `nil` when the
  /// bounds are expected in θ.
  public let lower: [Double]?
  /// Stored upper bounds, with the same layout as ``lower``.
  public let upper: [Double]?

  /// A box whose bounds are given in θ at each call.
  @inlinable
  public init() {
    lower = nil
    upper = nil
  }

  /// The box [lower, upper]ᵈ in every dimension d.
  @inlinable
  public init(lower: Double, upper: Double) {
    self.init(lower: [lower], upper: [upper])
  }

  /// The box ∏ᵢ [lowerᵢ, upperᵢ], or ∏ᵢ [lower₀, upper₀] when both arrays hold one value.
  @inlinable
  public init(lower: [Double], upper: [Double]) {
    precondition(lower.count == upper.count && !lower.isEmpty,
                 "lower and upper bounds have \(lower.count) and \(upper.count) values")
    precondition(zip(lower, upper).allSatisfy { $0 <= $1 }, "a lower bound exceeds its upper bound")
    self.lower = lower
    self.upper = upper
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ y: [S], _ parameters: [S]) -> [S] {
    let dimension = y.count
    var result = y
    if parameters.isEmpty {
      guard let lower, let upper else {
        preconditionFailure("BoxProjection() needs its bounds in θ = [l, u] or [l₁…l_d, u₁…u_d]")
      }
      precondition(lower.count == 1 || lower.count == dimension,
                   "stored bounds have \(lower.count) values for \(dimension) components")
      let shared = lower.count == 1
      for index in 0..<dimension {
        let l = lower[shared ? 0 : index]
        let u = upper[shared ? 0 : index]
        // Comparison against Double bounds: clamped components become constants (zero tangent).
        if y[index].primalValue < l {
          result[index] = S(l)
        } else if y[index].primalValue > u {
          result[index] = S(u)
        }
      }
      return result
    }
    let shared: Bool
    if parameters.count == 2 {
      shared = true
    } else {
      precondition(parameters.count == 2 * dimension,
                   "θ must be [l, u] or [l₁…l_d, u₁…u_d] (2·\(dimension) values), got \(parameters.count)")
      shared = false
    }
    for index in 0..<dimension {
      let l = parameters[shared ? 0 : index]
      let u = parameters[shared ? 1 : dimension + index]
      precondition(l.primalValue <= u.primalValue, "lower bound \(l.primalValue) > upper \(u.primalValue)")
      // The active bound is returned with its own tangent: that is ∂P/∂θ.
      if y[index] < l {
        result[index] = l
      } else if y[index] > u {
        result[index] = u
      }
    }
    return result
  }
}
