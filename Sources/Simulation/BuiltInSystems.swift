/// Systems that ship inside the library, so that `mdsens minimize` runs with no file at all.
public enum BuiltInSystems {
  /// The paper's experiment (Blondel et al. 2022, Fig. 5; JAX-MD's meta-optimisation notebook);
  /// identical to `Systems/paper-2d-128.json`, which a test checks.
  public static let paperJSON = """
    {
      "name": "paper-2d-128",
      "description": "The experiment of Blondel et al. (2022), Sec. 4 / Fig. 5, as in JAX-MD's meta-optimisation notebook: 128 harmonic soft discs in a periodic square box, half of diameter theta = 0.6 (the variable species), half of diameter 1.0, sigma_ij by additive mixing ([[theta, (1+theta)/2], [(1+theta)/2, 1]]), packing fraction 0.98, so L = sqrt((N/2) pi (theta^2 + 1) / 4 / phi) = 8.35201650722.",
      "dimension": 2,
      "boundary": "periodic",
      "species": [
        { "name": "small", "count": 64, "diameter": 0.6, "variable": true },
        { "name": "large", "count": 64, "diameter": 1.0 }
      ],
      "potential": { "kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0 },
      "packing_fraction": 0.98,
      "initial": { "seed": 0 },
      "minimizer": { "kind": "fire", "force_tolerance": 1e-12, "max_steps": 100000, "neighbour_skin": 0.2 }
    }
    """

  /// The default system of the command-line tool.
  public static func paper() throws -> ParticleSystem {
    try ParticleSystem.parse(json: paperJSON, origin: "built-in paper-2d-128")
  }
}
