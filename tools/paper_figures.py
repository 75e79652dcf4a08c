#!/usr/bin/env python3
"""Figures 5 and 17 of Blondel et al., "Efficient and Modular Implicit Differentiation" (NeurIPS 2022),
reproduced with mdsens on the paper's system (128 soft discs, 2D periodic, packing fraction 0.98).

Usage: tools/paper_figures.py [--mdsens PATH] [--outdir tools/figures] [--fig5-seed 0] [--fig5-h5 FILE]
                              [--seeds 40] [--steps 2000] [--trace 10] [--only 5|17] [--format png|pdf|svg]

Particles are drawn to scale with the species names and diameters the H5MD file records (the
`names` and `diameters` attributes of /particles/trajectory/species); a file without diameters, or of a 3D
system (which a plane drawing would misrepresent), is refused with a message. Arrows are coloured by
their length, with a colour bar and a reference arrow for the scale. --format pdf or svg gives
vector figures.

Fig. 5  (fig5_sensitivity.png): runs `mdsens sensitivity --param diameter` (or reads --fig5-h5, an H5MD file
        it wrote) and draws the minimised packing, discs coloured by species, with arrows = the position
        sensitivity dx*/dtheta to the small species' diameter theta, drawn as L * dx/dtheta (the motion
        relative to the box, which itself grows uniformly with dL/dtheta at fixed packing fraction);
        --physical draws dR/dtheta instead.
Fig. 17 (fig17_l1_vs_steps.png): for seeds 0..N-1, `mdsens sensitivity --method unrolled --trace K
        --max-steps STEPS --json`: the L1 norm (normalised coordinates) of the unrolled dx/dtheta every K
        FIRE steps against the implicit L1 at the converged minimum of the same run. Writes
        fig17_summary.json and fig17_summary.txt (per seed: FIRE steps to converge, final unrolled L1, implicit
        L1, rattlers, agreement raw and in the implicit gauge, i.e. rattlers removed and no net translation).

Needs matplotlib, h5py, numpy (pip install matplotlib h5py numpy) and a release build
(swift build -c release --product mdsens). Takes well under a minute for 40 seeds.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from mdsens_files import particle_group

try:
    import h5py
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Circle
    import numpy as np
except ImportError as error:
    print(f"paper_figures: {error}; install with: pip install matplotlib h5py numpy", file=sys.stderr)
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AGREE = 1e-6  # relative L1 difference counted as agreement
COLOURS = ["tab:orange", "tab:blue", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan"]


def mdsens(binary, *arguments):
    done = subprocess.run([binary, *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mdsens {' '.join(arguments)} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def read_sensitivity(path, field="sensitivity_diameter"):
    with h5py.File(path, "r") as h5:
        particles = particle_group(h5)
        dimension = int(particles["box"].attrs["dimension"])
        if dimension != 2:
            sys.exit(f"paper_figures: {path} holds a {dimension}D system; this figure draws a 2D packing "
                     "(a projection of a 3D one would hide overlaps and arrows along z)")
        R = particles["position/value"][-1][:, :2]
        dR = particles[f"{field}/value"][-1][:, :2]
        species = particles["species"]
        species_values = np.asarray(species["value"][-1] if isinstance(species, h5py.Group) else species[()])
        names = species.attrs.get("names")
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in names] if names is not None else None
        diameters = species.attrs.get("diameters")
        if diameters is None:
            sys.exit(f"paper_figures: {path} does not record the species diameters "
                     "(/particles/trajectory/species attribute 'diameters'); write it with a current mdsens")
        edges = particles["box/edges"]
        edges = np.asarray(edges["value"][-1] if isinstance(edges, h5py.Group) else edges[()]).ravel()[:2]
    species_values = species_values.ravel().astype(int)
    names = names or [str(s) for s in range(len(diameters))]
    return R, dR, species_values, names, np.asarray(diameters, dtype=float), edges


def figure5(args, workdir):
    if args.fig5_h5:
        path, info = args.fig5_h5, None
    else:
        path = os.path.join(workdir, "fig5.h5")
        info = mdsens(args.mdsens, "sensitivity", "--param", "diameter", "--seed", str(args.fig5_seed), "--json",
                      "--out", path)
    R, dR, species, names, diameters, edges = read_sensitivity(path)
    L = float(edges[0])
    if info is not None:
        dL = info["box_length_derivative"]
    else:  # packing fraction held: the mean of dR - L dx over the box is (dL/L) R; recover dL by least squares
        dL = float(np.sum((dR - dR.mean(0)) * (R - R.mean(0))) / np.sum((R - R.mean(0)) ** 2)) * L
    arrows = dR if args.physical else dR - R / L * dL  # L dx/dtheta
    kinds = range(len(diameters))

    fig, ax = plt.subplots(figsize=(7.2, 6.4))
    discs = {s: [] for s in kinds}
    for (x, y), s in zip(R, species):
        for ox in (-L, 0, L):
            for oy in (-L, 0, L):
                cx, cy = x + ox, y + oy
                r = diameters[s] / 2
                if -r < cx < L + r and -r < cy < L + r:
                    discs[s].append(Circle((cx, cy), r))
    for s, patches in discs.items():
        ax.add_collection(PatchCollection(patches, facecolor=COLOURS[s % len(COLOURS)], edgecolor="k",
                                          linewidth=0.4, alpha=0.45))
    lengths = np.linalg.norm(arrows, axis=1)
    reference = float(np.percentile(lengths, 95))
    scale = 0.5 / reference  # the 95th-percentile arrow is drawn half a length unit long
    field = ax.quiver(R[:, 0], R[:, 1], arrows[:, 0], arrows[:, 1], lengths, angles="xy", scale_units="xy",
                      scale=1 / scale, width=0.004, cmap="viridis")
    what = "dR*/dθ" if args.physical else "L·dx*/dθ"
    colour_bar = fig.colorbar(field, ax=ax, fraction=0.046, pad=0.02)
    colour_bar.set_label(f"|{what}| (length per unit of θ)")
    ax.quiverkey(field, 0.05, 1.015, reference, f"reference arrow: {reference:.2g} (length per unit of θ)",
                 labelpos="E", coordinates="axes", fontproperties={"size": 8})
    ax.plot([0, L, L, 0, 0], [0, 0, L, L, 0], "k--", linewidth=0.8)
    ax.set_xlim(-0.3, L + 0.3)
    ax.set_ylim(-0.3, L + 0.3)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    handles = [Circle((0, 0), 1, facecolor=COLOURS[s % len(COLOURS)], edgecolor="k", alpha=0.45) for s in kinds]
    ax.legend(handles, [f"{names[s]} (diameter {diameters[s]:g})" for s in kinds], loc="upper right",
              fontsize=8, framealpha=0.9)
    l1 = f", L1(dx/dθ) = {info['l1_norm']:.3f}" if info else ""
    parameter = info["parameter"] if info else "a species' diameter"
    ax.set_title(f"Sensitivity of the minimum to θ = {parameter}\n(arrows {what}{l1})",
                 fontsize=10, pad=18)
    out = os.path.join(args.outdir, f"fig5_sensitivity.{args.format}")
    fig.tight_layout()
    fig.savefig(out, dpi=args.dpi)
    plt.close(fig)
    print(f"Fig. 5: {out}" + (f" (seed {args.fig5_seed}, L1 {info['l1_norm']:.6f}, rattlers {info['rattlers']})" if info else ""))


def figure17(args, workdir):
    runs = []
    for seed in range(args.seeds):
        common = ["sensitivity", "--param", "diameter", "--method", "unrolled", "--trace", str(args.trace),
                  "--seed", str(seed), "--json", "--out", os.path.join(workdir, "fig17.h5")]
        try:
            result = mdsens(args.mdsens, *common, "--max-steps", str(args.steps))
        except RuntimeError:  # the minimisation needs more than --steps: unroll as many steps as it took
            result = mdsens(args.mdsens, *common)
        fire = mdsens(args.mdsens, "minimize", "--seed", str(seed), "--json", "--out", os.path.join(workdir, "m.h5"))
        result["fire_steps_to_converge"] = fire["steps"]
        runs.append(result)

    rows = []
    for seed, r in enumerate(runs):
        implicit, unrolled, gauged = r["implicit_l1_norm"], r["l1_norm"], r["unrolled_l1_norm_gauged"]
        trace = np.array(r["trace"])
        at_convergence = float(np.interp(r["fire_steps_to_converge"], trace[:, 0], trace[:, 1]))
        relative = abs(unrolled - implicit) / implicit if implicit else None
        rows.append(dict(
            seed=seed, fire_steps_to_converge=r["fire_steps_to_converge"], unrolled_steps=r["unrolled_steps"],
            unrolled_l1=unrolled, unrolled_l1_at_convergence_step=at_convergence, implicit_l1=implicit,
            relative_l1_difference=relative, agree=relative is not None and relative < AGREE,
            rattlers=r["implicit_rattlers"], unrolled_l1_gauged=gauged,
            max_relative_difference_gauged=r["unrolled_implicit_relative_difference_gauged"],
            agree_gauged=r["unrolled_implicit_relative_difference_gauged"] is not None
            and r["unrolled_implicit_relative_difference_gauged"] < AGREE,
            end_point_max_force=r["end_point_max_force"]))

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw=dict(width_ratios=[1.6, 1]))
    cmap = plt.get_cmap("viridis")
    seeds = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, max(1, args.seeds - 1)))
    for seed, r in enumerate(runs):
        trace = np.array(r["trace"])
        colour = cmap(seed / max(1, args.seeds - 1))
        keep = trace[:, 0] > 0
        left.plot(trace[keep, 0], trace[keep, 1], color=colour, linewidth=0.8, alpha=0.8)
        if r["implicit_l1_norm"] is not None:
            left.plot([r["fire_steps_to_converge"]], [r["implicit_l1_norm"]], "o", color=colour, markersize=4,
                      markeredgecolor="k", markeredgewidth=0.4)
    left.set_yscale("log")
    left.set_xlabel("FIRE steps")
    left.set_ylabel("L1 norm of dx/dθ (normalised coordinates)")
    left.set_title(f"Unrolled (lines, every {args.trace} steps) vs implicit at the minimum (dots, at the step\n"
                   f"FIRE reached max|F| ≤ 1e-12); {args.seeds} random starts", fontsize=9)
    left.grid(alpha=0.3, which="both")
    fig.colorbar(seeds, ax=left, pad=0.01).set_label("random start (seed)")

    implicit = np.array([row["implicit_l1"] for row in rows], dtype=float)
    unrolled = np.array([row["unrolled_l1"] for row in rows])
    gauged = np.array([row["unrolled_l1_gauged"] for row in rows], dtype=float)
    with_rattlers = np.array([bool(row["rattlers"]) for row in rows])
    lo, hi = np.nanmin([implicit.min(), unrolled.min()]) * 0.9, np.nanmax([implicit.max(), unrolled.max()]) * 1.1
    right.plot([lo, hi], [lo, hi], "k-", linewidth=0.6)
    right.scatter(implicit[~with_rattlers], unrolled[~with_rattlers], s=22, label="unrolled, no rattlers")
    right.scatter(implicit[with_rattlers], unrolled[with_rattlers], s=22, marker="s", color="tab:red",
                  label="unrolled, with rattlers")
    right.scatter(implicit, gauged, s=40, facecolors="none", edgecolors="k", linewidths=0.6,
                  label="unrolled, rattlers removed & no net translation")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("implicit L1 at the minimum")
    right.set_ylabel(f"unrolled L1 after {args.steps} steps")
    agree = sum(row["agree"] for row in rows)
    right.set_title(f"{agree}/{len(rows)} agree to {AGREE:g} (raw), "
                    f"{sum(row['agree_gauged'] for row in rows)}/{len(rows)} in the implicit gauge", fontsize=9)
    right.legend(fontsize=7, loc="upper left")
    right.grid(alpha=0.3, which="both")
    fig.tight_layout()
    out = os.path.join(args.outdir, f"fig17_l1_vs_steps.{args.format}")
    fig.savefig(out, dpi=args.dpi)
    plt.close(fig)

    summary = dict(system="paper-2d-128 (Systems/paper-2d-128.json)", parameter="diameter of species 'small'",
                   unrolled_steps=args.steps, trace_interval=args.trace, agreement_tolerance=AGREE,
                   agree_raw=int(agree), agree_gauged=int(sum(row["agree_gauged"] for row in rows)),
                   seeds_with_rattlers=int(with_rattlers.sum()), rows=rows)
    with open(os.path.join(args.outdir, "fig17_summary.json"), "w") as handle:
        json.dump(summary, handle, indent=1)
    lines = [f"Fig. 17: L1 norm of dx/dtheta (normalised coordinates), unrolled through {args.steps} FIRE steps vs "
             f"implicit at the minimum; agreement = relative difference < {AGREE:g}",
             f"{'seed':>4} {'FIRE steps':>10} {'unrolled L1':>14} {'implicit L1':>14} {'rel. diff':>10} {'agree':>5} "
             f"{'rattlers':>9} {'gauged rel.':>11} {'agree':>5}"]
    for row in rows:
        lines.append(f"{row['seed']:>4} {row['fire_steps_to_converge']:>10} {row['unrolled_l1']:>14.8f} "
                     f"{row['implicit_l1']:>14.8f} {row['relative_l1_difference']:>10.2e} "
                     f"{'yes' if row['agree'] else 'no':>5} {str(len(row['rattlers'])):>9} "
                     f"{row['max_relative_difference_gauged']:>11.2e} {'yes' if row['agree_gauged'] else 'no':>5}")
    lines.append(f"agree: {summary['agree_raw']}/{len(rows)} raw, {summary['agree_gauged']}/{len(rows)} with "
                 f"rattlers removed and the mean translation projected out (gauged rel. = max |dx_u - dx_i| / "
                 f"max |dx_i|); seeds with rattlers: {summary['seeds_with_rattlers']}")
    text = "\n".join(lines)
    with open(os.path.join(args.outdir, "fig17_summary.txt"), "w") as handle:
        handle.write(text + "\n")
    print(text)
    print(f"Fig. 17: {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mdsens", default=os.path.join(ROOT, ".build", "release", "mdsens"))
    parser.add_argument("--outdir", default=os.path.join(ROOT, "tools", "figures"))
    parser.add_argument("--fig5-seed", type=int, default=0)
    parser.add_argument("--fig5-h5", help="draw this mdsens sensitivity H5MD file instead of running mdsens")
    parser.add_argument("--physical", action="store_true", help="Fig. 5 arrows dR/dtheta (with the box growth)")
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--steps", type=int, default=2000, help="FIRE steps unrolled per seed (Fig. 17)")
    parser.add_argument("--trace", type=int, default=10, help="record the unrolled L1 every K steps")
    parser.add_argument("--dpi", type=int, default=110)
    parser.add_argument("--only", choices=["5", "17"])
    parser.add_argument("--format", choices=["png", "pdf", "svg"], default="png",
                        help="png (raster, --dpi) or pdf / svg (vector, for publication)")
    args = parser.parse_args()
    if not os.path.exists(args.mdsens):
        sys.exit(f"paper_figures: no {args.mdsens}; build it with: swift build -c release --product mdsens")
    os.makedirs(args.outdir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mdsens-figures-") as workdir:
        if args.only in (None, "5"):
            figure5(args, workdir)
        if args.only in (None, "17"):
            figure17(args, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
