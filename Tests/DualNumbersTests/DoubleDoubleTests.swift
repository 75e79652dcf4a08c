import DualNumbers
import Foundation
import Testing

/// x·2¹¹⁰ as an exact integer (x a double-double in [2⁻⁴, 2⁴) whose parts are multiples of 2⁻¹¹⁰).
private func scaledInteger(_ x: DoubleDouble) -> Int128 {
  func exact(_ part: Double) -> Int128 {
    let scaled = part * 0x1p110
    #expect(scaled == scaled.rounded(), "\(part) is not a multiple of 2⁻¹¹⁰")
    // Through two 64-bit halves of the magnitude (both exact: |scaled| < 2¹²⁷).
    let magnitude = Swift.abs(scaled)
    let upper = (magnitude / 0x1p64).rounded(.towardZero)
    let value = Int128(UInt64(upper)) << 64 + Int128(UInt64(magnitude - upper * 0x1p64))
    return part < 0 ? -value : value
  }
  return exact(x.high) + exact(x.low)
}

/// The value of a double-double as a 38-digit Decimal (references computed with Python's decimal
/// module at 50 digits or exact fractions) (each part converted through its exact
/// integer significand and power of two).
private func decimal(_ x: DoubleDouble) -> Decimal {
  func exact(_ part: Double) -> Decimal {
    guard part != 0 else { return 0 }
    let exponent = part.exponent - 52
    var value = Decimal(Int64(part.significand * 0x1p52)) * (part < 0 ? -1 : 1)
    let two: Decimal = exponent < 0 ? 0.5 : 2
    for _ in 0..<abs(Int(exponent)) { value *= two }
    return value
  }
  return exact(x.high) + exact(x.low)
}

private func relativeError(_ x: DoubleDouble, _ reference: String) -> Double {
  let exact = Decimal(string: reference)!
  let difference = (decimal(x) - exact) / exact
  return abs(NSDecimalNumber(decimal: difference).doubleValue)
}

@Suite("Double-double arithmetic")
struct DoubleDoubleTests {
  @Test("TwoSum and TwoProd are error free: s + e equals a + b and a·b exactly")
  func errorFreeTransformations() {
    let a = 1.0 + 0x1p-40, b = 0x1p-60 + 0x1p-90
    let (s, e) = ErrorFreeTransformations.twoSum(a, b)
    #expect(scaledInteger(DoubleDouble(high: s, low: e)) == scaledInteger(DoubleDouble(a)) + scaledInteger(DoubleDouble(b)))
    let x = 1.0 + 0x1p-30 + 0x1p-52, y = 1.0 + 0x1p-25 + 0x1p-51
    let (p, f) = ErrorFreeTransformations.twoProduct(x, y)
    // (1 + 2⁻³⁰ + 2⁻⁵²)(1 + 2⁻²⁵ + 2⁻⁵¹) expanded exactly.
    let exact: Int128 = (Int128(1) << 110) + (Int128(1) << 85) + (Int128(1) << 59) + (Int128(1) << 80)
      + (Int128(1) << 55) + (Int128(1) << 29) + (Int128(1) << 58) + (Int128(1) << 33) + (Int128(1) << 7)
    #expect(scaledInteger(DoubleDouble(high: p, low: f)) == exact)
    #expect(f != 0)
  }

  @Test("p/q for small integers is the fraction to 2⁻¹⁰⁴ relative: |q·x − p| against exact integers",
        arguments: [(1, 3), (2, 7), (5, 11), (13, 9), (1, 10)])
  func fractions(numerator: Int, denominator: Int) {
    let x = DoubleDouble(Double(numerator)) / DoubleDouble(Double(denominator))
    // q·x·2¹¹⁰ − p·2¹¹⁰ exactly, in units of 2⁻¹¹⁰.
    let residual = Int128(denominator) * scaledInteger(x) - (Int128(numerator) << 110)
    let bound = Int128(numerator) << 8   // 2⁻¹⁰² relative, in 2⁻¹¹⁰ units
    #expect(abs(residual) <= bound, "residual \(residual) for \(numerator)/\(denominator)")
    // And far below Double's own rounding error.
    let doubleResidual = Int128(denominator) * scaledInteger(DoubleDouble(Double(numerator) / Double(denominator)))
      - (Int128(numerator) << 110)
    #expect(abs(doubleResidual) > Int128(1) << 40)
  }

  @Test("sums and products of fractions agree with exact rational arithmetic")
  func sumsAndProducts() {
    let third = DoubleDouble(1) / DoubleDouble(3)
    let seventh = DoubleDouble(1) / DoubleDouble(7)
    // 1/3 + 1/7 = 10/21, (1/3)(1/7) = 1/21, 1/3 − 1/7 = 4/21.
    #expect(relativeError(third + seventh, "0.47619047619047619047619047619047619048") < 1e-31)
    #expect(relativeError(third * seventh, "0.047619047619047619047619047619047619048") < 1e-31)
    #expect(relativeError(third - seventh, "0.19047619047619047619047619047619047619") < 1e-31)
    #expect(relativeError(DoubleDouble.scaled(third, by: 3), "1") < 1e-31)
  }

  @Test("elementary functions against their 38-digit values")
  func elementaryFunctions() {
    #expect(relativeError(DoubleDouble.sqrt(2), "1.4142135623730950488016887242096980786") < 1e-31)
    #expect(relativeError(DoubleDouble.exp(1), "2.7182818284590452353602874713526624978") < 1e-31)
    #expect(relativeError(DoubleDouble.exp(-2.5), "0.082084998623898795169528674467159807837") < 1e-31)
    #expect(relativeError(DoubleDouble.log(2), "0.69314718055994530941723212145817656808") < 1e-31)
    #expect(relativeError(DoubleDouble.log(10), "2.3025850929940456840179914546843642076") < 1e-31)
    #expect(relativeError(DoubleDouble.expMinusOne(0x1p-20), "0.00000095367477115374544678824955687428365189") < 1e-30)
    #expect(relativeError(DoubleDouble.log(onePlus: 0x1p-30), "0.00000000093132257418179764690006274852437848") < 1e-29)
    #expect(relativeError(DoubleDouble.pow(2, 0.5), "1.4142135623730950488016887242096980786") < 1e-30)
    #expect(relativeError(DoubleDouble.sin(1), "0.84147098480789650665250232163029899962") < 1e-31)
    #expect(relativeError(DoubleDouble.cos(1), "0.54030230586813971740093660744297660373") < 1e-31)
    #expect(relativeError(DoubleDouble.tanh(0.5), "0.46211715726000975850231848364367254873") < 1e-30)
  }

  @Test("ordering and the RealScalar basics")
  func ordering() {
    let one = DoubleDouble(1)
    let slightlyMore = one + DoubleDouble(0x1p-80)
    #expect(one < slightlyMore)
    #expect(slightlyMore.primalValue == 1)
    #expect(!(slightlyMore - one).isExactlyZero)
    #expect((slightlyMore - one).high == 0x1p-80)
    #expect(!DoubleDouble.sqrt(-1).isFinite)
  }

  @Test("the narrower type of each scalar: Double rounds to Float, double-double keeps its leading Double, a dual stays whole")
  func narrowTypes() {
    let third = 1.0 / 3
    #expect(third.narrowed == Float(third))
    #expect(Double(widening: third.narrowed) == Double(Float(third)))
    let x = DoubleDouble(1) / DoubleDouble(3)
    #expect(x.narrowed == x.high && x.low != 0)
    #expect(DoubleDouble(widening: x.narrowed).low == 0)
    let dual = Dual<Double>(third, tangent: 2)
    let kept = Dual<Double>(widening: dual.narrowed)
    #expect(kept.value == third && kept.tangent == 2, "no derivative is rounded")
  }
}
