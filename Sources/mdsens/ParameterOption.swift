import Models
import Sensitivity
import Simulation

extension Arguments {
  /// `--param NAME` (with `--species` for a diameter) as the library's parameter θ and a label for
  /// reports; nil without `--param`. Names: diameter, epsilon, alpha, box, packing-fraction, strain:C.
  func sensitivityParameter(of system: ParticleSystem) throws -> (parameter: SensitivityParameter, label: String)? {
    guard let name = values["param"] else {
      guard values["species"] == nil else { throw UsageError("--species goes with --param diameter") }
      return nil
    }
    if values["species"] != nil && name != "diameter" { throw UsageError("--species goes with --param diameter") }
    switch name {
    case "diameter":
      let species = try values["species"].map { try system.speciesIndex(named: $0) } ?? system.variableSpecies
      return (.speciesDiameter(species), "diameter of species '\(system.speciesNames[species])'")
    case "epsilon":
      return (.epsilon, name)
    case "alpha":
      guard system.potential.parameterNames.contains("alpha") else {
        throw UsageError("the \(system.description.potential.kind) potential has no parameter alpha")
      }
      return (.alpha, name)
    case "box":
      return (.boxLength, name)
    case "packing-fraction":
      return (.packingFraction, name)
    case let text where text.hasPrefix("strain:"):
      let component = String(text.dropFirst("strain:".count))
      guard let strain = StrainComponent(rawValue: component), strain.exists(in: system.dimension) else {
        let names = StrainComponent.components(dimension: system.dimension).map(\.rawValue).joined(separator: ", ")
        throw UsageError("--param strain:C needs a strain component of a \(system.dimension)D cell (\(names)), got '\(component)'")
      }
      guard system.periodic else { throw UsageError("--param strain needs a periodic system") }
      return (.strain(strain), "strain \(component)")
    default:
      throw UsageError("unknown parameter '\(name)'; use diameter, epsilon, alpha, box, packing-fraction or strain:C")
    }
  }
}
