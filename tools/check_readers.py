#!/usr/bin/env python3
"""Open every kind of mdsens output with the readers users have: ASE, MDAnalysis, OVITO, h5py, pyh5md.

Usage: tools/check_readers.py [--mdsens PATH] [--keep DIR]

Writes, with the built mdsens (default .build/debug/mdsens, else .build/release/mdsens), a 2D and a
3D packing as H5MD and extended XYZ, and a sensitivity file of each, in every layout the command
line offers (--units reduced|molecular, --embed-3d, --xyz-planar). Each file is then opened with
every reader that is importable, and the positions, box, species and per-particle fields it reports
are compared with mdsens's own numbers (read with h5py from the H5MD file, or parsed from the XYZ
text). Installs nothing: a reader that is not importable is reported as skipped
(tools/setup.sh --python makes a venv with all of them). Prints one line per reader and file and
a table; exits 1 when a reader fails on a file it should open, 0 otherwise, 2 when numpy is missing.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from mdsens_files import built_mdsens, particle_group
import traceback
import warnings

warnings.filterwarnings("ignore")
try:
    import numpy as np
except ImportError as error:
    print(f"check_readers: {error}; run tools/setup.sh --python", file=sys.stderr)
    sys.exit(2)


def importable(name):
    try:
        __import__(name)
        return True
    except Exception:
        return False


SYSTEM_3D = {
    "name": "hertzian-3d-64", "dimension": 3,
    "species": [{"name": "small", "count": 32, "diameter": 1.0, "variable": True},
                {"name": "large", "count": 32, "diameter": 1.4}],
    "potential": {"kind": "soft-sphere", "alpha": 2.5}, "packing_fraction": 0.7,
    "initial": {"seed": 1}, "minimizer": {"force_tolerance": 1e-10, "max_steps": 100000},
}


class Reference:
    """mdsens's own numbers for one file, from the H5MD twin (h5py) or the XYZ text."""

    def __init__(self, positions, box, species, fields, dimension):
        self.positions, self.box, self.species = positions, box, species
        self.fields, self.dimension = fields, dimension


def reference_from_xyz(path):
    lines = open(path).read().splitlines()
    n = int(lines[0])
    comment = lines[1]
    properties = comment.split("Properties=")[1].split()[0].split(":")
    columns, index = {}, 0
    for name, kind, count in zip(properties[0::3], properties[1::3], properties[2::3]):
        columns[name] = (index, int(count))
        index += int(count)
    rows = [line.split() for line in lines[2:2 + n]]
    start, width = columns["pos"]
    positions = np.array([[float(value) for value in row[start:start + width]] for row in rows])
    lattice = comment.split('Lattice="')[1].split('"')[0].split()
    box = np.array([float(lattice[0]), float(lattice[4]), float(lattice[8])])
    name_column = columns["species_name"][0]
    species = [row[name_column] for row in rows]
    fields = {}
    for name, (start, count) in columns.items():
        if name.startswith("sensitivity_") or name.startswith("gradient_"):
            fields[name] = np.array([[float(value) for value in row[start:start + count]] for row in rows])
    return Reference(positions, box, species, fields, width)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def close(a, b, what, tolerance=1e-12):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    check(a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}")
    check(np.allclose(a, b, rtol=tolerance, atol=tolerance), f"{what}: differs by {np.max(np.abs(a - b))}")


# Each reader: (name, module, function(path, reference, info) -> short description).

def read_ase(path, ref, info):
    import ase.io
    frames = ase.io.read(path, index=":")
    atoms = frames[-1]
    close(atoms.positions[:, :ref.dimension], ref.positions[:, :ref.dimension], "ASE positions")
    close(atoms.cell.lengths()[:2], ref.box[:2], "ASE box")
    check(list(atoms.arrays["species_name"]) == ref.species, "ASE species_name")
    for name, values in ref.fields.items():
        close(atoms.arrays[name], values, f"ASE {name}")
    return f"{len(frames)} frames, pbc {atoms.pbc.tolist()}, species_name + {sorted(ref.fields)}"


def read_ovito(path, ref, info):
    from ovito.io import import_file
    data = import_file(path).compute(-1)
    positions = np.array(data.particles.positions)
    close(positions[:, :ref.dimension], ref.positions[:, :ref.dimension], "OVITO positions")
    cell = np.array(data.cell)
    close(np.diag(cell[:, :3])[:2], ref.box[:2], "OVITO box")
    types = data.particles.particle_types
    names = [types.type_by_id(t).name for t in types]
    check(len(set(names)) == len(set(ref.species)), "OVITO types")
    for name, values in ref.fields.items():
        close(np.array(data.particles[name])[:, :values.shape[1]], values, f"OVITO {name}")
    if info["dimension"] == 2:
        check(data.cell.is2D == info["planar"], f"OVITO is2D = {data.cell.is2D}")
    return f"is2D {data.cell.is2D}, types {sorted(set(names))}, fields {sorted(ref.fields)}"


def read_mdanalysis(path, ref, info):
    import MDAnalysis as mda
    convert = info["units"] == "molecular"
    if convert:
        # The file alone: MDAnalysis builds the atoms from the particle group `trajectory`; its
        # minimal topology finds the reader by the extension only, so the file is named .h5md.
        h5md_copy = os.path.splitext(path)[0] + ".h5md"
        shutil.copyfile(path, h5md_copy)
        universe = mda.Universe(h5md_copy)
        opened = "Universe(file.h5md)"
    else:
        # Reduced units have no unit MDAnalysis can convert, and its minimal topology cannot be
        # told convert_units=False (MDAnalysis 2.11 passes it on to parse_n_atoms, which refuses it).
        universe = mda.Universe.empty(len(ref.positions), trajectory=True)
        universe.load_new(path, format="H5MD", convert_units=False)
        opened = "Universe.empty(N).load_new(file, convert_units=False)"
    check(len(universe.atoms) == len(ref.positions), "MDAnalysis atom count")
    timestep = universe.trajectory[-1]
    scale = 10.0 if convert else 1.0  # MDAnalysis converts nm to Å
    # MDAnalysis holds coordinates in float32: agreement to its rounding, 2⁻²³ relative.
    close(universe.atoms.positions[:, :ref.dimension] / scale, ref.positions[:, :ref.dimension],
          "MDAnalysis positions", tolerance=2e-6)
    close(universe.dimensions[:2] / scale, ref.box[:2], "MDAnalysis box", tolerance=2e-6)
    # Per-particle fields reach MDAnalysis as observables of the particle group, in ts.data
    # (never unit-converted: MDAnalysis converts positions, velocities and forces only).
    for name, values in ref.fields.items():
        close(np.asarray(timestep.data[f"trajectory/{name}"])[:, :values.shape[1]], values, f"MDAnalysis {name}")
    return (f"{opened}: {len(universe.atoms)} atoms, {len(universe.trajectory)} frames, "
            f"box {np.round(universe.dimensions[:3], 4).tolist()}, convert_units={convert}, "
            f"ts.data {sorted(k for k in timestep.data if k.startswith('trajectory/'))}")


def read_h5py(path, ref, info):
    import h5py
    with h5py.File(path, "r") as f:
        group = particle_group(f)
        close(group["position/value"][-1], ref.positions, "h5py positions")
        names = list(group["species"].attrs["names"])
        check([names[i] for i in group["species"][:]] == ref.species, "h5py species")
        for name, values in ref.fields.items():
            close(group[name]["value"][-1], values, f"h5py {name}")
        check(f["h5md/author"].attrs["name"] != "", "empty author")
        system = f["h5md/modules/units"].attrs["system"]
        check(group["box/edges/step"].id == group["position/step"].id, "box step is not the position's")
        observables = f.get("observables", {})
        for name in observables:
            if name == group.name.split("/")[-1]:  # the particle group's fields, hard-linked
                for field in observables[name]:
                    check(observables[name][field].id == group[field].id, f"observable {name}/{field} is not the field")
            else:
                check(observables[name]["value"].shape[0] > 0, f"empty observable {name}")
        units = {name: group[name]["value"].attrs.get("unit", "") for name in ref.fields}
    return f"units system {system}, field units {units}"


def read_pyh5md(path, ref, info):
    import pyh5md
    with pyh5md.File(path, "r") as f:
        group = f.particles_group(particle_group(f).name.split("/")[-1])
        position = pyh5md.element(group, "position")
        close(position.value[-1], ref.positions, "pyh5md positions")
        edges = pyh5md.element(group["box"], "edges")
        close(edges.value[-1][:2], ref.box[:2], "pyh5md box")
        for name, values in ref.fields.items():
            close(pyh5md.element(group, name).value[-1], values, f"pyh5md {name}")
    return "position, box edges and fields as elements"


def read_ovito_lammps(path, ref, info):
    from ovito.io import import_file
    data = import_file(path, atom_style=info["style"]).compute(-1)
    order = np.argsort(np.array(data.particles.identifiers))
    positions = np.array(data.particles.positions)[order]
    close(positions[:, :ref.dimension], ref.positions[:, :ref.dimension], "OVITO positions")
    close(np.diag(np.array(data.cell)[:, :3])[:2], ref.box[:2], "OVITO box")
    types = np.array(data.particles.particle_types)[order]
    names = dict(zip(ref.species, types))
    check(len(set(names.values())) == len(names), "OVITO types do not separate the species")
    description = f"types {sorted(set(types.tolist()))}"
    if info["style"] == "sphere":
        radius = np.array(data.particles["Radius"])[order]
        description += f", radii {sorted(set(np.round(radius, 6).tolist()))}"
    return description


def read_mdanalysis_lammps(path, ref, info):
    import MDAnalysis as mda
    # MDAnalysis's XYZ reader has no box; its LAMMPS data reader has (a 2D file as a thin slab).
    columns = "id type diameter density x y z" if info["style"] == "sphere" else "id type x y z"
    universe = mda.Universe(path, format="DATA", atom_style=columns)
    order = np.argsort(universe.atoms.ids)
    close(universe.atoms.positions[order][:, :ref.dimension], ref.positions[:, :ref.dimension],
          "MDAnalysis positions", tolerance=2e-6)
    close(universe.dimensions[:ref.dimension], ref.box[:ref.dimension], "MDAnalysis box", tolerance=2e-6)
    types = universe.atoms.types[order]
    names = dict(zip(ref.species, types))
    check(len(set(names.values())) == len(names), "MDAnalysis types do not separate the species")
    return f"box {np.round(universe.dimensions[:3], 4).tolist()}, types {sorted(set(types.tolist()))}"


def reference_from_h5md(path):
    import h5py
    with h5py.File(path, "r") as f:
        group = particle_group(f)
        positions = group["position/value"][-1]
        box = group["box/edges/value"][-1]
        names = list(group["species"].attrs["names"])
        species = [names[i] for i in group["species"][:]]
        fields = {name: group[name]["value"][-1] for name in group
                  if name.startswith("sensitivity_") or name.startswith("gradient_")}
        dimension = int(group["box"].attrs["dimension"])
    return Reference(positions, box, species, fields, dimension)


READERS = [("h5py", "h5py", read_h5py, "h5md"), ("pyh5md", "pyh5md", read_pyh5md, "h5md"),
           ("ASE", "ase", read_ase, "xyz"), ("MDAnalysis", "MDAnalysis", read_mdanalysis, "h5md"),
           ("OVITO", "ovito", read_ovito, "xyz")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mdsens", default=None)
    parser.add_argument("--keep", default=None, help="write the files into this directory and keep them")
    arguments = parser.parse_args()
    binary = built_mdsens(arguments.mdsens)
    if binary is None:
        print("check_readers: no built mdsens; run swift build first", file=sys.stderr)
        return 1
    directory = arguments.keep or tempfile.mkdtemp(prefix="mdsens-readers-")
    os.makedirs(directory, exist_ok=True)
    system_3d = os.path.join(directory, "hertzian-3d-64.json")
    json.dump(SYSTEM_3D, open(system_3d, "w"))

    def run(*command):
        subprocess.run([binary, *command], check=True, stdout=subprocess.DEVNULL)

    # (file, dimension, units, embedded in 3D, planar XYZ, command)
    cases = []
    for dimension, system in ((2, []), (3, [system_3d])):
        minimum = os.path.join(directory, f"minimum-{dimension}d.h5")
        run("minimize", *system, "--out", minimum)
        layouts = [("reduced", False, False), ("molecular", False, False)]
        if dimension == 2:
            layouts += [("reduced", True, False), ("molecular", True, False), ("reduced", False, True)]
        for units, embedded, planar in layouts:
            flags = ["--units", units] + (["--embed-3d"] if embedded else []) + (["--xyz-planar"] if planar else [])
            tag = f"{dimension}d-{units}" + ("-embed3d" if embedded else "") + ("-planar" if planar else "")
            for kind in ("h5md", "xyz"):
                if planar and kind == "h5md":
                    continue
                extension = "h5" if kind == "h5md" else "xyz"
                for product in ("minimize", "sensitivity"):
                    path = os.path.join(directory, f"{product}-{tag}.{extension}")
                    if product == "minimize":
                        run("minimize", *system, "--positions", minimum, "--out", path, *flags)
                    else:
                        run("sensitivity", *system, "--param", "diameter", "--positions", minimum, "--out", path, *flags)
                    cases.append((path, dimension, units, embedded, planar, kind, product))

    # LAMMPS data files, for OVITO (which has no H5MD importer) and MDAnalysis (whose XYZ has no box), with the H5MD minimum as reference.
    lammps_cases = []
    for dimension, system in ((2, []), (3, [system_3d])):
        minimum = os.path.join(directory, f"minimum-{dimension}d.h5")
        for style in ("sphere", "atomic"):
            path = os.path.join(directory, f"minimize-{dimension}d-{style}.data")
            run("minimize", *system, "--positions", minimum, "--out", path, "--lammps-style", style)
            lammps_cases.append((path, dimension, style, minimum))

    failures = 0
    table = {}
    for path, dimension, style, minimum in lammps_cases:
        label = os.path.basename(path)
        for name, module, reader in (("OVITO", "ovito", read_ovito_lammps),
                                     ("MDAnalysis", "MDAnalysis", read_mdanalysis_lammps)):
            if not importable(module):
                print(f"skip  {name:10s} {label}: {module} is not importable")
                continue
            try:
                description = reader(path, reference_from_h5md(minimum), {"style": style})
                print(f"ok    {name:10s} {label}: {description}")
                table[(name, label)] = "yes"
            except Exception as error:
                print(f"FAIL  {name:10s} {label}: {type(error).__name__}: {str(error)[:140]}")
                failures += 1
                table[(name, label)] = "FAIL"
    for path, dimension, units, embedded, planar, kind, product in cases:
        reference = reference_from_h5md(path) if kind == "h5md" else reference_from_xyz(path)
        info = {"dimension": dimension, "units": units, "planar": planar}
        for name, module, reader, reader_kind in READERS:
            if reader_kind != kind:
                continue
            label = f"{os.path.basename(path)}"
            if not importable(module):
                print(f"skip  {name:10s} {label}: {module} is not importable")
                table[(name, label)] = "skipped"
                continue
            # Expected refusals, stated rather than hidden: MDAnalysis opens 3D boxes only; ASE
            # refuses the planar 2-column layout that OVITO needs for a 2D cell.
            expected_refusal = (name == "MDAnalysis" and dimension == 2 and not embedded) or \
                               (name == "ASE" and planar)
            try:
                description = reader(path, reference, info)
                if expected_refusal:
                    print(f"FAIL  {name:10s} {label}: opened although a refusal was expected")
                    failures += 1
                    table[(name, label)] = "unexpected"
                else:
                    print(f"ok    {name:10s} {label}: {description}")
                    table[(name, label)] = "yes"
            except Exception as error:
                message = str(error).splitlines()[0][:140] if str(error) else repr(error)
                if expected_refusal:
                    print(f"no    {name:10s} {label}: refuses as documented ({type(error).__name__}: {message})")
                    table[(name, label)] = "refused (documented)"
                else:
                    print(f"FAIL  {name:10s} {label}: {type(error).__name__}: {message}")
                    if os.environ.get("CHECK_READERS_TRACEBACK"):
                        traceback.print_exc()
                    failures += 1
                    table[(name, label)] = "FAIL"
    print(f"check_readers: {len(table)} reader/file pairs, {failures} failures; files in {directory}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
