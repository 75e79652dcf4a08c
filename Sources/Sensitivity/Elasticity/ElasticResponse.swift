import ImplicitDifferentiation
import LinearAlgebra
import Models

/// The elastic response of a minimum: its stress, its elastic constants C = C_Born − C_non-affine and
/// the non-affine displacement field of every strain component, from one prepared minimum and one
/// block solve:
///
///     H uₐ = Ξₐ  (a = 1 … d(d+1)/2),   Ξₐ = ∂F/∂γₐ at fixed reference positions,
///     M_ab = [∂²U/∂γₐ∂γ_b − Ξₐᵀ u_b] / V,
///
/// d²U/dγₐdγ_b along the minimum x*(γ) (the first term is the affine Born part, the second the
/// relaxation). H is solved on the backbone, its rigid-body modes removed (`ParticleMinimum`): the
/// null space is not regularised away, as a tether k·I would, but excluded exactly. Each uₐ is the
/// implicit sensitivity to ``SensitivityParameter/strain(_:)``, with its validity report.
public struct ElasticResponse: Sendable {
  /// C with the non-affine relaxation (the athermal moduli).
  public var constants: ElasticConstants
  /// The affine (Born) part alone: C_Born = (∂²U/∂γ∂γ)/V.
  public var born: ElasticConstants
  /// σ (energy / length^d, symmetric d×d; negative in compression) and p = −tr σ/d.
  public var stress: [[Double]]
  public var pressure: Double
  /// V (length^d).
  public var volume: Double
  /// The non-affine fields duₐ/dγ, one per strain component (`StrainComponent` order).
  public var nonAffineFields: [PositionSensitivity]
  /// The contact network's counts: Z, Z′ without rattlers, Z_iso and its finite-size value, ΔZ.
  public var contacts: ContactStatistics
  public var rattlers: [Int]
  /// max |Ξₐᵀ u_b − Ξ_bᵀ uₐ| / max |Ξᵀu|: how far the solves leave the relaxation part from
  /// symmetric (C is reported symmetrised).
  public var relaxationAsymmetry: Double

  /// The response at the minimum `positions` of a periodic `model`.
  public static func compute(model: ParticleModel, positions: [Double], options: ImplicitOptions = ImplicitOptions())
    throws(SensitivityError) -> ElasticResponse
  {
    guard model.periodic else { throw .unsupportedParameter("elastic constants of a free-space system") }
    let strains = StrainComponent.components(dimension: model.dimension)
    let minimum = try ParticleMinimum(model: model, positions: positions, options: options)
    let (fields, forceDerivatives) = try ImplicitSensitivity.solve(
      at: minimum, parameters: strains.map { .strain($0) }, holding: .box, options: options)
    return assemble(at: minimum, fields: fields, forceDerivatives: forceDerivatives)
  }

  /// C from the non-affine fields uₐ and the affine force fields Ξₐ of one block solve.
  static func assemble(at minimum: ParticleMinimum, fields: [PositionSensitivity], forceDerivatives: [[Double]])
    -> ElasticResponse
  {
    let model = minimum.model
    let positions = minimum.positions
    let strains = StrainComponent.components(dimension: model.dimension)
    let born = model.bornResponses(at: positions, neighbours: minimum.neighbours, strains: strains)
    let m = strains.count
    var relaxation = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
    for a in 0..<m {
      for b in 0..<m { relaxation[a][b] = VectorOperations.dot(forceDerivatives[a], fields[b].physical) }
    }
    var asymmetry = 0.0
    var largest = 0.0
    for a in 0..<m {
      for b in 0..<m {
        asymmetry = max(asymmetry, abs(relaxation[a][b] - relaxation[b][a]))
        largest = max(largest, abs(relaxation[a][b]))
      }
    }
    let volume = model.boxVolume
    let responses = (0..<m).map { a in
      (0..<m).map { b in (born[a][b] - (relaxation[a][b] + relaxation[b][a]) / 2) / volume }
    }
    let contacts = ContactStatistics(network: model.contactNetwork(at: positions, neighbours: minimum.neighbours),
                                     dimension: model.dimension, minimumContacts: model.rattlerContactThreshold)
    let stress = model.stress(at: positions)
    return ElasticResponse(
      constants: ElasticConstants(responses: responses, dimension: model.dimension),
      born: ElasticConstants(responses: born.map { $0.map { $0 / volume } }, dimension: model.dimension),
      stress: stress, pressure: ParticleModel.pressure(of: stress),
      volume: volume, nonAffineFields: fields,
      contacts: contacts,
      rattlers: minimum.rattlers, relaxationAsymmetry: largest > 0 ? asymmetry / largest : 0)
  }
}
