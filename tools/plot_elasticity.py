#!/usr/bin/env python3
"""Plots of mdsens's elastic response: the non-affine field of a shear, and the jamming scaling of the moduli.

Usage: tools/plot_elasticity.py [--mdsens PATH] [--system Systems/paper-2d-128.json] [--outdir tools/figures]
                                [--fractions 0.86 0.88 ...] [--seeds 0 1 2] [--format png|pdf|svg]

1. elasticity_nonaffine_shear.<fmt>: the packing of --system at its minimum (discs to scale, coloured by
   species, from the system file's diameters), with the non-affine displacement field du/dγ of a simple
   shear γ (strain xy) as arrows, and a reference arrow for the scale; from
   `mdsens elasticity --fields --format xyz`.
2. elasticity_jamming_scaling.<fmt>: shear modulus G and bulk modulus B against pressure p over packings of
   the same system at several packing fractions and seeds (`mdsens minimize` + `mdsens elasticity --json`),
   log-log, with the harmonic-disc scalings G ∝ p^(1/2) and B ∝ p^0 as guides.

Needs matplotlib and numpy (pip install matplotlib numpy) and a build of mdsens
(swift build -c release --product mdsens). Exits 1 if an mdsens run fails, 2 when matplotlib is missing.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Circle
    import numpy as np
except ImportError as error:
    print(f"plot_elasticity: {error}; install with: pip install matplotlib numpy", file=sys.stderr)
    sys.exit(2)

from mdsens_files import ROOT, read_last_xyz_frame


def mdsens(binary, *arguments):
    done = subprocess.run([binary, *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mdsens {' '.join(arguments)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def nonaffine_figure(binary, system, outdir, image_format):
    with open(system) as handle:
        description = json.load(handle)
    if description["dimension"] != 2:
        raise RuntimeError("the non-affine field is drawn for 2D systems only (a 3D packing needs a slice)")
    diameters = {s["name"]: s["diameter"] for s in description["species"]}
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "fields.xyz")
        mdsens(binary, "elasticity", system, "--fields", "--format", "xyz", "--out", path)
        species, positions, lattice, fields = read_last_xyz_frame(path, 2)
        edges = (lattice[0][0], lattice[1][1])
    field = fields["nonaffine_xy"][:, :2]
    figure, axes = plt.subplots(figsize=(6, 6))
    names = sorted(diameters, key=diameters.get)
    colours = dict(zip(names, ["#8fb8de", "#f4a582", "#b8e186", "#d8b2d8"]))
    discs = [Circle((x, y), diameters[s] / 2) for (x, y), s in zip(positions[:, :2], species)]
    axes.add_collection(PatchCollection(discs, facecolor=[colours[s] for s in species], edgecolor="0.4", linewidth=0.4))
    scale = 0.8 / max(np.abs(field).max(), 1e-300)
    axes.quiver(positions[:, 0], positions[:, 1], field[:, 0], field[:, 1], angles="xy", scale_units="xy",
                scale=1 / scale, width=0.003)
    reference = 10 ** np.floor(np.log10(np.abs(field).max()))
    axes.quiver([0.05 * edges[0]], [-0.06 * edges[1]], [reference], [0], angles="xy", scale_units="xy",
                scale=1 / scale, width=0.004, clip_on=False)
    axes.text(0.05 * edges[0] + reference * scale + 0.1, -0.06 * edges[1], f"|du/dγ| = {reference:g} σ",
              va="center", fontsize=9)
    for name in names:
        axes.plot([], [], "o", color=colours[name], label=f"{name} (d = {diameters[name]:g})")
    axes.legend(loc="upper right", fontsize=8, framealpha=0.9)
    axes.set_xlim(0, edges[0])
    axes.set_ylim(0, edges[1])
    axes.set_aspect("equal")
    axes.set_title("Non-affine response to a simple shear γ (strain xy)")
    axes.set_xlabel("x (σ)")
    axes.set_ylabel("y (σ)")
    target = os.path.join(outdir, f"elasticity_nonaffine_shear.{image_format}")
    figure.savefig(target, dpi=160, bbox_inches="tight")
    return target


def scaling_figure(binary, system, outdir, fractions, seeds, image_format):
    with open(system) as handle:
        description = json.load(handle)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for fraction in fractions:
            variant = dict(description)
            variant["packing_fraction"] = fraction
            variant.pop("box", None)
            variant.pop("initial", None)
            path = os.path.join(work, f"system-{fraction}.json")
            with open(path, "w") as handle:
                json.dump(variant, handle)
            for seed in seeds:
                minimum = os.path.join(work, f"min-{fraction}-{seed}.xyz")
                mdsens(binary, "minimize", path, "--seed", str(seed), "--out", minimum, "--json")
                result = json.loads(mdsens(binary, "elasticity", path, "--positions", minimum, "--json"))
                rows.append((fraction, result["pressure"], result["shear_modulus"], result["bulk_modulus"],
                             result["excess_contact_number"]))
    # A finite packing close to jamming can have a negative angle-averaged G (its residual stress
    # destabilises some shear); a log scale shows the positive ones, the table lists all.
    plotted = [row for row in rows if row[1] > 0 and row[2] > 0 and row[3] > 0]
    pressure = np.array([row[1] for row in plotted])
    shear = np.array([row[2] for row in plotted])
    bulk = np.array([row[3] for row in plotted])
    figure, axes = plt.subplots(figsize=(6, 4.5))
    axes.loglog(pressure, shear, "o", label="shear modulus G")
    axes.loglog(pressure, bulk, "s", label="bulk modulus B")
    p = np.geomspace(pressure.min(), pressure.max(), 50)
    axes.loglog(p, shear[np.argmax(pressure)] * (p / pressure.max()) ** 0.5, "--", color="0.5", label="∝ p^(1/2)")
    axes.loglog(p, np.full_like(p, np.median(bulk)), ":", color="0.5", label="∝ p^0")
    axes.set_xlabel("pressure p (ε/σ²)")
    axes.set_ylabel("modulus (ε/σ²)")
    axes.set_title("Moduli of harmonic disc packings against pressure")
    axes.legend(fontsize=8)
    target = os.path.join(outdir, f"elasticity_jamming_scaling.{image_format}")
    figure.savefig(target, dpi=160, bbox_inches="tight")
    return target, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mdsens", default=os.path.join(ROOT, ".build", "release", "mdsens"))
    parser.add_argument("--system", default=os.path.join(ROOT, "Systems", "paper-2d-128.json"))
    parser.add_argument("--outdir", default=os.path.join(ROOT, "tools", "figures"))
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.845, 0.85, 0.86, 0.88, 0.9, 0.94, 0.98])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--format", choices=["png", "pdf", "svg"], default="png")
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    try:
        print(nonaffine_figure(args.mdsens, args.system, args.outdir, args.format))
        target, rows = scaling_figure(args.mdsens, args.system, args.outdir, args.fractions, args.seeds, args.format)
    except RuntimeError as error:
        print(f"plot_elasticity: {error}", file=sys.stderr)
        return 1
    print(target)
    print("phi       p            G            B            Z-Ziso")
    for row in rows:
        print(f"{row[0]:<8} {row[1]:<12.5g} {row[2]:<12.5g} {row[3]:<12.5g} {row[4]:<8.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
