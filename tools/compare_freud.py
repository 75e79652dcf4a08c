#!/usr/bin/env python3
"""Compare mdsens's S(k) with freud's (pip install freud-analysis) on the same positions.

Usage:
  tools/compare_freud.py --analysis ANALYSIS.json     # JSON of `mdsens analyze --structure-factor --json`
  tools/compare_freud.py --points FILE --dimension D  # timing only: one point per line, box side N^(1/d)

With --analysis: freud.diffraction.StaticStructureFactorDirect on the positions of the H5MD file the JSON
names (3D only: freud 3.4 refuses 2D boxes), with mdsens's shells (width 2 pi / L from k = 0) as bins;
prints both curves, the largest relative difference and freud's time. freud's k-vectors are its own
selection (on a 500-sphere packing its shells differ from mdsens's by up to 29%; mdsens's equal a numpy
direct sum over every k-vector of the shell), so the comparison is of curves, not a test. With --points: freud's time on those
points for |k| up to 4 pi (mdsens-analysis-benchmark --positions-out writes such files).
Exits 2 when freud, numpy or h5py are missing.
"""
import argparse
import json
import sys
import time

from mdsens_files import particle_group

try:
    import numpy as np
    import freud
except ImportError as error:
    print(f"compare_freud: {error}; install with: pip install freud-analysis numpy h5py", file=sys.stderr)
    sys.exit(2)


def freud_box(edges):
    return freud.box.Box(Lx=edges[0], Ly=edges[1], Lz=edges[2] if len(edges) == 3 else 0,
                         is2D=len(edges) == 2)


def as_three(points):
    if points.shape[1] == 2:
        points = np.hstack([points, np.zeros((len(points), 1))])
    return points


def centred(points, edges):
    # freud's boxes run from -L/2 to L/2.
    return points - np.array(list(edges) + [0] * (3 - len(edges)))[:3] / 2 * (np.arange(3) < len(edges))


def compare(analysis_path):
    import h5py

    with open(analysis_path) as file:
        result = json.load(file)
    edges = result["box"]
    with h5py.File(result["output"], "r") as file:
        points = np.array(particle_group(file)["position/value"][-1], dtype=np.float64)
    points = centred(as_three(points), edges)
    factor = result["structure_factor"]
    k_mdsens, s_mdsens = np.array(factor["k"]), np.array(factor["s"])
    width = 2 * np.pi / min(edges)
    shells = int(k_mdsens.max() / width) + 1
    start = time.perf_counter()
    direct = freud.diffraction.StaticStructureFactorDirect(bins=shells, k_max=shells * width, k_min=0,
                                                           num_sampled_k_points=10**9)
    direct.compute((freud_box(edges), points), reset=True)
    seconds = time.perf_counter() - start
    k_freud, s_freud = direct.bin_centers, direct.S_k
    print("| k (mdsens) | S mdsens | k bin (freud) | S freud | relative difference |")
    print("|---:|---:|---:|---:|---:|")
    worst = 0.0
    for k, s in zip(k_mdsens, s_mdsens):
        index = int(k / width)
        if index >= len(s_freud) or not np.isfinite(s_freud[index]):
            continue
        difference = abs(s - s_freud[index]) / s
        worst = max(worst, difference)
        print(f"| {k:.5g} | {s:.10g} | {k_freud[index]:.5g} | {s_freud[index]:.10g} | {difference:.2e} |")
    print(f"\nlargest relative difference {worst:.3e}; freud {freud.__version__} StaticStructureFactorDirect {seconds:.3f} s")


def timing(path, dimension):
    points = np.loadtxt(path)
    side = len(points) ** (1 / dimension)
    edges = [side] * dimension
    points = centred(as_three(points), edges)
    for name, method in [("Direct (10,000 sampled k)", lambda: freud.diffraction.StaticStructureFactorDirect(
                             bins=100, k_max=4 * np.pi, k_min=0))]:
        start = time.perf_counter()
        method().compute((freud_box(edges), points), reset=True)
        print(f"freud {freud.__version__} {name}: N = {len(points)}, {dimension}D, {time.perf_counter() - start:.3f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--analysis")
    parser.add_argument("--points")
    parser.add_argument("--dimension", type=int, default=2)
    arguments = parser.parse_args()
    if arguments.analysis:
        compare(arguments.analysis)
    elif arguments.points:
        timing(arguments.points, arguments.dimension)
    else:
        parser.error("give --analysis or --points")


if __name__ == "__main__":
    main()
