/// FIRE's dt and α arithmetic in the chosen precision.
@usableFromInline
struct StepControl {
  @usableFromInline let arithmetic: FIRE.ControlArithmetic
  @usableFromInline let timeStepIncrease: Double
  @usableFromInline let timeStepDecrease: Double
  @usableFromInline let maximumTimeStep: Double
  @usableFromInline let mixingDecrease: Double
  @usableFromInline let forceNormRegularisation: Double

  @usableFromInline
  init(_ fire: FIRE) {
    arithmetic = fire.controlArithmetic
    forceNormRegularisation = 1e-6
    func rounded(_ x: Double) -> Double { fire.controlArithmetic == .jaxMD ? Double(Float16(x)) : x }
    timeStepIncrease = rounded(fire.timeStepIncrease)
    timeStepDecrease = rounded(fire.timeStepDecrease)
    maximumTimeStep = rounded(fire.maximumTimeStep)
    mixingDecrease = rounded(fire.mixingDecrease)
  }

  @usableFromInline
  func round(_ x: Double) -> Double { arithmetic == .jaxMD ? Double(Float16(x)) : x }

  /// x·y rounded as JAX-MD rounds a float16 product.
  @usableFromInline
  func multiply(_ x: Double, _ y: Double) -> Double {
    arithmetic == .jaxMD ? Double(Float16(x) * Float16(y)) : x * y
  }
}
