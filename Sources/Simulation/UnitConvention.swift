import Trajectories

/// The units written into trajectory files.
///
/// mdsens computes in the model's reduced units: lengths in the unit of the system file's
/// diameters (σ), energies in units of ε, time in minimiser steps. Files state that convention in
/// the H5MD units module; the numbers themselves never change.
public enum UnitConvention: String, Sendable, CaseIterable {
  /// No unit strings (H5MD: a dataset without `unit` is in the reduced units the module names,
  /// `system = "reduced"`). MDAnalysis opens such files with `convert_units=False`.
  case reduced
  /// SI-style symbols with the scale σ = 1 nm, ε = 1 kJ mol⁻¹ and one time unit (one minimiser
  /// step) = 1 ps: the symbols of GROMACS and of MDAnalysis's own H5MD files, so that readers that
  /// convert units (MDAnalysis by default) accept the file. The numbers are the reduced ones.
  case molecular

  /// The `system` attribute of `/h5md/modules/units`.
  public var systemName: String { self == .reduced ? "reduced" : "SI" }
  /// The unit of lengths (positions, box edges), or empty.
  public var length: String { self == .reduced ? "" : "nm" }
  /// The unit of energies, or empty.
  public var energy: String { self == .reduced ? "" : "kJ mol-1" }
  /// The unit of times, or empty.
  public var time: String { self == .reduced ? "" : "ps" }

  /// The H5MD unit string of lengthᵃ · energyᵇ (e.g. a = 1, b = -1: `"nm kJ-1 mol"`), empty when
  /// dimensionless or in reduced units.
  public func unit(lengthPower a: Int, energyPower b: Int) -> String {
    guard self == .molecular else { return "" }
    var factors: [String] = []
    if a != 0 { factors.append(a == 1 ? "nm" : "nm\(a)") }
    // kJ mol-1 raised to b: kJ^b mol^-b.
    if b != 0 {
      factors.append(b == 1 ? "kJ" : "kJ\(b)")
      factors.append(-b == 1 ? "mol" : "mol\(-b)")
    }
    return factors.joined(separator: " ")
  }

  /// The unit of a position derivative dR/dθ for a parameter θ of unit lengthᵃ · energyᵇ:
  /// lengthʹ⁻ᵃ · energy⁻ᵇ (a diameter or box length gives a dimensionless field, ε gives
  /// length / energy).
  public func sensitivityUnit(parameterLengthPower a: Int, parameterEnergyPower b: Int) -> String {
    unit(lengthPower: 1 - a, energyPower: -b)
  }
}
