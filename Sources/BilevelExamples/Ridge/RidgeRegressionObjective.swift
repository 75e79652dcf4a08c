import DualNumbers
import ImplicitDifferentiation

/// The ridge-regression objective of Figure 1 of Blondel et al., with either one regularisation
/// weight or one weight per feature (the Jacobian-precision experiment of §3):
///
///     f(x, θ) = ½‖Ax − b‖² + ½ Σⱼ θⱼ xⱼ²     (θ of length p, or θ = [λ] broadcast to every j).
///
/// Written once generically so that the engine differentiates it (∇₁f, ∇²₁₁f, ∂₂∇₁f) exactly.
public struct RidgeRegressionObjective: Objective, Sendable {
  /// A, n × p.
  public let design: Matrix
  /// b, length n.
  public let targets: [Double]

  public init(design: Matrix, targets: [Double]) {
    precondition(design.rowCount == targets.count, "design and targets differ in length")
    self.design = design
    self.targets = targets
  }

  public var featureCount: Int { design.columnCount }

  @inlinable
  public func callAsFunction<S: RealScalar>(_ x: [S], _ θ: [S]) -> S {
    precondition(θ.count == 1 || θ.count == x.count, "θ must hold one weight or one per feature")
    var loss = S(0)
    for row in 0..<design.rowCount {
      var residual = S(-targets[row])
      for column in 0..<design.columnCount {
        residual += S.scaled(x[column], by: design[row, column])
      }
      loss += residual * residual
    }
    for j in x.indices { loss += θ[θ.count == 1 ? 0 : j] * x[j] * x[j] }
    return S.scaled(loss, by: 0.5)
  }
}
