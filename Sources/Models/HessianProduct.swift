import Particles

/// The Hessian H = ∂²E/∂R² at a fixed configuration (energy / length²), as the per-pair stiffness
/// blocks of `Particles.PairStiffness` (computed once, by nested dual numbers): the product a linear
/// solve repeats hundreds of times, and its diagonal for preconditioning and scaling.
public struct HessianProduct: @unchecked Sendable {
  @usableFromInline let product: (_ v: [Double], _ result: inout [Double]) -> Void
  @usableFromInline let blockProduct: (_ v: [Double], _ columns: Int, _ result: inout [Double]) -> Void
  /// diag(H) on the full d·N space, from the same blocks.
  public let diagonal: [Double]
  /// The blocks Kᵢⱼ themselves, for preconditioners that sweep the contact network.
  public let pairs: PairBlocks

  /// The pair stiffness blocks of `Particles.PairStiffness`: for every pair (i, j) of a half
  /// neighbour list (row i, partners from `rowStart[i]` to `rowStart[i + 1]`), Kᵢⱼ = ∂²U/∂d∂d
  /// (energy / length², d×d row-major), so that Hᵢⱼ = −Kᵢⱼ and Hᵢᵢ = Σⱼ Kᵢⱼ.
  public struct PairBlocks: Sendable {
    public let dimension: Int
    public let rowStart: [Int32]
    public let partners: [Int32]
    public let blocks: [Double]

    public init(dimension: Int, rowStart: [Int32], partners: [Int32], blocks: [Double]) {
      self.dimension = dimension
      self.rowStart = rowStart
      self.partners = partners
      self.blocks = blocks
    }
  }

  public init(product: @escaping (_ v: [Double], _ result: inout [Double]) -> Void,
              blockProduct: @escaping (_ v: [Double], _ columns: Int, _ result: inout [Double]) -> Void,
              diagonal: [Double], pairs: PairBlocks) {
    self.product = product
    self.blockProduct = blockProduct
    self.diagonal = diagonal
    self.pairs = pairs
  }

  /// result ← H·v on the full d·N space (energy / length² times v's units); `result` is reused
  /// when it already has the right size.
  @inlinable
  public func callAsFunction(_ v: [Double], into result: inout [Double]) { product(v, &result) }

  /// result ← H·V for `columns` vectors interleaved particle by particle (component a of particle
  /// i in column c at `(i·columns + c)·d + a`), in one pass over the pairs; each column equals its
  /// own product bit for bit.
  @inlinable
  public func callAsFunction(block v: [Double], columns: Int, into result: inout [Double]) {
    blockProduct(v, columns, &result)
  }
}
