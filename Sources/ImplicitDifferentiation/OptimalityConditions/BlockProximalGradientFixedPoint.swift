import DualNumbers

/// One block of ``BlockProximalGradientFixedPoint``: a contiguous range of x with its own step size
/// and proximal operator.
public struct ProximalBlock: Sendable {
  /// The components of x in this block.
  public var range: Range<Int>
  /// ηᵦ > 0.
  public var stepSize: Double
  /// proxᵦ; nil for a block without a non-smooth term (a plain gradient step).
  public var proximalOperator: (any ProximalOperator)?
  /// The components of θ passed to proxᵦ (nil: all).
  public var proximalParameters: Range<Int>?

  public init(
    range: Range<Int>, stepSize: Double, proximalOperator: (any ProximalOperator)? = nil,
    proximalParameters: Range<Int>? = nil
  ) {
    self.range = range
    self.stepSize = stepSize
    self.proximalOperator = proximalOperator
    self.proximalParameters = proximalParameters
  }
}

/// The fixed point of block proximal gradient descent for min_x f(x, θ_f) + Σᵦ gᵦ(xᵦ, θᵦ)
/// (Table 1 of Blondel et al.), with a separate step size and proximal operator per block:
///
///     Tᵦ(x, θ) = prox_{ηᵦ gᵦ}(xᵦ − ηᵦ ∇ᵦf(x, θ_f), θᵦ),   F = T − x.
///
/// The blocks must partition x (checked when T is evaluated).
public struct BlockProximalGradientFixedPoint<Function: Objective>: FixedPointMapping {
  public var objective: Function
  public var blocks: [ProximalBlock]
  /// The components of θ passed to f (nil: all).
  public var objectiveParameters: Range<Int>?

  public init(objective: Function, blocks: [ProximalBlock], objectiveParameters: Range<Int>? = nil) {
    self.objective = objective
    self.blocks = blocks
    self.objectiveParameters = objectiveParameters
  }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> [S] {
    precondition(blocks.reduce(0) { $0 + $1.range.count } == x.count
                   && blocks.allSatisfy { $0.range.upperBound <= x.count },
                 "the blocks do not partition a state of \(x.count) components")
    let gradient = objective.gradient(x, selectParameters(θ, objectiveParameters))
    var image = x
    for block in blocks {
      var step = [S]()
      step.reserveCapacity(block.range.count)
      for index in block.range { step.append(x[index] - S.scaled(gradient[index], by: block.stepSize)) }
      if let proximal = block.proximalOperator {
        step = proximal(step, selectParameters(θ, block.proximalParameters), scaling: S(block.stepSize))
      }
      for (offset, index) in block.range.enumerated() { image[index] = step[offset] }
    }
    return image
  }
}
