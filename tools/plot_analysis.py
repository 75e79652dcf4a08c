#!/usr/bin/env python3
"""Plot the output of `mdsens analyze`: D(omega) with its error band, the lowest mode as arrows on
the packing, and S(k) on log axes (with the species-resolved S_ab(k)).

Usage:
  mdsens analyze --positions MIN.h5 --dos --modes 1 --structure-factor --out ANALYSIS.h5 --json > ANALYSIS.json
  tools/plot_analysis.py ANALYSIS.json [--out DIRECTORY]

Writes dos.png, lowest-mode.png (needs the H5MD file the JSON names, 2D only) and structure-factor.png.
Needs matplotlib, numpy and h5py (pip install matplotlib numpy h5py); exits 2 when they are missing.
"""
import argparse
import json
import os
import sys

from mdsens_files import particle_group

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
except ImportError as error:
    print(f"plot_analysis: {error}; install with: pip install matplotlib numpy h5py", file=sys.stderr)
    sys.exit(2)


def plot_dos(result, directory):
    dos = result["dos"]
    omega, density, error = (np.array(dos[key]) for key in ("omega", "density", "error"))
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.plot(omega, density, color="C0", label=f"KPM, {dos['moments']} moments x {dos['vectors']} vectors")
    axes.fill_between(omega, density - 2 * error, density + 2 * error, color="C0", alpha=0.3, label="±2 standard errors")
    for mode in result.get("modes", []):
        axes.axvline(mode["frequency"], color="C3", lw=0.6, alpha=0.6)
    axes.set_xlabel(r"$\omega$")
    axes.set_ylabel(r"$D(\omega)$")
    axes.set_title(f"{result['system']}: N = {result['n_particles']}, p = {result['pressure']:.3g}")
    axes.legend(fontsize=7)
    figure.tight_layout()
    path = os.path.join(directory, "dos.png")
    figure.savefig(path, dpi=150)
    return path


def plot_mode(result, directory):
    try:
        import h5py
    except ImportError:
        print("plot_analysis: h5py missing, lowest mode not drawn", file=sys.stderr)
        return None
    if result["dimension"] != 2 or not result.get("modes"):
        return None
    with h5py.File(result["output"], "r") as file:
        particles = particle_group(file)
        positions = particles["position/value"][-1]
        field = particles[result["modes"][0]["field"] + "/value"][-1]
    box = result["box"]
    figure, axes = plt.subplots(figsize=(5, 5))
    rattlers = set(result["contacts"]["rattlers"])
    colours = ["0.6" if index in rattlers else "C0" for index in range(len(positions))]
    axes.scatter(positions[:, 0], positions[:, 1], s=8, c=colours)
    # The longest arrow is one small-particle diameter (in box units).
    length = np.linalg.norm(field, axis=1).max()
    arrows = field / max(length, 1e-300)
    axes.quiver(positions[:, 0], positions[:, 1], arrows[:, 0], arrows[:, 1], angles="xy", scale_units="xy",
                scale=1, color="C3", width=0.003)
    mode = result["modes"][0]
    axes.set_title(f"lowest mode: omega = {mode['frequency']:.4g}, participation {mode['participation_ratio']:.3g}")
    axes.set_xlim(0, box[0])
    axes.set_ylim(0, box[1])
    axes.set_aspect("equal")
    figure.tight_layout()
    path = os.path.join(directory, "lowest-mode.png")
    figure.savefig(path, dpi=150)
    return path


def plot_structure_factor(result, directory):
    factor = result["structure_factor"]
    k, s = np.array(factor["k"]), np.array(factor["s"])
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.loglog(k, s, "o-", ms=3, label="S(k)")
    names = factor.get("species", [])
    for key, values in sorted(factor.get("partial", {}).items()):
        a, b = (int(index) for index in key.split("-"))
        label = f"S_{names[a]}-{names[b]}" if names else f"S_{key}"
        values = np.array(values)
        positive = values > 0
        axes.loglog(k[positive], values[positive], lw=0.8, alpha=0.7, label=label)
    axes.set_xlabel("k")
    axes.set_ylabel("S(k)")
    axes.legend(fontsize=7)
    figure.tight_layout()
    path = os.path.join(directory, "structure-factor.png")
    figure.savefig(path, dpi=150)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("analysis", help="the JSON printed by mdsens analyze --json")
    parser.add_argument("--out", default=".", help="directory for the PNG files")
    arguments = parser.parse_args()
    with open(arguments.analysis) as file:
        result = json.load(file)
    os.makedirs(arguments.out, exist_ok=True)
    written = []
    if "dos" in result:
        written.append(plot_dos(result, arguments.out))
    if "modes" in result:
        written.append(plot_mode(result, arguments.out))
    if "structure_factor" in result:
        written.append(plot_structure_factor(result, arguments.out))
    for path in written:
        if path:
            print(path)


if __name__ == "__main__":
    main()
