#!/usr/bin/env python3
"""Check that an H5MD file written by mdsens has the layout other H5MD tools expect.

Usage: tools/check_h5md.py FILE.h5

Checks the /h5md metadata, /particles/<group> (the only group, or trajectory / all: position, box, species, extra per-particle fields) and
/observables: required groups and attributes, shapes consistent with N particles in d dimensions,
finite values, species indices in range. Prints a summary and exits 0, or prints the first problem
and exits 1 (2 when h5py/numpy are missing). Needs h5py and numpy (pip install h5py numpy).
"""
import sys

from mdsens_files import particle_group

try:
    import h5py
    import numpy as np
except ImportError as error:  # the Swift test skips when this happens
    print(f"check_h5md: {error}; install with: pip install h5py numpy", file=sys.stderr)
    sys.exit(2)

NON_FIELDS = {"position", "box", "species", "image", "id", "mass", "charge"}


class CheckFailure(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailure(message)


def group(parent, path):
    require(path in parent, f"missing group {parent.name.rstrip('/')}/{path}")
    item = parent[path]
    require(isinstance(item, h5py.Group), f"{item.name} is not a group")
    return item


def dataset(parent, path):
    require(path in parent, f"missing dataset {parent.name.rstrip('/')}/{path}")
    item = parent[path]
    require(isinstance(item, h5py.Dataset), f"{item.name} is not a dataset")
    return item


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def time_series(element, frame_shape):
    """Check a time-dependent element; return its number of frames."""
    value = dataset(element, "value")
    step = dataset(element, "step")
    time = dataset(element, "time")
    require(value.ndim == len(frame_shape) + 1 and value.shape[1:] == tuple(frame_shape),
            f"{value.name} has shape {value.shape}, expected (frames, {', '.join(map(str, frame_shape))})")
    frames = value.shape[0]
    require(step.shape == (frames,), f"{step.name} has shape {step.shape}, expected ({frames},)")
    require(time.shape == (frames,), f"{time.name} has shape {time.shape}, expected ({frames},)")
    require(np.issubdtype(step.dtype, np.integer), f"{step.name} is not integer")
    require(np.all(np.isfinite(value[()])), f"{value.name} has non-finite values")
    require(np.all(np.isfinite(time[()])), f"{time.name} has non-finite values")
    require(np.all(np.diff(step[()]) >= 0), f"{step.name} is not non-decreasing")
    return frames


def check(path):
    summary = []
    with h5py.File(path, "r") as f:
        h5md = group(f, "h5md")
        require("version" in h5md.attrs, "/h5md has no version attribute")
        version = [int(v) for v in np.atleast_1d(h5md.attrs["version"])]
        require(version[:1] == [1] and len(version) == 2, f"/h5md version is {version}, expected [1, x]")
        author = group(h5md, "author")
        require("name" in author.attrs, "/h5md/author has no name attribute")
        creator = group(h5md, "creator")
        for key in ("name", "version"):
            require(key in creator.attrs, f"/h5md/creator has no {key} attribute")
        summary.append(f"H5MD {version[0]}.{version[1]} by {text(author.attrs['name'])!r}, "
                       f"created with {text(creator.attrs['name'])} {text(creator.attrs['version'])}")

        particles = particle_group(f)
        where = particles.name
        box = group(particles, "box")
        require("dimension" in box.attrs, f"{where}/box has no dimension attribute")
        d = int(np.asarray(box.attrs["dimension"]).reshape(-1)[0])
        require(d in (2, 3), f"box dimension is {d}, expected 2 or 3")
        require("boundary" in box.attrs, f"{where}/box has no boundary attribute")
        boundary = [text(b) for b in np.atleast_1d(box.attrs["boundary"])]
        require(len(boundary) == d and all(b in ("periodic", "none") for b in boundary),
                f"box boundary is {boundary}, expected {d} of 'periodic'/'none'")

        species = dataset(particles, "species")
        require(species.ndim == 1 and species.shape[0] > 0, f"species has shape {species.shape}, expected (N,)")
        require(np.issubdtype(species.dtype, np.integer), "species is not integer")
        n = species.shape[0]
        names = [text(s) for s in np.atleast_1d(species.attrs.get("names", []))]
        values = species[()]
        limit = len(names) if names else values.max() + 1
        require(values.min() >= 0 and values.max() < limit,
                f"species indices {values.min()}..{values.max()} outside 0..{limit - 1}")

        frames = time_series(group(particles, "position"), (n, d))
        require(frames > 0, "position has no frames")
        if isinstance(box.get("edges"), h5py.Group):
            edge_frames = time_series(box["edges"], (d,))
            edges = box["edges/value"][()]
        else:
            edges = dataset(box, "edges")[()].reshape(1, -1)
            require(edges.shape == (1, d), f"box edges have shape {edges.shape}, expected ({d},)")
            edge_frames = 0
        for axis, kind in enumerate(boundary):
            if kind == "periodic":
                require(np.all(edges[:, axis] > 0), f"periodic box edge {axis} is not positive")
        summary.append(f"{n} particles in {d}D, {frames} frames, boundary {boundary}, "
                       f"species {names or sorted(set(values.tolist()))}, {edge_frames} box frames")

        fields = []
        for name, item in particles.items():
            if name in NON_FIELDS or not isinstance(item, h5py.Group):
                continue
            fields.append(f"{name} ({time_series(item, (n, d))} frames)")
        summary.append("fields: " + (", ".join(fields) or "none"))

        observed = []
        if "observables" in f:
            for name, item in group(f, "observables").items():
                require(isinstance(item, h5py.Group), f"/observables/{name} is not a time-dependent group")
                if name == particles.name.split("/")[-1]:
                    # The particle group's fields as its observables: hard links, one object each.
                    for field, linked in item.items():
                        require(field in particles and linked.id == particles[field].id,
                                f"/observables/{name}/{field} is not a link to {particles.name}/{field}")
                    observed.append(f"{name}/{{{', '.join(item)}}} (the fields, linked)")
                    continue
                # Energy and max force are scalars; named array observables (mdsens analyze's
                # curves) keep whatever length their first frame had.
                shape = () if name in ("potential_energy", "max_force") else dataset(item, "value").shape[1:]
                require(len(shape) <= 1, f"/observables/{name}/value has more than one axis per frame")
                observed.append(f"{name} ({time_series(item, shape)} frames)")
        summary.append("observables: " + (", ".join(observed) or "none"))
    return summary


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        summary = check(argv[1])
    except CheckFailure as failure:
        print(f"check_h5md: {argv[1]}: FAILED: {failure}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"check_h5md: {argv[1]}: cannot open: {error}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: OK")
    for line in summary:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
