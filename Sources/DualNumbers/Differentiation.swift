/// Forward-mode derivatives of functions evaluated on dual numbers.
///
/// Swift cannot pass a generic function as a value, so these helpers take the function already
/// instantiated at the dual type; a function written once, generically over ``RealScalar``, is passed
/// as `{ f($0) }` and specialises at the call.

/// f'(x) for a scalar function.
@inlinable
public func derivative(at x: Double, of f: (Dual<Double>) -> Dual<Double>) -> Double {
  f(Dual(x, tangent: 1)).tangent
}

/// f''(x) for a scalar function, by nesting duals (forward over forward).
@inlinable
public func secondDerivative(
  at x: Double, of f: (Dual<Dual<Double>>) -> Dual<Dual<Double>>
) -> Double {
  f(Dual(Dual(x, tangent: 1), tangent: Dual(1, tangent: 0))).tangent.tangent
}

/// The value f(x) and the Jacobian-vector product ∂f(x)·v, in one evaluation.
///
/// - Precondition: `x.count == v.count`.
@inlinable
public func valueAndJacobianVectorProduct(
  at x: [Double], along v: [Double], of f: ([Dual<Double>]) -> [Dual<Double>]
) -> (value: [Double], jacobianVectorProduct: [Double]) {
  precondition(x.count == v.count, "point has \(x.count) components, direction \(v.count)")
  var seeded = [Dual<Double>]()
  seeded.reserveCapacity(x.count)
  for index in x.indices { seeded.append(Dual(x[index], tangent: v[index])) }
  let output = f(seeded)
  return (output.map(\.value), output.map(\.tangent))
}

/// ∂f(x)·v for a vector function.
@inlinable
public func jacobianVectorProduct(
  at x: [Double], along v: [Double], of f: ([Dual<Double>]) -> [Dual<Double>]
) -> [Double] {
  valueAndJacobianVectorProduct(at: x, along: v, of: f).jacobianVectorProduct
}

/// ∇f(x) of a scalar function, one forward pass per component (cost: n evaluations of f).
@inlinable
public func gradient(at x: [Double], of f: ([Dual<Double>]) -> Dual<Double>) -> [Double] {
  var seeded = x.map { Dual<Double>(constant: $0) }
  var result = [Double](repeating: 0, count: x.count)
  for index in x.indices {
    seeded[index].tangent = 1
    result[index] = f(seeded).tangent
    seeded[index].tangent = 0
  }
  return result
}

/// The Hessian-vector product ∇²f(x)·v of a scalar function: ∂ᵢ(∇f·v), one nested-dual pass per
/// component (forward over forward).
@inlinable
public func hessianVectorProduct(
  at x: [Double], along v: [Double], of f: ([Dual<Dual<Double>>]) -> Dual<Dual<Double>>
) -> [Double] {
  precondition(x.count == v.count, "point has \(x.count) components, direction \(v.count)")
  // Inner tangent: the direction v; outer tangent: the unit vector eᵢ.
  var seeded = [Dual<Dual<Double>>]()
  seeded.reserveCapacity(x.count)
  for index in x.indices {
    seeded.append(Dual(Dual(x[index], tangent: v[index]), tangent: Dual(0, tangent: 0)))
  }
  var result = [Double](repeating: 0, count: x.count)
  for index in x.indices {
    seeded[index].tangent = Dual(1, tangent: 0)
    result[index] = f(seeded).tangent.tangent
    seeded[index].tangent = Dual(0, tangent: 0)
  }
  return result
}
