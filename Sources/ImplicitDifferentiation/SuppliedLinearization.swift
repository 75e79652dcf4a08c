/// Linear maps supplied by the caller, for instance a simulation code's own Hessian-vector product
/// and mixed derivative ∂F/∂θ, so that the engine's solves and checks apply without automatic
/// differentiation.
///
/// With a symmetric ``structure`` the product Aᵀ·w is A·w and `transposeProductA` may be omitted.
public struct SuppliedLinearization: OptimalityLinearization {
  public let stateDimension: Int
  public let parameterDimension: Int
  public let structure: LinearMapStructure
  @usableFromInline let productA: ([Double]) -> [Double]
  @usableFromInline let transposeProductA: (([Double]) -> [Double])?
  @usableFromInline let productB: ([Double]) -> [Double]
  @usableFromInline let transposeProductB: ([Double]) -> [Double]

  /// - Parameters:
  ///   - stateDimension: d.
  ///   - parameterDimension: n.
  ///   - structure: what is known about A.
  ///   - productA: v ↦ A·v = −∂₁F·v.
  ///   - transposeProductA: w ↦ Aᵀ·w; required unless `structure` is symmetric.
  ///   - productB: u ↦ B·u = ∂₂F·u.
  ///   - transposeProductB: w ↦ Bᵀ·w.
  public init(
    stateDimension: Int, parameterDimension: Int, structure: LinearMapStructure,
    productA: @escaping ([Double]) -> [Double],
    transposeProductA: (([Double]) -> [Double])? = nil,
    productB: @escaping ([Double]) -> [Double],
    transposeProductB: @escaping ([Double]) -> [Double]
  ) {
    precondition(structure.isSymmetric || transposeProductA != nil,
                 "a general (non-symmetric) A needs its transpose product")
    self.stateDimension = stateDimension
    self.parameterDimension = parameterDimension
    self.structure = structure
    self.productA = productA
    self.transposeProductA = transposeProductA
    self.productB = productB
    self.transposeProductB = transposeProductB
  }

  public func applyA(_ v: [Double]) -> [Double] { productA(v) }

  public func applyATranspose(_ w: [Double]) -> [Double] {
    if structure.isSymmetric { return productA(w) }
    return transposeProductA!(w)
  }

  public func applyB(_ u: [Double]) -> [Double] { productB(u) }
  public func applyBTranspose(_ w: [Double]) -> [Double] { transposeProductB(w) }
}
