"""Helpers the tools/ scripts share: finding the built mdsens, reading an mdsens extended-XYZ frame."""
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def built_mdsens(override=None):
    """The mdsens binary to run: `override`, else the debug build, else the release build, else None."""
    if override:
        return override
    return next((path for path in (os.path.join(ROOT, ".build/debug/mdsens"), os.path.join(ROOT, ".build/release/mdsens"))
                 if os.path.exists(path)), None)


def read_last_xyz_frame(path, dimension):
    """The last frame of an mdsens extended-XYZ file: species names (the species_name column when the
    file has one), positions (N x d), the lattice
    rows (3 x 3) and every per-particle column named in Properties= (N x width arrays, by name)."""
    with open(path) as handle:
        lines = handle.read().splitlines()
    start, frame = 0, None
    while start < len(lines) and lines[start].strip():
        count = int(lines[start])
        frame = (lines[start + 1], [line.split() for line in lines[start + 2:start + 2 + count]])
        start += 2 + count
    comment, rows = frame
    lattice = np.array([float(v) for v in comment.split('Lattice="')[1].split('"')[0].split()]).reshape(3, 3)
    properties = comment.split("Properties=")[1].split()[0].split(":")
    columns, column = {}, 0
    for index in range(0, len(properties), 3):
        name, width = properties[index], int(properties[index + 2])
        columns[name] = (column, width)
        column += width
    fields = {name: np.array([[float(v) for v in row[first:first + width]] for row in rows])
              for name, (first, width) in columns.items() if properties[properties.index(name) + 1] == "R"}
    # The species column holds element stand-ins for ASE; the names are in species_name when present.
    names_column = columns.get("species_name", (0, 1))[0]
    return [row[names_column] for row in rows], fields["pos"][:, :dimension], lattice, fields


def particle_group(h5file):
    """The particle group of an H5MD file, chosen as mdsens's reader chooses it: the only group under
    /particles, else `trajectory` (what mdsens writes), else `all` (older mdsens files)."""
    names = list(h5file["particles"])
    if len(names) == 1:
        return h5file["particles"][names[0]]
    for name in ("trajectory", "all"):
        if name in names:
            return h5file["particles"][name]
    raise ValueError(f"{h5file.filename}: /particles holds {names}; expected one particle group")
