import DualNumbers

/// A record of the elementary operations of one evaluation, for reverse-mode differentiation.
///
/// Every operation on ``TapeScalar`` values appends one node holding the indices of its (at most two)
/// operands and the local partial derivatives ∂node/∂operand. A reverse sweep then accumulates
/// adjoints from the outputs back to the inputs:
///
///     adjoint[operand] += ∂node/∂operand · adjoint[node]
///
/// so that one sweep seeded with a cotangent w on the outputs y = F(x) yields the whole vector
/// wᵀ∂F/∂x, at a cost proportional to the length of the tape and independent of the number of inputs.
/// A tape, once recorded, can be swept any number of times with different seeds: this is how the
/// implicit engine applies Aᵀ repeatedly inside a Krylov solve without evaluating F again.
///
/// The partial derivatives have type `Base`, which may itself be a dual number (forward over reverse)
/// or a tape scalar of another tape (reverse over reverse): the sweep is written with the generic
/// arithmetic of `RealScalar`, so it is itself differentiable.
///
/// A tape is a reference type that is mutated by every recorded operation; it must not be shared
/// between threads while recording or sweeping.
public final class Tape<Base: RealScalar>: @unchecked Sendable {
  /// Index of the first operand of each node (−1 when the node is an input variable).
  @usableFromInline var firstOperand: [Int] = []
  /// Index of the second operand of each node (−1 for unary operations and inputs).
  @usableFromInline var secondOperand: [Int] = []
  /// ∂node/∂(first operand).
  @usableFromInline var firstPartial: [Base] = []
  /// ∂node/∂(second operand).
  @usableFromInline var secondPartial: [Base] = []

  /// The number of reverse sweeps performed so far (the cost measure of reverse-mode products).
  public var sweepCount: Int { sweeps }
  @usableFromInline var sweeps = 0

  public init() {}

  /// The number of recorded nodes (inputs and operations): the cost of one reverse sweep.
  @inlinable
  public var count: Int { firstOperand.count }

  @inlinable
  func append(_ first: Int, _ firstPartial: Base, _ second: Int, _ secondPartial: Base) -> Int {
    firstOperand.append(first)
    secondOperand.append(second)
    self.firstPartial.append(firstPartial)
    self.secondPartial.append(secondPartial)
    return firstOperand.count - 1
  }

  /// A new independent input with the given value.
  @inlinable
  public func variable(_ value: Base) -> TapeScalar<Base> {
    TapeScalar(value, index: append(-1, Base(0), -1, Base(0)), tape: self)
  }

  /// New independent inputs, one per value.
  @inlinable
  public func variables(_ values: [Base]) -> [TapeScalar<Base>] {
    values.map { variable($0) }
  }

  /// The adjoint of every node after a reverse sweep seeded with `seeds[k]` on `outputs[k]`:
  /// adjoint[i] = Σₖ seedsₖ · ∂outputsₖ/∂nodeᵢ.
  ///
  /// Outputs that are constants (that do not depend on any variable of this tape) are ignored.
  ///
  /// - Precondition: `outputs.count == seeds.count`, and every non-constant output belongs to this tape.
  @inlinable
  public func adjoints(seeding outputs: [TapeScalar<Base>], with seeds: [Base]) -> [Base] {
    precondition(outputs.count == seeds.count,
                 "\(outputs.count) outputs but \(seeds.count) seeds for the reverse sweep")
    sweeps += 1
    var adjoint = [Base](repeating: Base(0), count: count)
    for (output, seed) in zip(outputs, seeds) where output.index >= 0 {
      precondition(output.tape === self, "an output belongs to another tape")
      adjoint[output.index] += seed
    }
    var node = count - 1
    while node >= 0 {
      let nodeAdjoint = adjoint[node]
      // Skipping exact zeros keeps the sweep cheap for nodes that do not reach the seeded outputs;
      // for nested tapes `isExactlyZero` is true only for constant zeros, so nothing is lost.
      if !nodeAdjoint.isExactlyZero {
        let first = firstOperand[node]
        if first >= 0 { adjoint[first] += firstPartial[node] * nodeAdjoint }
        let second = secondOperand[node]
        if second >= 0 { adjoint[second] += secondPartial[node] * nodeAdjoint }
      }
      node -= 1
    }
    return adjoint
  }

  /// wᵀ∂y/∂x for the given inputs: one reverse sweep.
  @inlinable
  public func pullback(
    of outputs: [TapeScalar<Base>], cotangent seeds: [Base], withRespectTo inputs: [TapeScalar<Base>]
  ) -> [Base] {
    let adjoint = adjoints(seeding: outputs, with: seeds)
    return inputs.map { $0.index >= 0 ? adjoint[$0.index] : Base(0) }
  }
}

/// A reverse-mode scalar: a value and its position on a ``Tape``.
///
/// Code written generically over `RealScalar` runs on tape scalars unchanged; the tape then holds
/// everything needed for vector-Jacobian products wᵀ∂F in one reverse sweep. Constants (literals,
/// values built with `init(_: Double)`) are not recorded. Combining values from two different tapes
/// is a programming error and traps.
///
/// Nesting works in both orders used by the implicit engine: `Dual<TapeScalar<Double>>` (reverse over
/// forward, exact Hessian-vector and mixed second-derivative products in one sweep) and
/// `TapeScalar<Dual<Double>>` or `TapeScalar<TapeScalar<Double>>` (forward or reverse over reverse,
/// which is what happens when a root mapping that itself contains a gradient is differentiated).
@frozen
public struct TapeScalar<Base: RealScalar>: RealScalar {
  /// The value of this node.
  public let value: Base
  /// The node's index on its tape, −1 for constants.
  public let index: Int
  /// The tape the node lives on (nil for constants).
  public let tape: Tape<Base>?

  @inlinable @inline(__always)
  init(_ value: Base, index: Int, tape: Tape<Base>?) {
    self.value = value
    self.index = index
    self.tape = tape
  }

  /// A constant lifted from the base type: not recorded, zero derivative.
  @inlinable @inline(__always)
  public init(constant value: Base) { self.init(value, index: -1, tape: nil) }

  @inlinable @inline(__always)
  public init(_ value: Double) { self.init(constant: Base(value)) }

  @inlinable @inline(__always)
  public init(floatLiteral value: Double) { self.init(value) }

  @inlinable @inline(__always)
  public init(integerLiteral value: Int64) { self.init(Double(value)) }

  /// `true` when the value does not depend on any variable.
  @inlinable @inline(__always)
  public var isConstant: Bool { index < 0 }

  @inlinable @inline(__always)
  public var primalValue: Double { value.primalValue }

  /// True only for constant zeros: a recorded value may have a nonzero derivative even when it is 0.
  @inlinable @inline(__always)
  public var isExactlyZero: Bool { index < 0 && value.isExactlyZero }

  @inlinable @inline(__always)
  public var isFinite: Bool { value.isFinite }

  // MARK: Recording

  @inlinable
  static func unary(_ value: Base, _ operand: TapeScalar, _ partial: Base) -> TapeScalar {
    guard let tape = operand.tape else { return TapeScalar(constant: value) }
    return TapeScalar(value, index: tape.append(operand.index, partial, -1, Base(0)), tape: tape)
  }

  @inlinable
  static func binary(
    _ value: Base, _ lhs: TapeScalar, _ lhsPartial: Base, _ rhs: TapeScalar, _ rhsPartial: Base
  ) -> TapeScalar {
    switch (lhs.tape, rhs.tape) {
    case (nil, nil):
      return TapeScalar(constant: value)
    case (let tape?, nil):
      return TapeScalar(value, index: tape.append(lhs.index, lhsPartial, -1, Base(0)), tape: tape)
    case (nil, let tape?):
      return TapeScalar(value, index: tape.append(rhs.index, rhsPartial, -1, Base(0)), tape: tape)
    case (let tape?, let other?):
      precondition(tape === other, "values recorded on two different tapes were combined")
      return TapeScalar(value, index: tape.append(lhs.index, lhsPartial, rhs.index, rhsPartial),
                        tape: tape)
    }
  }

  // MARK: Comparison: on the primal value, as for dual numbers.

  @inlinable @inline(__always)
  public static func == (lhs: TapeScalar, rhs: TapeScalar) -> Bool { lhs.primalValue == rhs.primalValue }

  @inlinable @inline(__always)
  public static func < (lhs: TapeScalar, rhs: TapeScalar) -> Bool { lhs.primalValue < rhs.primalValue }

  // MARK: Arithmetic

  @inlinable
  public static func + (lhs: TapeScalar, rhs: TapeScalar) -> TapeScalar {
    binary(lhs.value + rhs.value, lhs, Base(1), rhs, Base(1))
  }

  @inlinable
  public static func - (lhs: TapeScalar, rhs: TapeScalar) -> TapeScalar {
    binary(lhs.value - rhs.value, lhs, Base(1), rhs, Base(-1))
  }

  @inlinable
  public static prefix func - (operand: TapeScalar) -> TapeScalar {
    unary(-operand.value, operand, Base(-1))
  }

  @inlinable
  public static func * (lhs: TapeScalar, rhs: TapeScalar) -> TapeScalar {
    binary(lhs.value * rhs.value, lhs, rhs.value, rhs, lhs.value)
  }

  @inlinable
  public static func / (lhs: TapeScalar, rhs: TapeScalar) -> TapeScalar {
    let quotient = lhs.value / rhs.value
    // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −(a/b)/b.
    return binary(quotient, lhs, 1 / rhs.value, rhs, -quotient / rhs.value)
  }

  @inlinable
  public static func += (lhs: inout TapeScalar, rhs: TapeScalar) { lhs = lhs + rhs }

  @inlinable
  public static func -= (lhs: inout TapeScalar, rhs: TapeScalar) { lhs = lhs - rhs }

  @inlinable
  public static func scaled(_ x: TapeScalar, by factor: Double) -> TapeScalar {
    unary(Base.scaled(x.value, by: factor), x, Base(factor))
  }

  // MARK: Elementary functions: the partial is f'(value).

  @inlinable
  public static func sqrt(_ x: TapeScalar) -> TapeScalar {
    let root = Base.sqrt(x.value)
    return unary(root, x, 1 / (root + root))
  }

  @inlinable
  public static func exp(_ x: TapeScalar) -> TapeScalar {
    let e = Base.exp(x.value)
    return unary(e, x, e)
  }

  @inlinable
  public static func expMinusOne(_ x: TapeScalar) -> TapeScalar {
    unary(Base.expMinusOne(x.value), x, Base.exp(x.value))
  }

  @inlinable
  public static func log(_ x: TapeScalar) -> TapeScalar {
    unary(Base.log(x.value), x, 1 / x.value)
  }

  @inlinable
  public static func log(onePlus x: TapeScalar) -> TapeScalar {
    unary(Base.log(onePlus: x.value), x, 1 / (1 + x.value))
  }

  @inlinable
  public static func sin(_ x: TapeScalar) -> TapeScalar {
    unary(Base.sin(x.value), x, Base.cos(x.value))
  }

  @inlinable
  public static func cos(_ x: TapeScalar) -> TapeScalar {
    unary(Base.cos(x.value), x, -Base.sin(x.value))
  }

  @inlinable
  public static func tanh(_ x: TapeScalar) -> TapeScalar {
    let t = Base.tanh(x.value)
    return unary(t, x, 1 - t * t)
  }

  /// ∂(xʸ)/∂x = y·xʸ⁻¹, ∂(xʸ)/∂y = xʸ·log x; the logarithm is not evaluated for a constant exponent,
  /// so constant exponents work at x ≤ 0 (as for `Dual`).
  @inlinable
  public static func pow(_ x: TapeScalar, _ y: TapeScalar) -> TapeScalar {
    let power = Base.pow(x.value, y.value)
    let basePartial = y.value * Base.pow(x.value, y.value - 1)
    if y.isConstant { return unary(power, x, basePartial) }
    return binary(power, x, basePartial, y, power * Base.log(x.value))
  }
}

extension TapeScalar: CustomStringConvertible {
  public var description: String { index < 0 ? "\(value)" : "\(value) @\(index)" }
}
