#!/usr/bin/env python3
"""Cross-check mdsens against JAX-MD + JAXopt on the paper's system (Blondel et al. 2022, Sec. 4).

Usage: tools/crosscheck_jaxmd.py [--mdsens PATH] [--seeds 0 1 2] [--reference FILE ...] [--rtol 1e-7]
                                 [--workdir DIR] [--json SUMMARY.json]

For every seed S:
  1. exports mdsens's random start (`mdsens minimize --max-steps 0 --seed S --out start.xyz`) and checks
     that JAX-MD's soft-sphere energy of those positions equals mdsens's;
  2. minimises with mdsens (`mdsens minimize --seed S`) and with JAX-MD's fire_descent (float64, physical
     coordinates, same dt_start 0.1 / dt_max 0.4, from the same start, until max |F| <= 1e-12) and compares
     the minima by energy. JAX-MD keeps FIRE's step control in float16 and mdsens's CLI in double, so the
     two trajectories drift apart and may end in neighbouring minima: a different minimum is reported
     ("neighbour") but is not a failure; the same minimum with a different energy is;
  3. feeds mdsens's minimum to JAXopt: dx/dtheta by implicit differentiation (jaxopt's root_jvp,
     the rule of custom_root, of F(x, theta) = grad_x E(x, theta) in normalised coordinates x = R/L with x held fixed and the
     packing fraction held, so L = L(theta); BiCGSTAB tol 1e-12), and compares it with
     `mdsens sensitivity --positions min.xyz --param diameter --json` (max |difference| / max |dx|).
For each reference file (default /work/shared/reference/*.json, else ../shared/reference): feeds `x_fire` to
mdsens and compares with `dx_implicit_tight` (and with this script's own JAXopt sensitivity).

Prints a table; exits 0 when everything agrees, 1 on a disagreement, 2 when jax-md/jaxopt are missing.
Needs: pip install jax-md jaxopt h5py numpy; a release build (swift build -c release --product mdsens).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from mdsens_files import particle_group

try:
    import h5py
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax_md import energy, minimize, space
    from jaxopt.implicit_diff import root_jvp
    from jaxopt.linear_solve import solve_bicgstab
except ImportError as error:
    print(f"crosscheck_jaxmd: {error}; install with: pip install jax-md jaxopt h5py numpy", file=sys.stderr)
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N, PHI, THETA = 128, 0.98, 0.6
SPECIES = np.array([0] * 64 + [1] * 64)
NAMES = ["small", "large"]


def box_length(theta):
    """L(theta) at packing fraction PHI: (N/2) pi (theta^2 + 1) / 4 = PHI L^2."""
    return jnp.sqrt((N / 2) * jnp.pi * (theta ** 2 + 1) / 4 / PHI)


def sigma_matrix(theta):
    return jnp.array([[theta, (1 + theta) / 2], [(1 + theta) / 2, 1.0]])


def physical_energy(theta):
    """E(R) in physical coordinates (periodic box L(theta))."""
    displacement, shift = space.periodic(box_length(theta))
    return energy.soft_sphere_pair(displacement, species=SPECIES, sigma=sigma_matrix(theta), epsilon=1.0, alpha=2.0), shift


def normalised_energy(x, theta):
    """E(x, theta) with x = R/L fixed while L(theta) changes (the reference's convention): R = L(theta) x.

    Written with space.periodic(L) on R = L x rather than space.periodic_general(L,
    fractional_coordinates=True) on x: the latter's box derivative makes d/dtheta L times too large
    (the trap DESIGN.md Sec. 5 records)."""
    L = box_length(theta)
    displacement, _ = space.periodic(L)
    return energy.soft_sphere_pair(displacement, species=SPECIES, sigma=sigma_matrix(theta), epsilon=1.0,
                                   alpha=2.0)(L * x)


def optimality(x, theta):
    return jax.grad(normalised_energy)(x, theta)


def jaxopt_sensitivity(x_star, theta=THETA, tol=1e-12):
    """dx*/dtheta (normalised) by JAXopt's implicit differentiation at the given minimum.

    jaxopt.implicit_diff.root_jvp is the forward-mode rule behind @custom_root (whose custom_vjp form
    cannot be used with jax.jacfwd): it solves (d_x F) u = -(d_theta F) with the given solver."""
    def solve(matvec, b):
        return solve_bicgstab(matvec, b, tol=tol, maxiter=100_000)

    return np.asarray(root_jvp(optimality, jnp.asarray(x_star), (jnp.asarray(theta),), (jnp.asarray(1.0),),
                               solve=solve))


def jaxmd_fire(R0, theta=THETA, ftol=1e-12, max_steps=100_000, chunk=100):
    energy_fn, shift = physical_energy(theta)
    force_fn = jax.grad(lambda R: -energy_fn(R))
    init, apply = minimize.fire_descent(energy_fn, shift, dt_start=0.1, dt_max=0.4)

    @jax.jit
    def run(state):
        def body(_, carry):
            state, steps = carry
            done = jnp.max(jnp.abs(force_fn(state.position))) <= ftol
            state = jax.lax.cond(done, lambda s: s, apply, state)
            return state, steps + jnp.where(done, 0, 1)
        return jax.lax.fori_loop(0, chunk, body, (state, 0))

    state, steps = init(jnp.asarray(R0)), 0
    while steps < max_steps:
        state, taken = run(state)
        steps += int(taken)
        if int(taken) < chunk:
            break
    R = np.asarray(state.position)
    return R, float(energy_fn(state.position)), float(jnp.max(jnp.abs(force_fn(state.position)))), steps


def read_xyz(path):
    """Species and positions (x, y) of the LAST frame of an extended XYZ file."""
    with open(path) as handle:
        lines = handle.read().splitlines()
    start = 0
    while True:
        count = int(lines[start])
        if start + 2 + count >= len(lines) or not lines[start + 2 + count].strip():
            break
        start += 2 + count
    rows = [line.split() for line in lines[start + 2:start + 2 + count]]
    return np.array([NAMES.index(row[0]) for row in rows]), np.array([[float(v) for v in row[1:3]] for row in rows])


def write_xyz(path, species, R, L):
    with open(path, "w") as handle:
        handle.write(f"{len(R)}\n")
        handle.write(f'Lattice="{L!r} 0 0 0 {L!r} 0 0 0 1.0" Properties=species:S:1:pos:R:3 pbc="T T F"\n')
        for s, (a, b) in zip(species, R):
            handle.write(f"{NAMES[s]} {float(a)!r} {float(b)!r} 0\n")


def mdsens(binary, *arguments, allowed=(0,)):
    done = subprocess.run([binary, *arguments], capture_output=True, text=True)
    if done.returncode not in allowed:
        raise RuntimeError(f"mdsens {' '.join(arguments)} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout) if "--json" in arguments else done.stdout


def mdsens_sensitivity(binary, positions, workdir, tag):
    """mdsens's implicit dx/dtheta (normalised) at the minimum in `positions`, and its JSON."""
    out = os.path.join(workdir, f"{tag}-sensitivity.h5")
    result = mdsens(binary, "sensitivity", "--positions", positions, "--param", "diameter", "--json", "--out", out)
    with h5py.File(out, "r") as h5:
        R = particle_group(h5)["position/value"][-1][:, :2]
        dR = particle_group(h5)["sensitivity_diameter/value"][-1][:, :2]
    L, dL = result["box"][0], result["box_length_derivative"]
    return (dR - R / L * dL) / L, result


def relative(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def same_minimum(Ra, Rb, L, rattlers=()):
    """Max particle distance between two minima after removing the mean translation (periodic), rattlers
    (free in their cages, no energy) left out."""
    keep = np.setdiff1d(np.arange(len(Ra)), np.asarray(rattlers, dtype=int))
    d = Ra[keep] - Rb[keep]
    d -= L * np.round(d / L)
    d -= d.mean(axis=0)
    d -= L * np.round(d / L)
    return float(np.max(np.abs(d)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mdsens", default=os.path.join(ROOT, ".build", "release", "mdsens"))
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2, 3])
    parser.add_argument("--reference", nargs="*")
    parser.add_argument("--rtol", type=float, default=1e-7, help="tolerance of the sensitivity comparisons")
    parser.add_argument("--workdir")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args()
    if not os.path.exists(args.mdsens):
        sys.exit(f"crosscheck_jaxmd: no {args.mdsens}; build it with: swift build -c release --product mdsens")
    references = args.reference
    if references is None:
        references = sorted(glob.glob("/work/shared/reference/*.json")) or \
            sorted(glob.glob(os.path.join(ROOT, "..", "shared", "reference", "*.json")))
    workdir = args.workdir or tempfile.mkdtemp(prefix="mdsens-crosscheck-")
    os.makedirs(workdir, exist_ok=True)
    L = float(box_length(THETA))
    rows, failures = [], []

    def row(case, check, mdsens_value, other_value, difference, ok, note=""):
        rows.append(dict(case=case, check=check, mdsens=mdsens_value, other=other_value, difference=difference,
                         ok=ok, note=note))
        if not ok:
            failures.append(f"{case}: {check} {note}")

    for path in references:
        name = os.path.basename(path).removesuffix(".json")
        ref = json.load(open(path))
        species = np.array(ref["species"])
        x_fire = np.array(ref["x_fire"])
        Lref = ref["box_size"]
        positions = os.path.join(workdir, f"{name}-x_fire.xyz")
        write_xyz(positions, species, x_fire * Lref, Lref)
        dx_mdsens, result = mdsens_sensitivity(args.mdsens, positions, workdir, name)
        tight = np.array(ref["dx_implicit_tight"])
        r = relative(dx_mdsens, tight)
        row(name, "mdsens dx vs dx_implicit_tight", result["l1_norm"], ref["l1"]["implicit_tol1e_12"], r, r <= args.rtol,
            "relative max |diff|; columns: L1 norms")
        r = relative(dx_mdsens, np.array(ref["dx_fd"]))
        row(name, "mdsens dx vs dx_fd (h=1e-5)", result["l1_norm"], ref["l1"]["fd_warm"], r, r <= 1e-5,
            "FD truncation ~1e-7")
        dx_jax = jaxopt_sensitivity(x_fire)
        r = relative(dx_jax, tight)
        row(name, "this script's jaxopt dx vs dx_implicit_tight", float(np.abs(dx_jax).sum()),
            ref["l1"]["implicit_tol1e_12"], r, r <= args.rtol)
        e = float(physical_energy(THETA)[0](jnp.asarray(x_fire * Lref)))
        row(name, "jax-md energy at x_fire vs reference", e, ref["energy"], abs(e - ref["energy"]) / ref["energy"],
            abs(e - ref["energy"]) <= 1e-10 * ref["energy"])

    for seed in args.seeds:
        case = f"seed {seed}"
        start = os.path.join(workdir, f"seed{seed}-start.xyz")
        started = mdsens(args.mdsens, "minimize", "--max-steps", "0", "--seed", str(seed), "--out", start, "--json",
                         allowed=(0, 3))
        species, R0 = read_xyz(start)
        assert (species == SPECIES).all(), "unexpected species order"
        energy_fn = physical_energy(THETA)[0]
        e0 = float(energy_fn(jnp.asarray(R0)))
        d = abs(e0 - started["energy"]) / abs(started["energy"])
        row(case, "energy at the random start", started["energy"], e0, d, d <= 1e-12)

        minimum = os.path.join(workdir, f"seed{seed}-minimum.xyz")
        minimised = mdsens(args.mdsens, "minimize", "--seed", str(seed), "--out", minimum, "--json")
        _, R_md = read_xyz(minimum)
        R_jax, e_jax, f_jax, steps_jax = jaxmd_fire(R0)
        dx_mdsens, result = mdsens_sensitivity(args.mdsens, minimum, workdir, f"seed{seed}")
        distance = same_minimum(R_md, R_jax, L, result["rattlers"])
        d = abs(minimised["energy"] - e_jax) / e_jax
        same = distance < 1e-6
        ok = f_jax <= 1e-12 and (d <= 1e-9 if same else True)
        note = (f"same minimum (max |dR| {distance:.1e}{' without rattlers' if result['rattlers'] else ''}); FIRE steps mdsens {minimised['steps']}, jax-md {steps_jax}"
                if same else
                f"neighbouring minimum (max |dR| {distance:.2g}; trajectories drift apart, presumably float16 vs double step control); "
                f"FIRE steps mdsens {minimised['steps']}, jax-md {steps_jax}")
        row(case, "FIRE minimum energy (mdsens vs jax-md)", minimised["energy"], e_jax, d, ok, note)

        dx_jax = jaxopt_sensitivity(R_md / L)
        # Rattlers: mdsens removes them (zero sensitivity); JAXopt's Krylov solution is zero there too.
        r = relative(dx_mdsens, dx_jax)
        row(case, "dx/dtheta at mdsens's minimum (jaxopt)", result["l1_norm"], float(np.abs(dx_jax).sum()), r,
            r <= args.rtol, f"rattlers {result['rattlers']}")

    width = max(len(r["check"]) for r in rows)
    print(f"{'case':<28} {'check':<{width}} {'mdsens':>20} {'jax-md/jaxopt/ref':>20} {'rel. diff':>10}  ok   note")
    for r in rows:
        print(f"{r['case']:<28} {r['check']:<{width}} {r['mdsens']:>20.12f} {r['other']:>20.12f} "
              f"{r['difference']:>10.2e}  {'yes' if r['ok'] else 'NO ':<4} {r['note']}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(dict(rows=rows, failures=failures, rtol=args.rtol), handle, indent=1)
    if failures:
        print(f"\n{len(failures)} disagreement(s):\n  " + "\n  ".join(failures))
        return 1
    print(f"\nall {len(rows)} checks agree (sensitivities to rtol {args.rtol:g}); files in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
