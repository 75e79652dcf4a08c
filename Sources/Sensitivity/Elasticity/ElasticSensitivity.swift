import DualNumbers
import LinearAlgebra
import Models
import Particles

/// How the elastic constants of a minimum change with a parameter θ of the model (a species
/// diameter, ε, α), the box held: exactly, along the minimum x*(θ),
///
///     dM_ab/dθ = [D Born_ab − (DΞₐᵀ w_b + w_aᵀ DΞ_b − wₐᵀ DH w_b)] / V,   wₐ = H⁺Ξₐ,
///
/// with D = ∂/∂θ + (dx*/dθ)·∂/∂x the derivative along the minimum. Every D-term is a pass over the
/// pairs of the seeded interaction with the positions moving along dx*/dθ, the pair energy's U' and
/// U'' on nested dual numbers carrying their own θ-derivative: third derivatives of U, never written
/// by hand. The d(d+1)/2 non-affine fields and dx*/dθ come from one block solve.
public struct ElasticSensitivity: Sendable {
  public var parameter: SensitivityParameter
  /// The response at θ.
  public var response: ElasticResponse
  /// dC/dθ (energy / length^d per θ unit); its ``ElasticConstants/shearModulus`` is dG/dθ, its
  /// ``ElasticConstants/bulkModulus`` dB/dθ (the moduli are linear in C).
  public var derivative: ElasticConstants
  /// dx*/dθ at fixed box.
  public var positionSensitivity: PositionSensitivity

  /// The sensitivity of the elastic constants at the minimum `positions` of a periodic `model` to
  /// `parameter` (a species diameter, ε or α; the box is held).
  public static func compute(model: ParticleModel, positions: [Double], parameter: SensitivityParameter,
                             options: ImplicitOptions = ImplicitOptions()) throws(SensitivityError) -> ElasticSensitivity {
    guard model.periodic else { throw .unsupportedParameter("elastic constants of a free-space system") }
    switch parameter {
    case .boxLength, .packingFraction, .strain:
      throw .unsupportedParameter("the elastic constants' sensitivity to \(parameter): the box must stay fixed")
    case .speciesDiameter, .epsilon, .alpha: break
    }
    let strains = StrainComponent.components(dimension: model.dimension)
    let minimum = try ParticleMinimum(model: model, positions: positions, options: options)
    let (solved, forceDerivatives) = try ImplicitSensitivity.solve(
      at: minimum, parameters: strains.map { .strain($0) } + [parameter], holding: .box, options: options)
    let fields = Array(solved.prefix(strains.count))
    let path = solved[strains.count]
    let response = ElasticResponse.assemble(at: minimum, fields: fields,
                                            forceDerivatives: Array(forceDerivatives.prefix(strains.count)))
    let tangent = try model.tangent(for: parameter, holding: .box)
    let kernels = model.kernels(seeding: tangent)
    let d = model.dimension
    let m = strains.count
    let tensors = strains.map { $0.tensor(dimension: d) }
    let w = fields.map(\.physical)
    typealias D = Dual<Double>

    // D Born: every pair (the whole system's energy).
    var born = [[D]](repeating: [D](repeating: 0, count: m), count: m)
    kernels.forEachSeededPair(positions, path.physical, minimum.neighbours) { pair in
      let (slope, curvature) = kernels.seededPairDerivatives(pair.distance, pair.diameter)
      let geometry = StrainGeometry(pair, tensors: tensors, dimension: d)
      let r = pair.distance
      for a in 0..<m {
        for b in a..<m {
          let value = curvature * geometry.stretch[a] * geometry.stretch[b] / (r * r)
            + slope * (geometry.overlap(a, b) - geometry.stretch[a] * geometry.stretch[b] / (r * r)) / r
          born[a][b] += value
        }
      }
    }
    // DΞₐᵀ w_b and wₐᵀ DH w_b over the backbone (where H and Ξ were solved).
    var forcing = [[D]](repeating: [D](repeating: 0, count: m), count: m)
    var curvature = [[D]](repeating: [D](repeating: 0, count: m), count: m)
    kernels.forEachSeededPair(positions, path.physical, minimum.backbone) { pair in
      let (slope, second) = kernels.seededPairDerivatives(pair.distance, pair.diameter)
      let geometry = StrainGeometry(pair, tensors: tensors, dimension: d)
      let r = pair.distance
      let differences = w.map { field in (0..<d).map { field[pair.first * d + $0] - field[pair.second * d + $0] } }
      for a in 0..<m {
        // ∂fᵢⱼ/∂γₐ = −[U'' (sₐ/r) d/r + U' (eᵃd/r − d sₐ/r³)], fᵢⱼ = −U' d/r the force on i.
        let forceSlope = (0..<d).map { k in
          -(second * geometry.stretch[a] / r * pair.separation[k] / r
            + slope * (geometry.strained[a][k] / r - pair.separation[k] * geometry.stretch[a] / (r * r * r)))
        }
        for b in 0..<m {
          for k in 0..<d { forcing[a][b] += forceSlope[k] * D(differences[b][k]) }
        }
      }
      // K = U'' n nᵀ + (U'/r)(I − n nᵀ) on Δw.
      for a in 0..<m {
        for b in a..<m {
          var along: D = 0
          var product: D = 0
          for k in 0..<d {
            along += pair.separation[k] * D(differences[a][k])
            product += D(differences[a][k] * differences[b][k])
          }
          var alongB: D = 0
          for k in 0..<d { alongB += pair.separation[k] * D(differences[b][k]) }
          let projected = along * alongB / (r * r)
          curvature[a][b] += second * projected + slope / r * (product - projected)
        }
      }
    }
    let volume = model.boxVolume
    var derivative = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
    for a in 0..<m {
      for b in a..<m {
        let value = (born[a][b].tangent
                     - (forcing[a][b].tangent + forcing[b][a].tangent - curvature[a][b].tangent)) / volume
        derivative[a][b] = value
        derivative[b][a] = value
      }
    }
    return ElasticSensitivity(parameter: parameter, response: response,
                              derivative: ElasticConstants(responses: derivative, dimension: d),
                              positionSensitivity: path)
  }
}

/// eᵃd, sₐ = d·eᵃd and (eᵃd)·(eᵇd) of one seeded pair for every strain.
private struct StrainGeometry {
  let strained: [[Dual<Double>]]
  let stretch: [Dual<Double>]

  init(_ pair: SeededPair, tensors: [[[Double]]], dimension d: Int) {
    strained = tensors.map { e in
      (0..<d).map { a in (0..<d).reduce(Dual<Double>(0)) { $0 + Dual(e[a][$1]) * pair.separation[$1] } }
    }
    stretch = strained.map { ed in (0..<d).reduce(Dual<Double>(0)) { $0 + pair.separation[$1] * ed[$1] } }
  }

  func overlap(_ a: Int, _ b: Int) -> Dual<Double> {
    zip(strained[a], strained[b]).reduce(Dual<Double>(0)) { $0 + $1.0 * $1.1 }
  }
}
