/// Chemical element symbols that stand in for species in formats whose readers insist on elements.
///
/// ASE's extended XYZ reader turns the `species` column into `Atoms` symbols and refuses anything
/// that is not an element. Species `k` (0-based) is written as the element with atomic number
/// `k + 1` (H, He, Li, …), so that every species keeps a distinct type in ASE and OVITO; the real
/// names travel in a separate column. Species beyond the table share ASE's dummy symbol `X`.
enum ElementSymbols {
  static let table = [
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar",
    "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr",
  ]

  /// The symbol standing in for species `index`.
  static func symbol(forSpecies index: Int) -> String { index < table.count ? table[index] : "X" }
}
