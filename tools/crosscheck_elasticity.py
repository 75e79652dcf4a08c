#!/usr/bin/env python3
"""Cross-check `mdsens elasticity` against JAX-MD's athermal moduli on the same minimum.

Usage: tools/crosscheck_elasticity.py [--mdsens PATH] [--seeds 0 1 2] [--rtol 1e-6] [--workdir DIR]

For every seed S, on the paper's system (Systems/paper-2d-128.json: harmonic soft discs, sigma by
additive mixing): minimises with mdsens (`mdsens minimize --seed S --out min.xyz`), runs
`mdsens elasticity --positions min.xyz --json`, and computes the same stiffness tensor with
jax_md.elasticity.athermal_moduli (float64, space.periodic_general in fractional coordinates, the
strain applied as the box perturbation I + e, its CG at tolerance 1e-12 and its tether 1e-10 I) and
jax_md.elasticity.extract_isotropic_moduli. The two definitions are the same (C_ijkl of
U/V = U0/V + s:e + 1/2 e:C:e, e the symmetric strain), so the elements, B and G are compared directly;
the pressure is compared with JAX-MD's quantity.pressure-free virial -tr(stress)/d from mdsens's JSON.

Prints a table; exits 0 when every relative difference is within --rtol, 1 otherwise, 2 when
jax-md is missing. Needs: pip install jax-md numpy; a release build (swift build -c release --product mdsens).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax_md import elasticity, energy, space
except ImportError as error:
    print(f"crosscheck_elasticity: {error}; install with: pip install jax-md numpy", file=sys.stderr)
    sys.exit(2)

from mdsens_files import ROOT, read_last_xyz_frame
ELEMENTS_2D = ["cxxxx", "cyyyy", "cxyxy", "cxxyy", "cxxxy", "cyyxy"]


def voigt_to_elements(voigt):
    """mdsens's Voigt matrix (xx, yy, xy) to JAX-MD's element names in 2D."""
    return {"cxxxx": voigt[0][0], "cyyyy": voigt[1][1], "cxyxy": voigt[2][2], "cxxyy": voigt[0][1],
            "cxxxy": voigt[0][2], "cyyxy": voigt[1][2]}


def jaxmd_moduli(positions, edges, species, sigma, epsilon, alpha):
    box = jnp.diag(jnp.array(edges))
    displacement, _ = space.periodic_general(box, fractional_coordinates=True)
    energy_fn = energy.soft_sphere_pair(displacement, species=jnp.array(species), sigma=jnp.array(sigma),
                                        epsilon=epsilon, alpha=alpha)
    fractional = jnp.array(positions / edges)
    moduli = elasticity.athermal_moduli(energy_fn, tether_strength=1e-10, cg_tol=1e-12, check_convergence=True)
    C, converged = moduli(fractional, box)
    return elasticity.extract_elements(C), elasticity.extract_isotropic_moduli(C), bool(converged)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mdsens", default=os.path.join(ROOT, ".build", "release", "mdsens"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--rtol", type=float, default=1e-6)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    system_path = os.path.join(ROOT, "Systems", "paper-2d-128.json")
    with open(system_path) as handle:
        system = json.load(handle)
    names = [s["name"] for s in system["species"]]
    diameters = [s["diameter"] for s in system["species"]]
    sigma = [[(a + b) / 2 for b in diameters] for a in diameters]
    epsilon = system["potential"].get("epsilon", 1.0)
    alpha = system["potential"].get("alpha", 2.0)
    workdir = args.workdir or tempfile.mkdtemp(prefix="mdsens-elasticity-")
    failures = 0
    print(f"{'seed':>4} {'quantity':>10} {'mdsens':>16} {'jax-md':>16} {'relative':>10}")
    for seed in args.seeds:
        minimum = os.path.join(workdir, f"min-{seed}.xyz")
        subprocess.run([args.mdsens, "minimize", system_path, "--seed", str(seed), "--out", minimum, "--json"],
                       check=True, capture_output=True)
        result = json.loads(subprocess.run([args.mdsens, "elasticity", system_path, "--positions", minimum,
                                            "--tol", "1e-12", "--json"], check=True, capture_output=True,
                                           text=True).stdout)
        species_names, positions, lattice, _ = read_last_xyz_frame(minimum, system["dimension"])
        edges = np.diag(lattice)[:system["dimension"]]
        species = [names.index(name) for name in species_names]
        elements, isotropic, converged = jaxmd_moduli(positions, edges, species, sigma, epsilon, alpha)
        ours = voigt_to_elements(result["voigt"])
        scale = max(abs(v) for v in ours.values())
        rows = [(key, ours[key], float(elements[key])) for key in ELEMENTS_2D]
        rows += [("B", result["bulk_modulus"], float(isotropic["B"])),
                 ("G", result["shear_modulus"], float(isotropic["G"]))]
        for key, mine, theirs in rows:
            relative = abs(mine - theirs) / scale
            failures += relative > args.rtol
            print(f"{seed:>4} {key:>10} {mine:>16.10g} {theirs:>16.10g} {relative:>10.2e}")
        if not converged:
            print(f"{seed:>4} jax-md's CG did not reach its tolerance", file=sys.stderr)
    print(f"crosscheck_elasticity: {'all agree' if failures == 0 else f'{failures} disagreements'} (rtol {args.rtol})")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
